import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { Cron } from "croner";
import type { Logger } from "pino";
import type { JobRuns } from "./job-runs.service";

/** One scheduled job: what it is called, when it runs, and the work, which says in a line what it did. */
export interface JobDefinition {
  name: string;
  /** A cron pattern (five fields, or six with seconds first), read in UTC. */
  schedule: string;
  /** Longest a run may hold the job; after it another instance may take a later slot. */
  leaseMs: number;
  /** Also run at start-up when the job has never run here (a fresh database). */
  runOnFirstStart?: boolean;
  run(): Promise<string | null>;
}

/** True when a cron pattern can be read (for the configuration's checks). */
export function validSchedule(pattern: string): boolean {
  try {
    const probe = new Cron(pattern, { paused: true, timezone: "Etc/UTC" });
    const next = probe.nextRun();
    probe.stop();
    return next !== null;
  } catch {
    return false;
  }
}

/**
 * Runs the jobs on their schedules, in this process, with croner. Every instance of the app runs a
 * scheduler; each slot of a job (its scheduled time) is claimed in `job_runs` first, so only one
 * instance runs it. A slot missed while no instance was up runs at the next start.
 */
export class Scheduler {
  private readonly crons: Cron[] = [];
  private readonly running = new Set<Promise<void>>();
  /** Names this instance in `job_runs.claimed_by`. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

  constructor(
    private readonly runs: JobRuns,
    private readonly jobs: JobDefinition[],
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    for (const job of this.jobs) {
      const cron: Cron = new Cron(job.schedule, { timezone: "Etc/UTC", protect: true, unref: true }, (): Promise<void> => this.tick(job, cron));
      this.crons.push(cron);
      const previous = cron.previousRuns(1, new Date())[0] ?? null;
      await this.runs.ensure(job.name, job.runOnFirstStart ? null : previous);
      // A slot missed while no instance was up (or never run, for the jobs that run on a first start).
      const row = await this.runs.find(job.name);
      if (previous && (!row?.lastSlot || row.lastSlot.getTime() < previous.getTime())) this.track(this.runSlot(job, previous));
      else if (!previous && job.runOnFirstStart && !row?.lastSlot) this.track(this.runSlot(job, new Date(Math.floor(Date.now() / 1000) * 1000)));
    }
  }

  /** Stops the timers and waits (a while) for runs under way. */
  async stop(graceMs = 5000): Promise<void> {
    for (const cron of this.crons) cron.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  private tick(job: JobDefinition, cron: Cron): Promise<void> {
    // The slot is the scheduled time this wake-up is for, the same in every instance: the latest one
    // passed (with a few milliseconds for a timer that fires a little early), however late the
    // wake-up comes, short of the next slot.
    const slot = cron.previousRuns(1, new Date(Date.now() + 50))[0] ?? new Date(Math.floor(Date.now() / 1000) * 1000);
    return this.track(this.runSlot(job, slot));
  }

  private track(started: Promise<boolean>): Promise<void> {
    const run = started.then(() => undefined);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return run;
  }

  /** Runs one slot of a job if this instance wins its claim; any failure is recorded, never thrown. */
  async runSlot(job: JobDefinition, slot: Date): Promise<boolean> {
    let claimed = false;
    try {
      claimed = await this.runs.claim(job.name, slot, this.owner, job.leaseMs);
    } catch (error) {
      this.logger.error({ err: error, job: job.name }, "job could not be claimed");
      return false;
    }
    if (!claimed) {
      this.logger.debug({ job: job.name, slot: slot.toISOString() }, "job slot taken by another instance");
      return false;
    }
    const started = Date.now();
    try {
      const summary = await job.run();
      await this.runs.finish(job.name, this.owner, { ok: true, summary });
      this.logger.info({ job: job.name, slot: slot.toISOString(), ms: Date.now() - started, summary }, "job run");
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: error, job: job.name, slot: slot.toISOString() }, "job failed");
      await this.runs.finish(job.name, this.owner, { ok: false, error: message }).catch((e: unknown) => this.logger.error({ err: e, job: job.name }, "job outcome not recorded"));
    }
    return true;
  }
}
