import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { DateTimeColumn } from "../../db/columns";

export type LinkTargetType = "resource" | "edition" | "organisation";

/** Why a check failed, as a code the pages translate. */
export type LinkError = "http-status" | "timeout" | "reset" | "refused" | "dns" | "redirect-loop" | "too-many-redirects" | "not-http" | "private-address" | "bad-url" | "tls" | "other";

/** One check of one address of a listing, an edition or an organisation. */
@Entity("link_checks")
@Index("IDX_link_checks_target", ["targetType", "targetId", "checkedAt"])
export class LinkCheck {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 20 })
  targetType: LinkTargetType;

  @Column({ type: "integer" })
  targetId: number;

  /** The address as it was checked (a later change of address starts a new history). */
  @Column({ type: "varchar", length: 500 })
  url: string;

  @Index("IDX_link_checks_checked_at")
  @DateTimeColumn()
  checkedAt: Date;

  @Column({ type: "boolean" })
  ok: boolean;

  /** The last answer's HTTP status, when there was one. */
  @Column({ type: "integer", nullable: true })
  statusCode: number | null;

  @Column({ type: "varchar", length: 40, nullable: true })
  error: LinkError | null;

  /** Where the redirects ended, when they led elsewhere. */
  @Column({ type: "varchar", length: 2000, nullable: true })
  finalUrl: string | null;

  @Column({ type: "integer", default: 0 })
  ms: number;
}
