import type { Logger } from "pino";
import { OutboxWorker } from "../../db/outbox";
import { todayUtc } from "../../http/dates";
import { confirmationCutoff } from "../catalogue/listing-rules";
import type { ListingRepository } from "../catalogue/listing.repository";
import type { SearchOutbox } from "./search-outbox.service";
import type { SearchIndexer } from "./search-indexer";

export interface WorkerOptions {
  /** Listings sent to the engine per batch. */
  batchSize?: number;
  /** Batches queued with the engine before the round waits for them. */
  pipeline?: number;
  /** Pause between rounds when there is nothing to do (a write in this process wakes it at once). */
  idleMs?: number;
}

/**
 * Drains the search outbox into the index: takes due rows, sends the latest state of their
 * listings, and deletes the rows only when the index reports success. A failure leaves the rows
 * with a later retry time and the error, visible in the logs and in /readyz. Stopping during a long
 * rebuild leaves it unfinished: the next start sees the index differ and rebuilds again, and the
 * outbox keeps its rows.
 */
export class SearchWorker extends OutboxWorker {
  private lastDateRefresh = "";
  private ready = false;
  /** True once the index is made and, where it differed from the database, rebuilt. */
  get prepared(): boolean {
    return this.ready;
  }
  /** True once a round after preparing the index found nothing due: the index had caught up. */
  caughtUpOnce = false;
  /** True while the last round reached the engine. */
  healthy = true;

  constructor(
    private readonly outbox: SearchOutbox,
    private readonly indexer: SearchIndexer,
    private readonly listings: ListingRepository,
    logger: Logger,
    private readonly options: WorkerOptions = {},
  ) {
    super(outbox, logger, options.idleMs ?? 500);
  }

  /** Prepares the index until it is ready, then refreshes the passed sessions and sends what is due. */
  protected async round(): Promise<number> {
    if (!this.ready) this.ready = await this.ensureReady();
    if (!this.ready) return 0;
    await this.refreshPassedSessions();
    return this.drainOnce();
  }

  /**
   * Creates the index and applies its settings; when the index does not hold as many documents as
   * there are published listings (a new or lost engine data folder), or was built for documents of
   * another shape (a field added to what a document holds), rebuilds it from the database.
   */
  async ensureReady(): Promise<boolean> {
    try {
      await this.indexer.prepare();
      const [indexed, published, shapeChanged] = await Promise.all([this.indexer.count(), this.listings.countPublished(), this.indexer.shapeChanged()]);
      if (indexed !== published || shapeChanged) {
        this.logger.info({ indexed, published, shapeChanged }, "search index differs from the database; rebuilding it");
        const result = await this.indexer.rebuild();
        this.logger.info(result, "search index rebuilt");
      }
      this.healthy = true;
      return true;
    } catch (error) {
      if (this.healthy) this.logger.warn({ err: error }, "search engine not ready; searches answer from the database meanwhile");
      this.healthy = false;
      return false;
    }
  }

  /**
   * One round: takes the due rows (up to `pipeline` batches of `batchSize` listings after a bulk
   * change), queues every batch with the engine before waiting for any, and clears the rows of each
   * batch the engine took. Returns how many rows the index took.
   */
  async drainOnce(): Promise<number> {
    const batchSize = this.options.batchSize ?? 500;
    const rows = await this.outbox.due(batchSize * (this.options.pipeline ?? 8));
    if (rows.length === 0) {
      if (this.ready) this.caughtUpOnce = true;
      return 0;
    }
    const ids = [...new Set(rows.map((r) => r.entityId))];
    const groups: number[][] = [];
    for (let i = 0; i < ids.length; i += batchSize) groups.push(ids.slice(i, i + batchSize));
    let outcomes: Array<{ ok: boolean; error: string | null; status: string }>;
    try {
      outcomes = await this.indexer.syncMany(groups);
    } catch (cause) {
      const error = cause instanceof Error ? cause.message : String(cause);
      outcomes = groups.map(() => ({ ok: false, status: "error", error }));
    }
    let taken = 0;
    for (let g = 0; g < groups.length; g++) {
      const members = new Set(groups[g]);
      const groupRows = rows.filter((r) => members.has(r.entityId));
      const outcome = outcomes[g];
      if (outcome.ok) {
        await this.outbox.complete(groupRows);
        taken += groupRows.length;
        continue;
      }
      const error = outcome.status === "error" ? (outcome.error ?? "unreachable") : `task ${outcome.status}: ${outcome.error}`;
      await this.outbox.fail(groupRows, error);
      this.logger.warn({ rows: groupRows.length, listings: groups[g].length, error }, "search index did not take the changes; will retry");
    }
    this.healthy = outcomes.every((o) => o.ok);
    if (taken) this.logger.debug({ rows: taken, listings: ids.length }, "search index updated");
    return taken;
  }

  /**
   * Once a day, listings whose session has just started get their "next session" recomputed,
   * so that sorting by next session stays right without a rebuild.
   */
  private async refreshPassedSessions(): Promise<void> {
    const today = todayUtc();
    if (this.lastDateRefresh === today) return;
    const yesterdayButOne = todayUtc(new Date(Date.now() - 2 * 86_400_000));
    try {
      // Listings whose sessions started lately, and those that fell past due for confirmation lately.
      const passed = await this.listings.idsWithSessionsStartingBetween(yesterdayButOne, today);
      const fallenDue = await this.listings.idsConfirmedBetween(confirmationCutoff(new Date(Date.now() - 2 * 86_400_000)), confirmationCutoff(new Date()));
      const ids = [...new Set([...passed, ...fallenDue])];
      if (ids.length && !(await this.indexer.sync(ids)).ok) return;
      this.lastDateRefresh = today;
    } catch {
      // The engine is away; the next round tries again.
    }
  }
}
