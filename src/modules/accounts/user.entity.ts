import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, DateTimeColumn, UpdatedAtColumn } from "../../db/columns";
import { Organisation } from "../organisations/organisation.entity";

export type OrganisationRole = "admin" | "editor";
export type SiteRole = "curator" | "none";

/** A person who signs in: a contributor of one organisation, or an RSO curator. */
@Entity("users")
export class User {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** Stored lower-cased. */
  @Index({ unique: true })
  @Column({ type: "varchar", length: 254 })
  email: string;

  @Column({ type: "varchar", length: 120 })
  displayName: string;

  /** Null until the invited person sets a password. */
  @Column({ type: "varchar", length: 255, nullable: true })
  passwordHash: string | null;

  @Column({ type: "integer", nullable: true })
  organisationId: number | null;

  @ManyToOne(() => Organisation, { onDelete: "SET NULL" })
  @JoinColumn({ name: "organisation_id" })
  organisation?: Organisation | null;

  @Column({ type: "varchar", length: 20, nullable: true })
  organisationRole: OrganisationRole | null;

  @Column({ type: "varchar", length: 20, default: "none" })
  siteRole: SiteRole;

  @Column({ type: "boolean", default: false })
  disabled: boolean;

  /** Raised when the password changes: sessions signed in under an older version end. */
  @Column({ type: "integer", default: 0 })
  sessionVersion: number;

  /** The interface language they chose (a tag of the interface's languages), or null. */
  @Column({ type: "varchar", length: 35, nullable: true })
  language: string | null;

  @DateTimeColumn({ nullable: true })
  lastSignInAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
