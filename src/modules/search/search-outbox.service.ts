import { DataSource, EntityManager, In, IsNull, LessThanOrEqual } from "typeorm";
import { outboxStats, type OutboxStats } from "../../db/outbox";
import type { ListingRepository } from "../catalogue/listing.repository";
import { buildSearchDocument, DocumentContextLoader } from "./search-document";
import { SearchIndexVersion } from "./search-index-version.entity";
import { SearchOutboxEntry } from "./search-outbox.entity";
import { DatabaseSearchText, searchTextOf } from "./search-text";

/** Longest wait before a failing row is tried again. */
const MAX_BACKOFF_MS = 60_000;

/**
 * The search outbox. `enqueue` runs inside the transaction that changes a listing: it records the
 * change for the index and refreshes the listing's database search text, so both commit with it.
 */
export class SearchOutbox {
  private listeners: Array<() => void> = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly text: DatabaseSearchText,
    private readonly context: DocumentContextLoader,
    private readonly listings: ListingRepository,
  ) {}

  async enqueue(manager: EntityManager, entityType: "resource", entityId: number): Promise<void> {
    await manager.getRepository(SearchOutboxEntry).insert({ entityType, entityId, attempts: 0, nextAttemptAt: null, lastError: null });
    await this.refreshText(manager, entityId);
  }

  /** `enqueue` for many listings at once (a bulk import), in batches. */
  async enqueueMany(manager: EntityManager, ids: number[], batchSize = 500): Promise<void> {
    if (ids.length === 0) return;
    const context = await this.context.load();
    for (let i = 0; i < ids.length; i += batchSize) {
      const batch = ids.slice(i, i + batchSize);
      for (let j = 0; j < batch.length; j += 200) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(SearchOutboxEntry)
          .values(batch.slice(j, j + 200).map((entityId) => ({ entityType: "resource" as const, entityId, attempts: 0, nextAttemptAt: null, lastError: null })))
          .updateEntity(false)
          .execute();
      }
      const resources = await this.listings.findFull(batch, manager);
      await this.text.writeMany(
        manager,
        resources.map((resource) => ({ id: resource.id, body: searchTextOf(buildSearchDocument(resource, context)) })),
      );
    }
  }

  /** Rewrites one listing's database search text from its current state. */
  async refreshText(manager: EntityManager, resourceId: number): Promise<void> {
    const resource = await this.listings.findFullById(resourceId, manager);
    if (resource) await this.text.write(manager, resourceId, searchTextOf(buildSearchDocument(resource, await this.context.load())));
    else await this.text.remove(manager, resourceId);
  }

  /**
   * Rewrites the database search text of every listing, in batches (after a migration created the
   * table, or on a rebuild). Returns how many listings it wrote.
   */
  async rebuildText(progress?: (done: number, total: number) => void, batchSize = 500): Promise<number> {
    const ids = await this.listings.idsOfOwner(null);
    const context = await this.context.load();
    for (let i = 0; i < ids.length; i += batchSize) {
      await this.dataSource.transaction(async (manager) => {
        const resources = await this.listings.findFull(ids.slice(i, i + batchSize), manager);
        await this.text.writeMany(
          manager,
          resources.map((resource) => ({ id: resource.id, body: searchTextOf(buildSearchDocument(resource, context)) })),
        );
      });
      progress?.(Math.min(i + batchSize, ids.length), ids.length);
    }
    return ids.length;
  }

  /** True when some listing has no database search text yet. */
  async textIncomplete(): Promise<boolean> {
    const [text, resources] = await Promise.all([this.text.count(this.dataSource.manager), this.listings.count()]);
    return text < resources;
  }

  /** Tells the worker (in this process) that rows are waiting; call after the transaction commits. */
  notify(): void {
    for (const listener of this.listeners) listener();
  }

  onNotify(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Rows due now, oldest first. */
  async due(limit: number, now = new Date()): Promise<SearchOutboxEntry[]> {
    return this.dataSource.getRepository(SearchOutboxEntry).find({
      where: [{ nextAttemptAt: IsNull() }, { nextAttemptAt: LessThanOrEqual(now) }],
      order: { id: "ASC" },
      take: limit,
    });
  }

  /** The index has these rows' changes: they go. */
  async complete(rows: SearchOutboxEntry[]): Promise<void> {
    const ids = rows.map((r) => r.id);
    // In a transaction of its own, so that on SQLite it never runs inside someone else's.
    await this.dataSource.transaction(async (manager) => {
      for (let i = 0; i < ids.length; i += 500) await manager.getRepository(SearchOutboxEntry).delete({ id: In(ids.slice(i, i + 500)) });
    });
  }

  /** The index did not take these rows: they stay, to be tried again later with a growing delay. */
  async fail(rows: SearchOutboxEntry[], error: string, now = new Date()): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const row of rows) {
        const attempts = row.attempts + 1;
        const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(attempts - 1, 10));
        await manager.getRepository(SearchOutboxEntry).update({ id: row.id }, { attempts, lastError: error.slice(0, 2000), nextAttemptAt: new Date(now.getTime() + delay) });
      }
    });
  }

  async stats(): Promise<OutboxStats> {
    return outboxStats(this.dataSource.getRepository(SearchOutboxEntry));
  }

  /** Highest row id now: a rebuild replays what came after it. */
  async maxId(): Promise<number> {
    const row = await this.dataSource.getRepository(SearchOutboxEntry).createQueryBuilder("o").select("MAX(o.id)", "max").getRawOne<{ max: number | null }>();
    return Number(row?.max ?? 0);
  }

  /** The document shape the index was last built with, or null when it never was (by this database). */
  async builtShape(indexUid: string): Promise<string | null> {
    const row = await this.dataSource.getRepository(SearchIndexVersion).findOneBy({ indexUid });
    return row?.shape ?? null;
  }

  /** Records that the index now holds documents of this shape. */
  async recordBuilt(indexUid: string, shape: string): Promise<void> {
    await this.dataSource.getRepository(SearchIndexVersion).save({ indexUid, shape, builtAt: new Date() });
  }
}
