import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, UpdatedAtColumn } from "../../db/columns";

export const ORGANISATION_KINDS = ["member-state-agency", "international-organisation", "training-institution", "other"] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** An organisation that owns listings: a member state's agency, an international organisation, a training institution. */
@Entity("organisations")
export class Organisation {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index({ unique: true })
  @Column({ type: "varchar", length: 100 })
  slug: string;

  @Column({ type: "varchar", length: 200 })
  name: string;

  /** Acronym or short name ("IOM", "JCLEC"). */
  @Column({ type: "varchar", length: 40, nullable: true })
  shortName: string | null;

  @Column({ type: "varchar", length: 40 })
  kind: OrganisationKind;

  /** ISO 3166-1 alpha-3, or none for international bodies. */
  @Index("IDX_organisations_country")
  @Column({ type: "varchar", length: 3, nullable: true })
  countryCode: string | null;

  @Column({ type: "varchar", length: 500, nullable: true })
  website: string | null;

  @Column({ type: "text", nullable: true })
  description: string | null;

  /** Public contact point for enquiries about the organisation's listings. */
  @Column({ type: "varchar", length: 200, nullable: true })
  contactName: string | null;

  @Column({ type: "varchar", length: 254, nullable: true })
  contactEmail: string | null;

  /** Checked by an RSO curator. */
  @Column({ type: "boolean", default: false })
  verified: boolean;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
