import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, DateTimeColumn, UpdatedAtColumn } from "../../db/columns";
import { Resource } from "../catalogue/resource.entity";
import { Organisation } from "../organisations/organisation.entity";
import { EnquiryMessage } from "./enquiry-message.entity";

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

  /** Sender's country (ISO 3166-1 alpha-3), when given. */
  @Column({ type: "varchar", length: 3, nullable: true })
  senderCountry: string | null;

  /** The interface language the sender asked in (a tag of the interface's languages): their mails are written in it. */
  @Column({ type: "varchar", length: 35, default: "en" })
  senderLanguage: string;

  /** The sender agreed that the owner sees their email address. */
  @Column({ type: "boolean", default: false })
  shareEmail: boolean;

  /** What the sender and the owner quote ("RTC-7K3M-Q9XD"). */
  @Index({ unique: true })
  @Column({ type: "varchar", length: 20, nullable: true })
  reference: string | null;

  /** The listing's title when the enquiry was made, kept if the listing goes. */
  @Column({ type: "varchar", length: 300, nullable: true })
  resourceTitle: string | null;

  /** Nobody of the organisation had signed up: the RSO curators received it, to forward. */
  @Column({ type: "boolean", default: false })
  routedToCurators: boolean;

  /** "open" is shown as "new". */
  @Column({ type: "varchar", length: 20, default: "open" })
  status: EnquiryStatus;

  @DateTimeColumn({ nullable: true })
  answeredAt: Date | null;

  @DateTimeColumn({ nullable: true })
  closedAt: Date | null;

  @OneToMany(() => EnquiryMessage, (m) => m.enquiry)
  messages?: EnquiryMessage[];

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
