import type { Repository } from "typeorm";

// What the transactional outboxes (search, mail) share: the worker's loop and what /readyz shows.

/** The columns every outbox row has for its retries. */
interface OutboxRow {
  id: number;
  attempts: number;
  lastError: string | null;
}

export interface OutboxStats {
  pending: number;
  failing: number;
  lastError: string | null;
}

/** Rows waiting, rows that failed at least once, and the latest error, for /readyz. */
export async function outboxStats<Row extends OutboxRow>(repo: Repository<Row>): Promise<OutboxStats> {
  const [pending, failing, last] = await Promise.all([
    repo.count(),
    repo.createQueryBuilder("o").where("o.attempts > 0").getCount(),
    repo.createQueryBuilder("o").where("o.lastError IS NOT NULL").orderBy("o.id", "DESC").getOne(),
  ]);
  return { pending, failing, lastError: last?.lastError ?? null };
}

/**
 * The loop of an outbox worker: runs `round` while started, and after a round that took nothing
 * (or failed) waits `idleMs`, or less when `wake()` says rows are waiting.
 */
export class OutboxLoop {
  private running = false;
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    /** One round; returns how many rows it took. */
    private readonly round: () => Promise<number>,
    private readonly idleMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the current round, waiting for it at most `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    this.running = false;
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  /** Ends the wait between rounds now (rows were written in this process). */
  wake(): void {
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let taken = 0;
      try {
        taken = await this.round();
      } catch (error) {
        this.onError(error);
      }
      if (taken === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.idleMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = null;
      }
    }
  }
}
