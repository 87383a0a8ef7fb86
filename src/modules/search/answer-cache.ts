import { LRUCache } from "lru-cache";

export interface AnswerCacheOptions {
  /** Most memory the kept answers may take, roughly, in bytes. */
  maxBytes: number;
  /** How long a version read of an index is trusted before it is read again, in milliseconds. */
  checkMs: number;
  /** The clock (tests pass their own). */
  now?: () => number;
}

export interface AnswerCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

interface IndexVersion {
  /** The last version read; null when it could not be read (the cache is then passed by). */
  version: string | null;
  readAt: number;
  reading: Promise<void> | null;
}

/** Freezes an answer all the way down, so that no reader can change what later readers get. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * The engine's answers, kept for as long as the index that gave them has not changed.
 *
 * The catalogue changes a few times a day while its searches repeat: a topic or a language browsed
 * by many, the same words typed by many. Each answer is kept with the version of the index it came
 * from, and given again only while the index still has that version:
 * - the version is read from the engine (its last finished task on the index) at most every
 *   `checkMs`, so that a change made by another process is seen within that time;
 * - while this process waits for a write of its own (the search worker's, a rebuild's), nothing kept
 *   is given, so that the change is searchable as soon as the engine has it; when the write is done,
 *   everything kept is forgotten;
 * - when the version cannot be read (the engine is down or slow), nothing kept is given, and the
 *   search goes to the engine (and from there, if need be, to the database) as without a cache.
 */
export class AnswerCache {
  private readonly answers: LRUCache<string, { version: string; value: object }>;
  /** Answers being computed, so that the same search arriving again meanwhile waits for the same one. */
  private readonly computing = new Map<string, { version: string; generation: number; answer: Promise<object> }>();
  private readonly versions = new Map<string, IndexVersion>();
  /** Raised by `invalidate`: version reads begun before it are not trusted. */
  private generation = 0;
  /** Writes of this process being waited for. */
  private writing = 0;
  private hits = 0;
  private misses = 0;
  private readonly now: () => number;

  constructor(
    private readonly readVersion: (indexUid: string) => Promise<string>,
    private readonly options: AnswerCacheOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    // Every entry is stored with its size (see `get`).
    this.answers = new LRUCache({ maxSize: Math.max(1, options.maxBytes) });
  }

  /** The version of an index, read again when the last reading is older than `checkMs`. */
  private async currentVersion(indexUid: string): Promise<string | null> {
    let state = this.versions.get(indexUid);
    if (!state) {
      state = { version: null, readAt: -Infinity, reading: null };
      this.versions.set(indexUid, state);
    }
    if (this.now() - state.readAt >= this.options.checkMs) {
      const own = state;
      // One reading at a time per index; searches arriving meanwhile wait for it.
      own.reading ??= (async () => {
        const generation = this.generation;
        let version: string | null;
        try {
          version = await this.readVersion(indexUid);
        } catch {
          version = null;
        }
        // A write of this process finished while reading: the reading may predate it.
        if (generation === this.generation) {
          own.version = version;
          own.readAt = this.now();
        }
        own.reading = null;
      })();
      await own.reading;
      if (this.now() - own.readAt >= this.options.checkMs) return null;
    }
    return state.version;
  }

  /**
   * The answer to `key` on this index: the kept one while the index has the version it was computed
   * on, otherwise `compute`'s, which is then kept (frozen: readers must not change it). The same
   * search arriving while its answer is being computed waits for that answer.
   */
  async get<V extends object>(indexUid: string, key: string, compute: () => Promise<V>): Promise<V> {
    const generation = this.generation;
    const version = this.writing > 0 ? null : await this.currentVersion(indexUid);
    if (version === null) {
      this.misses++;
      return compute();
    }
    const fullKey = `${indexUid}\u0000${key}`;
    const kept = this.answers.get(fullKey);
    if (kept && kept.version === version) {
      this.hits++;
      return kept.value as V;
    }
    const running = this.computing.get(fullKey);
    if (running && running.version === version && running.generation === generation) {
      this.hits++;
      return (await running.answer) as V;
    }
    this.misses++;
    const answer = compute();
    const entry = { version, generation, answer };
    this.computing.set(fullKey, entry);
    try {
      const value = await answer;
      // Kept only if nothing changed the index (that this process knows of) while it was computed.
      if (generation === this.generation) {
        this.answers.set(fullKey, { version, value: deepFreeze(value) }, { size: fullKey.length * 2 + JSON.stringify(value).length * 2 });
      }
      return value;
    } finally {
      if (this.computing.get(fullKey) === entry) this.computing.delete(fullKey);
    }
  }

  /** This process is waiting for a write of its own to an index: nothing kept is given until it ends. */
  writeStarted(): void {
    this.writing++;
    this.invalidate();
  }

  /** The write is done, whatever came of it: what was kept before may be out of date. */
  writeFinished(): void {
    this.writing = Math.max(0, this.writing - 1);
    this.invalidate();
  }

  /** Forgets every kept answer. */
  invalidate(): void {
    this.generation++;
    this.answers.clear();
    this.computing.clear();
    for (const state of this.versions.values()) state.readAt = -Infinity;
  }

  stats(): AnswerCacheStats {
    return { entries: this.answers.size, bytes: this.answers.calculatedSize, hits: this.hits, misses: this.misses };
  }
}
