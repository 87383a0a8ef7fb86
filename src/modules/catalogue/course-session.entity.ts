import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, JsonColumn, UpdatedAtColumn } from "../../db/columns";
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

  /** Seats offered to each participating country. */
  @Column({ type: "integer", nullable: true })
  seatsPerCountry: number | null;

  /** When applications or nominations open (YYYY-MM-DD); `applicationDeadline` is when they close. */
  @Column({ type: "date", nullable: true })
  applicationOpens: string | null;

  @Column({ type: "date", nullable: true })
  applicationDeadline: string | null;

  /** Languages interpreted into, beside the language of instruction (`languageTag`), as BCP 47 tags. */
  @JsonColumn({ nullable: true })
  interpretationLanguages: string[] | null;

  @Column({ type: "varchar", length: 20, default: "planned" })
  status: SessionStatus;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}

/** A session's own values, the ones an import compares and writes and an export carries. */
export const SESSION_VALUE_KEYS = [
  "startDate",
  "endDate",
  "city",
  "countryCode",
  "online",
  "languageTag",
  "status",
  "venue",
  "timeZone",
  "capacity",
  "seatsPerCountry",
  "applicationOpens",
  "applicationDeadline",
  "interpretationLanguages",
] as const;

export type SessionValues = Pick<CourseSession, (typeof SESSION_VALUE_KEYS)[number]>;

/** The values of a saved session, with "no languages" always null and `online` a boolean. */
export function sessionValuesOf(session: SessionValues): SessionValues {
  const values = Object.fromEntries(SESSION_VALUE_KEYS.map((k) => [k, session[k] ?? null])) as SessionValues;
  values.online = Boolean(session.online);
  if (!values.interpretationLanguages?.length) values.interpretationLanguages = null;
  return values;
}
