import type { SearchOutbox } from "./search-outbox.service";
import type { SearchWorker } from "./search-worker";

/** How long a "not yet" is believed before the outbox is counted again. */
const RECHECK_MS = 250;

/**
 * Whether the search index has caught up with the database since this process started: the worker
 * has made (or rebuilt) the index and the outbox has been empty once. Until then an index being
 * built from nothing would answer "no listings", so search answers from the database and says so,
 * and /readyz reports the app not ready. Once caught up it stays so: a later change reaches the
 * index within moments, as the outbox always has it.
 */
export class IndexCatchUp {
  private done = false;
  private checkedAt = 0;

  constructor(
    private readonly worker: Pick<SearchWorker, "prepared" | "caughtUpOnce"> | null,
    private readonly outbox: Pick<SearchOutbox, "stats">,
  ) {}

  async caughtUp(): Promise<boolean> {
    if (this.done || !this.worker || this.worker.caughtUpOnce) return (this.done = true);
    if (!this.worker.prepared) return false;
    if (Date.now() - this.checkedAt < RECHECK_MS) return false;
    this.checkedAt = Date.now();
    const { pending } = await this.outbox.stats();
    if (pending === 0) this.done = true;
    return this.done;
  }
}
