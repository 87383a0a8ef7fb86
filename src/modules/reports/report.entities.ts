import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, DateTimeColumn, JsonColumn, UpdatedAtColumn } from "../../db/columns";
import { Organisation } from "../organisations/organisation.entity";
import { Country } from "../reference/reference.entities";
import { User } from "../accounts/user.entity";
import { Resource } from "../catalogue/resource.entity";

/** A progress report of the RSO (e.g. the AHG progress report of October 2017). */
@Entity("reports")
export class Report {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index({ unique: true })
  @Column({ type: "varchar", length: 120 })
  slug: string;

  @Column({ type: "varchar", length: 300 })
  title: string;

  @Column({ type: "date", nullable: true })
  publishedOn: string | null;

  @Column({ type: "text", nullable: true })
  introduction: string | null;

  /** The format the report was last imported from: text, html or csv. */
  @Column({ type: "varchar", length: 10, nullable: true })
  sourceFormat: string | null;

  @DateTimeColumn({ nullable: true })
  importedAt: Date | null;

  /** When a curator archived the report: kept and readable, but out of the list of reports and of coverage. */
  @DateTimeColumn({ name: "archived_at", nullable: true })
  archivedAt: Date | null;

  @OneToMany(() => ReportSection, (s) => s.report)
  sections?: ReportSection[];

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}

/** A theme of a report ("Border Management"). */
@Entity("report_sections")
export class ReportSection {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index()
  @Column({ type: "integer" })
  reportId: number;

  @ManyToOne(() => Report, (r) => r.sections, { onDelete: "CASCADE" })
  @JoinColumn({ name: "report_id" })
  report?: Report;

  /** Order in the report, from 1. */
  @Column({ type: "integer" })
  position: number;

  @Column({ type: "varchar", length: 300 })
  title: string;

  /** The number the heading carries ("4"), when it has one. */
  @Column({ type: "varchar", length: 10, nullable: true })
  number: string | null;

  @OneToMany(() => ReportItem, (i) => i.section)
  items?: ReportItem[];
}

/** A numbered item of a report ("3.4"): an action or recommendation, who does it, its status. */
@Entity("report_items")
@Index(["reportId", "number"], { unique: true })
export class ReportItem {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "integer" })
  reportId: number;

  @ManyToOne(() => Report, { onDelete: "CASCADE" })
  @JoinColumn({ name: "report_id" })
  report?: Report;

  @Index()
  @Column({ type: "integer" })
  sectionId: number;

  @ManyToOne(() => ReportSection, (s) => s.items, { onDelete: "CASCADE" })
  @JoinColumn({ name: "section_id" })
  section?: ReportSection;

  @Column({ type: "varchar", length: 20 })
  number: string;

  @Column({ type: "integer" })
  position: number;

  @Column({ type: "text" })
  action: string;

  @Column({ type: "varchar", length: 300, nullable: true })
  who: string | null;

  /** Status and details; sanitised HTML. */
  @Column({ type: "text", nullable: true })
  details: string | null;

  /** Footnotes that belong to the item, as plain text. */
  @JsonColumn({ nullable: true })
  footnotes: string[] | null;

  @OneToMany(() => ReportItemParty, (p) => p.item)
  parties?: ReportItemParty[];

  @OneToMany(() => ReportItemLink, (l) => l.item)
  links?: ReportItemLink[];
}

/** An organisation or a country that an item's "who" names. */
@Entity("report_item_parties")
export class ReportItemParty {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index()
  @Column({ type: "integer" })
  itemId: number;

  @ManyToOne(() => ReportItem, (i) => i.parties, { onDelete: "CASCADE" })
  @JoinColumn({ name: "item_id" })
  item?: ReportItem;

  @Index()
  @Column({ type: "integer", nullable: true })
  organisationId: number | null;

  @ManyToOne(() => Organisation, { onDelete: "CASCADE" })
  @JoinColumn({ name: "organisation_id" })
  organisation?: Organisation | null;

  @Index()
  @Column({ type: "varchar", length: 3, nullable: true })
  countryCode: string | null;

  @ManyToOne(() => Country, { onDelete: "CASCADE" })
  @JoinColumn({ name: "country_code", referencedColumnName: "code" })
  country?: Country | null;

  /** The words of "who" that named it. */
  @Column({ type: "varchar", length: 200 })
  matched: string;
}

export const LINK_RELATIONS = ["delivers", "supports", "mentions"] as const;
export type LinkRelation = (typeof LINK_RELATIONS)[number];

/** A report item linked to a listed resource that delivers, supports or is mentioned by it. */
@Entity("report_item_links")
@Index(["itemId", "resourceId"], { unique: true })
export class ReportItemLink {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "integer" })
  itemId: number;

  @ManyToOne(() => ReportItem, (i) => i.links, { onDelete: "CASCADE" })
  @JoinColumn({ name: "item_id" })
  item?: ReportItem;

  @Index()
  @Column({ type: "integer" })
  resourceId: number;

  @ManyToOne(() => Resource, { onDelete: "CASCADE" })
  @JoinColumn({ name: "resource_id" })
  resource?: Resource;

  @Column({ type: "varchar", length: 20 })
  relation: LinkRelation;

  @Column({ type: "text", nullable: true })
  note: string | null;

  @Column({ type: "integer", nullable: true })
  createdById: number | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "created_by_id" })
  createdBy?: User | null;

  @CreatedAtColumn()
  createdAt: Date;
}
