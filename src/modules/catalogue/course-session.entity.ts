import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, UpdatedAtColumn } from "../../db/columns";
import { Resource } from "./resource.entity";

export const SESSION_STATUSES = ["planned", "open", "full", "completed", "cancelled"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/**
 * One dated offering of a course. Dates are calendar dates at the venue (`timeZone`), which is how
 * courses are announced; times of day are not part of the model.
 */
@Entity("course_sessions")
export class CourseSession {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index()
  @Column({ type: "integer" })
  resourceId: number;

  @ManyToOne(() => Resource, (r) => r.sessions, { onDelete: "CASCADE" })
  @JoinColumn({ name: "resource_id" })
  resource?: Resource;

  /** YYYY-MM-DD at the venue. */
  @Index()
  @Column({ type: "date" })
  startDate: string;

  @Column({ type: "date", nullable: true })
  endDate: string | null;

  /** IANA time zone of the venue ("Asia/Seoul"). */
  @Column({ type: "varchar", length: 64, nullable: true })
  timeZone: string | null;

  @Column({ type: "varchar", length: 200, nullable: true })
  venue: string | null;

  @Column({ type: "varchar", length: 120, nullable: true })
  city: string | null;

  @Index("IDX_course_sessions_country")
  @Column({ type: "varchar", length: 3, nullable: true })
  countryCode: string | null;

  @Column({ type: "boolean", default: false })
  online: boolean;

  @Index("IDX_course_sessions_language")
  @Column({ type: "varchar", length: 16, nullable: true })
  languageTag: string | null;

  @Column({ type: "integer", nullable: true })
  capacity: number | null;

  @Column({ type: "date", nullable: true })
  applicationDeadline: string | null;

  @Column({ type: "varchar", length: 20, default: "planned" })
  status: SessionStatus;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
