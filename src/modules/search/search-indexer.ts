import type { Logger } from "pino";
import type { ListingRepository } from "../catalogue/listing.repository";
import type { TopicService } from "../catalogue/topic.service";
import topicsReference from "../../../seeds/reference/topics.json";
import type { OrganisationService } from "../organisations/organisation.service";
import type { ReferenceService } from "../reference/reference.service";
import { buildSearchDocument, DocumentContextLoader, documentShape } from "./search-document";
import type { SearchOutbox } from "./search-outbox.service";
import type { SearchDocument, SearchEngine, TaskOutcome } from "./search-engine";
import { buildSettings } from "./search-settings";

export interface RebuildProgress {
  (done: number, total: number): void;
}

export interface RebuildResult {
  documents: number;
  replayed: number;
  seconds: number;
}

/** Turns listings into search documents and keeps an index equal to the database. */
export class SearchIndexer {
  constructor(
    private readonly engine: SearchEngine,
    readonly indexUid: string,
    private readonly listings: ListingRepository,
    private readonly topics: TopicService,
    private readonly organisations: OrganisationService,
    private readonly reference: ReferenceService,
    private readonly context: DocumentContextLoader,
    private readonly logger: Logger,
    private readonly outbox: Pick<SearchOutbox, "builtShape" | "recordBuilt">,
  ) {}

  /** Whether the index was built for documents of another shape than this code makes (or never by it). */
  async shapeChanged(): Promise<boolean> {
    return (await this.outbox.builtShape(this.indexUid)) !== documentShape();
  }

  async settings() {
    const [tree, organisations, languages] = await Promise.all([this.topics.tree(), this.organisations.listAll(), this.reference.listLanguages()]);
    return buildSettings({
      topics: tree.flatMap((n) => [n.topic, ...n.children]),
      organisations,
      kinds: topicsReference.resourceKinds,
      languages,
    });
  }

  /** Creates the index if needed and applies the settings. */
  async prepare(uid = this.indexUid): Promise<void> {
    const created = await this.engine.ensureIndex(uid);
    if (created && !created.ok) throw new Error(`could not create index ${uid}: ${created.error}`);
    const applied = await this.engine.updateSettings(uid, await this.settings());
    if (!applied.ok) throw new Error(`could not apply settings to ${uid}: ${applied.error}`);
  }

  async count(uid = this.indexUid): Promise<number> {
    return this.engine.count(uid);
  }

  /** Documents for those of `ids` that are published; the other ids are to be removed from the index. */
  async documentsFor(ids: number[]): Promise<{ documents: SearchDocument[]; removed: number[] }> {
    const [resources, context] = await Promise.all([this.listings.findFull(ids), this.context.load()]);
    const published = resources.filter((r) => r.status === "published");
    const keep = new Set(published.map((r) => r.id));
    return {
      documents: published.map((r) => buildSearchDocument(r, context)),
      removed: ids.filter((id) => !keep.has(id)),
    };
  }

  /** Sends the current state of these listings to the index and waits for it. */
  async sync(ids: number[], uid = this.indexUid): Promise<TaskOutcome> {
    const { documents, removed } = await this.documentsFor([...new Set(ids)]);
    const put = await this.engine.putDocuments(uid, documents);
    if (!put.ok) return put;
    return this.engine.deleteDocuments(uid, removed);
  }

  /**
   * `sync` for several groups of listings at once: every group is queued before any is waited for,
   * so that the engine can merge them into one large indexing batch. One outcome per group; a group
   * that could not be sent at all (the engine unreachable) has the status "error".
   */
  async syncMany(groups: number[][], uid = this.indexUid): Promise<TaskOutcome[]> {
    const queued: Array<{ task: number | null; removed: number[]; error: string | null }> = [];
    for (const ids of groups) {
      try {
        const { documents, removed } = await this.documentsFor([...new Set(ids)]);
        queued.push({ task: documents.length ? await this.engine.enqueueDocuments(uid, documents) : null, removed, error: null });
      } catch (error) {
        queued.push({ task: null, removed: [], error: error instanceof Error ? error.message : String(error) });
      }
    }
    const outcomes: TaskOutcome[] = [];
    for (const group of queued) {
      if (group.error !== null) {
        outcomes.push({ ok: false, status: "error", error: group.error });
        continue;
      }
      const put: TaskOutcome = group.task === null ? { ok: true, status: "succeeded", error: null } : await this.engine.waitForTask(group.task);
      outcomes.push(put.ok ? await this.engine.deleteDocuments(uid, group.removed) : put);
    }
    return outcomes;
  }

  /**
   * Rebuilds the index with no downtime: a new index is filled from the database and its settings
   * applied while the old one keeps answering; what changed meanwhile is replayed into it; the two
   * are swapped atomically; what changed during the swap is replayed again; the old one is deleted.
   */
  async rebuild(progress?: RebuildProgress, batchSize = 1000): Promise<RebuildResult> {
    const started = Date.now();
    // Timestamps in SQLite have whole seconds: replay from a little earlier than now.
    const since = () => new Date(Date.now() - 2000);
    const buildStart = since();
    const temporary = `${this.indexUid}_rebuild_${Date.now()}`;
    await this.prepare(temporary);
    const total = await this.listings.countPublished();
    let done = 0;
    let afterId = 0;
    const pending: number[] = [];
    for (;;) {
      const ids = await this.listings.publishedIdsAfter(afterId, batchSize);
      if (ids.length === 0) break;
      afterId = ids[ids.length - 1];
      const { documents } = await this.documentsFor(ids);
      pending.push(await this.engine.enqueueDocuments(temporary, documents));
      // Keep many batches queued so that the engine can merge them into large indexing batches
      // (its auto-batching), but not all of them at once, to bound memory.
      while (pending.length > 40) {
        const result = await this.engine.waitForTask(pending.shift() as number);
        if (!result.ok) throw new Error(`indexing into ${temporary} failed: ${result.error}`);
      }
      done += ids.length;
      progress?.(Math.min(done, total), total);
    }
    for (const taskUid of pending) {
      const result = await this.engine.waitForTask(taskUid);
      if (!result.ok) throw new Error(`indexing into ${temporary} failed: ${result.error}`);
    }

    let replayed = 0;
    const replay = async (from: Date, uid: string) => {
      const ids = await this.listings.idsUpdatedSince(from);
      replayed += ids.length;
      for (let i = 0; i < ids.length; i += batchSize) {
        const result = await this.sync(ids.slice(i, i + batchSize), uid);
        if (!result.ok) throw new Error(`replay into ${uid} failed: ${result.error}`);
      }
    };
    await replay(buildStart, temporary);
    const swapStart = since();
    await this.engine.ensureIndex(this.indexUid);
    const swapped = await this.engine.swap(this.indexUid, temporary);
    if (!swapped.ok) throw new Error(`swapping ${temporary} in failed: ${swapped.error}`);
    await replay(swapStart, this.indexUid);
    const removed = await this.engine.deleteIndex(temporary);
    if (!removed.ok) this.logger.warn({ index: temporary, error: removed.error }, "old index could not be deleted");
    await this.outbox.recordBuilt(this.indexUid, documentShape());
    return { documents: done, replayed, seconds: (Date.now() - started) / 1000 };
  }
}
