import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, DateTimeColumn, UpdatedAtColumn } from "../../db/columns";
import { Resource } from "../catalogue/resource.entity";
import { Organisation } from "../organisations/organisation.entity";

export type EnquiryStatus = "open" | "answered" | "closed";

/** A message from a searcher to the owner of a listing, tracked until answered. */
@Entity("enquiries")
export class Enquiry {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "integer", nullable: true })
  resourceId: number | null;

  @ManyToOne(() => Resource, { onDelete: "SET NULL" })
  @JoinColumn({ name: "resource_id" })
  resource?: Resource | null;

  @Index()
  @Column({ type: "integer" })
  organisationId: number;

  @ManyToOne(() => Organisation, { onDelete: "CASCADE" })
  @JoinColumn({ name: "organisation_id" })
  organisation?: Organisation;

  @Column({ type: "varchar", length: 120 })
  senderName: string;

  @Column({ type: "varchar", length: 254 })
  senderEmail: string;

  @Column({ type: "varchar", length: 200, nullable: true })
  senderOrganisation: string | null;

  @Column({ type: "text" })
  message: string;

  @Column({ type: "varchar", length: 20, default: "open" })
  status: EnquiryStatus;

  @DateTimeColumn({ nullable: true })
  answeredAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
