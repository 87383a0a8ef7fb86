import { Column, Entity, Index, JoinColumn, JoinTable, ManyToMany, ManyToOne, OneToMany, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, DateTimeColumn, UpdatedAtColumn } from "../../db/columns";
import { Organisation } from "../organisations/organisation.entity";
import { Audience, Language } from "../reference/reference.entities";
import { CourseSession } from "./course-session.entity";
import { Edition } from "./edition.entity";
import { Topic } from "./topic.entity";
import type { DeliveryMode, ResourceKind } from "./vocabulary";

export type Visibility = "public" | "members";
/** `pending`: published by an unverified organisation, waiting for a curator's review (see listing-rules.ts). */
export type ResourceStatus = "draft" | "pending" | "published" | "archived";

/** One listing: a course or a training material, owned by one organisation. */
@Entity("resources")
@Index(["ownerId", "externalId"], { unique: true })
export class Resource {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index({ unique: true })
  @Column({ type: "varchar", length: 120 })
  slug: string;

  /** The owner's own identifier, used to match rows on bulk import. */
  @Column({ type: "varchar", length: 120, nullable: true })
  externalId: string | null;

  @Column({ type: "varchar", length: 40 })
  kind: ResourceKind;

  @Column({ type: "varchar", length: 300 })
  title: string;

  @Column({ type: "varchar", length: 40, nullable: true })
  acronym: string | null;

  @Column({ type: "varchar", length: 600, nullable: true })
  summary: string | null;

  /** Markdown; rendered sanitised. */
  @Column({ type: "text", nullable: true })
  description: string | null;

  @Column({ type: "integer" })
  ownerId: number;

  @ManyToOne(() => Organisation, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "owner_id" })
  owner?: Organisation;

  /** Contact point for this listing; the owner's contact point applies when empty. */
  @Column({ type: "varchar", length: 200, nullable: true })
  contactName: string | null;

  @Column({ type: "varchar", length: 254, nullable: true })
  contactEmail: string | null;

  @Column({ type: "varchar", length: 30, nullable: true })
  deliveryMode: DeliveryMode | null;

  /** Free text as the owner says it ("5 days", "2 hours self-paced"). */
  @Column({ type: "varchar", length: 100, nullable: true })
  duration: string | null;

  /** True free of charge, false paid, null not stated. */
  @Column({ type: "boolean", nullable: true })
  isFree: boolean | null;

  /** Eligibility and how to get access ("Open", "On request to officials"). */
  @Column({ type: "varchar", length: 500, nullable: true })
  access: string | null;

  /** Ownership or licence statement; the catalogue's standard statement applies when empty. */
  @Column({ type: "varchar", length: 500, nullable: true })
  ownershipStatement: string | null;

  /** What participants can do afterwards. */
  @Column({ type: "text", nullable: true })
  learningOutcomes: string | null;

  /** What participants should know or have done before. */
  @Column({ type: "text", nullable: true })
  prerequisites: string | null;

  /** Which countries, agencies or officials may take part. */
  @Column({ type: "text", nullable: true })
  eligibility: string | null;

  /** How to apply or be nominated ("through your national focal point"). */
  @Column({ type: "text", nullable: true })
  howToApply: string | null;

  /** The certificate or recognition awarded. */
  @Column({ type: "varchar", length: 300, nullable: true })
  certificate: string | null;

  @Column({ type: "varchar", length: 500, nullable: true })
  url: string | null;

  /** The language the listing's own text (its title, summary, description) is written in; null: not given. */
  @Index("IDX_resources_language")
  @Column({ type: "varchar", length: 16, nullable: true })
  languageTag: string | null;

  @ManyToOne(() => Language, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "language_tag", referencedColumnName: "tag", foreignKeyConstraintName: "FK_resources_language" })
  language?: Language;

  @Column({ type: "varchar", length: 20, default: "public" })
  visibility: Visibility;

  @Column({ type: "varchar", length: 20, default: "draft" })
  status: ResourceStatus;

  @DateTimeColumn({ nullable: true })
  publishedAt: Date | null;

  /** Why a curator sent the listing back from review; cleared when it is published. */
  @Column({ type: "text", nullable: true })
  reviewNote: string | null;

  /** When a curator last approved the listing or sent it back. */
  @DateTimeColumn({ nullable: true })
  reviewedAt: Date | null;

  /** Who last sent the listing for review: the one told of the curator's answer. */
  @Column({ type: "integer", nullable: true })
  submittedById: number | null;

  /** When the owner last confirmed the listing is current. */
  @DateTimeColumn({ nullable: true })
  lastConfirmedAt: Date | null;

  /**
   * Optimistic locking: a save with a stale version is refused. The writer raises it once per change,
   * when it claims the version (not TypeORM's VersionColumn, which would raise it again on save).
   */
  @Column({ type: "integer" })
  version: number = 1;

  @ManyToMany(() => Topic)
  @JoinTable({
    name: "resource_topics",
    joinColumn: { name: "resource_id", referencedColumnName: "id" },
    inverseJoinColumn: { name: "topic_id", referencedColumnName: "id" },
  })
  topics?: Topic[];

  @ManyToMany(() => Audience)
  @JoinTable({
    name: "resource_audiences",
    joinColumn: { name: "resource_id", referencedColumnName: "id" },
    inverseJoinColumn: { name: "audience_slug", referencedColumnName: "slug" },
  })
  audiences?: Audience[];

  @OneToMany(() => Edition, (e) => e.resource)
  editions?: Edition[];

  @OneToMany(() => CourseSession, (s) => s.resource)
  sessions?: CourseSession[];

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
