import type { Logger } from "pino";
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

/** What a worker needs of its outbox: word of rows written in this process. */
interface OutboxNotifier {
  onNotify(listener: () => void): void;
}

/**
 * An outbox worker's loop: runs `round` while started, and after a round that took nothing (or
 * failed) waits `idleMs`, or less when the outbox says rows were written in this process.
 */
export abstract class OutboxWorker {
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    outbox: OutboxNotifier,
    protected readonly logger: Logger,
    private readonly idleMs: number,
  ) {
    outbox.onNotify(() => this.wake?.());
  }

  /** One round; returns how many rows it took. */
  protected abstract round(): Promise<number>;

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the current round, waiting for it at most `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    this.running = false;
    this.wake?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let taken = 0;
      try {
        taken = await this.round();
      } catch (error) {
        this.logger.error({ err: error }, "outbox round failed");
      }
      if (taken === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.idleMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }
}
