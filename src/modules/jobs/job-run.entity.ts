import { Column, Entity, PrimaryColumn } from "typeorm";
import { DateTimeColumn } from "../../db/columns";

export type JobOutcome = "running" | "ok" | "failed";

/** A scheduled job: the slot it last ran for, who holds it now, and how its last run ended. */
@Entity("job_runs")
export class JobRun {
  @PrimaryColumn({ type: "varchar", length: 60 })
  name: string;

  /** The scheduled time of the last run taken; a slot is run once, by one instance. */
  @DateTimeColumn({ nullable: true })
  lastSlot: Date | null;

  /** While in the future, the instance in `claimedBy` runs the job and no other may. */
  @DateTimeColumn({ nullable: true })
  claimedUntil: Date | null;

  @Column({ type: "varchar", length: 120, nullable: true })
  claimedBy: string | null;

  @DateTimeColumn({ nullable: true })
  lastStartedAt: Date | null;

  @DateTimeColumn({ nullable: true })
  lastFinishedAt: Date | null;

  @Column({ type: "varchar", length: 10, nullable: true })
  lastOutcome: JobOutcome | null;

  @Column({ type: "text", nullable: true })
  lastError: string | null;

  /** What the last run did, in a line ("3 enquiries deleted"). */
  @Column({ type: "varchar", length: 500, nullable: true })
  lastSummary: string | null;

  /** Runs taken since the row was made. */
  @Column({ type: "integer", default: 0 })
  runs: number;
}
