import type { DataSource } from "typeorm";
import { JobRun } from "./job-run.entity";

/** How a job's last run is shown (in /readyz and on the curators' report page). */
export interface JobStatus {
  name: string;
  lastSlot: Date | null;
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  outcome: JobRun["lastOutcome"];
  error: string | null;
  summary: string | null;
  runs: number;
}

/**
 * The `job_runs` table: which slot of each job has run, and the claim that lets exactly one app
 * instance run it. A claim is one conditional UPDATE, so two instances that wake for the same slot
 * cannot both get it, on SQLite as on PostgreSQL.
 */
export class JobRuns {
  constructor(private readonly dataSource: DataSource) {}

  /** Makes the job's row if there is none; `seenSlot` marks a slot as taken without running it. */
  async ensure(name: string, seenSlot: Date | null): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(JobRun)
      .values({ name, lastSlot: seenSlot, claimedUntil: null, claimedBy: null, lastStartedAt: null, lastFinishedAt: null, lastOutcome: null, lastError: null, lastSummary: null, runs: 0 })
      .orIgnore()
      .execute();
  }

  /**
   * Takes `slot` of the job for `owner` until `leaseMs` from now. True only for the one caller that
   * moved the row on: the slot is newer than the last one taken and nobody holds the job.
   */
  async claim(name: string, slot: Date, owner: string, leaseMs: number, now = new Date()): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(JobRun)
      .set({ lastSlot: slot, claimedUntil: new Date(now.getTime() + leaseMs), claimedBy: owner.slice(0, 120), lastStartedAt: now, lastOutcome: "running", runs: () => "runs + 1" })
      .where("name = :name", { name })
      .andWhere("(last_slot IS NULL OR last_slot < :slot)", { slot })
      .andWhere("(claimed_until IS NULL OR claimed_until < :now)", { now })
      .execute();
    return result.affected === 1;
  }

  /** Records how the run ended and lets the job go. */
  async finish(name: string, owner: string, outcome: { ok: true; summary: string | null } | { ok: false; error: string }, now = new Date()): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(JobRun)
      .set({
        claimedUntil: null,
        claimedBy: null,
        lastFinishedAt: now,
        lastOutcome: outcome.ok ? "ok" : "failed",
        lastError: outcome.ok ? null : outcome.error.slice(0, 2000),
        lastSummary: outcome.ok ? (outcome.summary?.slice(0, 500) ?? null) : null,
      })
      .where("name = :name AND claimed_by = :owner", { name, owner: owner.slice(0, 120) })
      .execute();
  }

  async find(name: string): Promise<JobRun | null> {
    return this.dataSource.getRepository(JobRun).findOneBy({ name });
  }

  /** Every job's last run, by name. */
  async statuses(): Promise<JobStatus[]> {
    const rows = await this.dataSource.getRepository(JobRun).find({ order: { name: "ASC" } });
    return rows.map((r) => ({
      name: r.name,
      lastSlot: r.lastSlot,
      lastStartedAt: r.lastStartedAt,
      lastFinishedAt: r.lastFinishedAt,
      outcome: r.lastOutcome,
      error: r.lastError,
      summary: r.lastSummary,
      runs: r.runs,
    }));
  }
}
