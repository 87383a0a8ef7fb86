import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, DateTimeColumn } from "../../db/columns";
import type { OrganisationRole, SiteRole } from "./user.entity";

/** A single-use, expiring invitation to set a password and join. Only a hash of its token is kept. */
@Entity("invitations")
export class Invitation {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** SHA-256 of the token in the link, hex. */
  @Index({ unique: true })
  @Column({ type: "varchar", length: 64 })
  tokenHash: string;

  @Column({ type: "varchar", length: 254 })
  email: string;

  @Column({ type: "varchar", length: 120 })
  displayName: string;

  @Column({ type: "integer", nullable: true })
  organisationId: number | null;

  @Column({ type: "varchar", length: 20, nullable: true })
  organisationRole: OrganisationRole | null;

  @Column({ type: "varchar", length: 20, default: "none" })
  siteRole: SiteRole;

  @Column({ type: "integer", nullable: true })
  createdById: number | null;

  @DateTimeColumn()
  expiresAt: Date;

  @DateTimeColumn({ nullable: true })
  usedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;
}
