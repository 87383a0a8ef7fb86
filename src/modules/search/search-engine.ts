import { Pool, type Dispatcher } from "undici";
import { Index, Meilisearch, MeiliSearchApiError, type Settings, type Task } from "meilisearch";
import { AnswerCache, type AnswerCacheOptions, type AnswerCacheStats } from "./answer-cache";

/** The only module that imports `meilisearch`: everything else talks to this wrapper. */

export type { Settings };

/** A document in the index: one listing. */
export type SearchDocument = Record<string, unknown> & { id: number };

/** What a finished task reports: a failed task is returned, not thrown. */
export interface TaskOutcome {
  ok: boolean;
  status: string;
  error: string | null;
}

export interface EngineSearchRequest {
  q: string;
  filter: string[];
  facets?: string[];
  sort?: string[];
  page?: number;
  hitsPerPage?: number;
  limit?: number;
  attributesToHighlight?: string[];
  attributesToRetrieve?: string[];
}

export interface EngineSearchResponse {
  hits: Array<Record<string, unknown> & { _formatted?: Record<string, unknown> }>;
  totalHits: number;
  facetDistribution: Record<string, Record<string, number>>;
  processingTimeMs: number;
}

/** Sentinels around highlighted words; the presenter escapes the text, then turns them into `<mark>`. */
export const HIGHLIGHT_PRE = "\uE000";
export const HIGHLIGHT_POST = "\uE001";

export interface EngineOptions {
  host: string;
  apiKey: string | null;
  /** For searches. */
  timeoutMs: number;
  /** For writes and waiting on tasks. */
  taskTimeoutMs?: number;
  /** Keep answers while the index does not change (see AnswerCache); none when absent. */
  cache?: AnswerCacheOptions | null;
}

function outcome(task: Task): TaskOutcome {
  return { ok: task.status === "succeeded", status: task.status, error: task.error ? `${task.error.code}: ${task.error.message}` : null };
}

/** An answer of the engine that is not a success, as the search client reports it. */
class EngineAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`search engine answered ${status}: ${typeof body === "object" && body && "message" in body ? String((body as { message: unknown }).message) : ""}`);
  }
}

/**
 * The searches' transport: undici's connection pool (the HTTP client under Node's own fetch, without
 * fetch's per-request streams and objects). Searches are the app's hottest path, and this costs the
 * app the least CPU per search of Node's clients, which leaves more of the machine to the engine.
 * Honours the client's timeout signal; a non-2xx answer is an error; a search is sent again, once,
 * when a kept-alive connection turns out to have been closed by the engine.
 */
function poolClient(host: string) {
  const pool = new Pool(new URL(host).origin, { connections: 64, keepAliveTimeout: 4_000 });
  return async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<unknown> => {
    const url = new URL(String(input));
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const options = {
      path: `${url.pathname}${url.search}`,
      method: (init?.method ?? "GET") as Dispatcher.HttpMethod,
      headers,
      body: typeof init?.body === "string" ? init.body : undefined,
      signal: init?.signal ?? undefined,
    };
    let response: Dispatcher.ResponseData;
    try {
      response = await pool.request(options);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== "UND_ERR_SOCKET" && code !== "ECONNRESET") throw error;
      response = await pool.request(options);
    }
    const text = await response.body.text();
    const parsed: unknown = text === "" ? undefined : JSON.parse(text);
    if (response.statusCode >= 200 && response.statusCode < 300) return parsed;
    throw new EngineAnswerError(response.statusCode, parsed);
  };
}

/** A Meilisearch server. Every call has a timeout. */
export class SearchEngine {
  private readonly searchClient: Meilisearch;
  private readonly writeClient: Meilisearch;
  private readonly taskTimeoutMs: number;
  private readonly cache: AnswerCache | null;

  constructor(readonly options: EngineOptions) {
    // Uncompressed answers: on loopback or a private network, compressing and inflating every
    // response costs both processes more CPU than the bytes it saves.
    const base = { host: options.host, apiKey: options.apiKey ?? undefined, requestInit: { headers: { "Accept-Encoding": "identity" } } };
    this.taskTimeoutMs = options.taskTimeoutMs ?? 60_000;
    this.searchClient = new Meilisearch({ ...base, timeout: options.timeoutMs, httpClient: poolClient(options.host) });
    this.writeClient = new Meilisearch({ ...base, timeout: Math.max(options.timeoutMs, 30_000) });
    this.cache = options.cache ? new AnswerCache((uid) => this.indexVersion(uid), options.cache) : null;
  }

  /**
   * The version of an index: its last finished task. Any change to the index (documents, settings,
   * a swap, its deletion) is a task, so a new version means answers given before may differ now.
   */
  async indexVersion(uid: string): Promise<string> {
    const tasks = await this.searchClient.tasks.getTasks({ indexUids: [uid], statuses: ["succeeded", "failed", "canceled"], limit: 1 });
    const last = tasks.results[0];
    return last ? `${last.uid}@${last.finishedAt}` : "none";
  }

  /** How the answer cache is doing; null without one. */
  cacheStats(): AnswerCacheStats | null {
    return this.cache?.stats() ?? null;
  }

  /** The client's handle on an index, for searches: made once, as making one costs more than a search's own request. */
  private readonly searchIndexes = new Map<string, Index>();

  private searchIndex(uid: string): Index {
    let index = this.searchIndexes.get(uid);
    if (!index) {
      index = this.searchClient.index(uid);
      this.searchIndexes.set(uid, index);
    }
    return index;
  }

  private index(uid: string): Index {
    return this.writeClient.index(uid);
  }

  /** True when the server answers `/health` in time. */
  async healthy(): Promise<boolean> {
    try {
      return (await this.searchClient.health()).status === "available";
    } catch {
      return false;
    }
  }

  async indexExists(uid: string): Promise<boolean> {
    try {
      await this.writeClient.getIndex(uid);
      return true;
    } catch (error) {
      if (error instanceof MeiliSearchApiError && error.cause?.code === "index_not_found") return false;
      throw error;
    }
  }

  /** Creates the index (primary key `id`) if it is missing. */
  async ensureIndex(uid: string): Promise<TaskOutcome | null> {
    if (await this.indexExists(uid)) return null;
    const result = await this.waitForTask((await this.writeClient.createIndex(uid, { primaryKey: "id" })).taskUid);
    // Another process may have created it at the same moment.
    if (!result.ok && result.error?.startsWith("index_already_exists")) return { ok: true, status: "succeeded", error: null };
    return result;
  }

  async updateSettings(uid: string, settings: Settings): Promise<TaskOutcome> {
    return this.waitForTask((await this.index(uid).updateSettings(settings)).taskUid);
  }

  async getSettings(uid: string): Promise<Settings> {
    return this.index(uid).getSettings();
  }

  /** Adds or replaces whole documents and waits for the task. */
  async putDocuments(uid: string, documents: SearchDocument[]): Promise<TaskOutcome> {
    if (documents.length === 0) return { ok: true, status: "succeeded", error: null };
    return this.waitForTask(await this.enqueueDocuments(uid, documents));
  }

  /** Enqueues documents without waiting; returns the task uid (for bulk loads that wait once at the end). */
  async enqueueDocuments(uid: string, documents: SearchDocument[]): Promise<number> {
    return (await this.index(uid).addDocuments(documents, { primaryKey: "id" })).taskUid;
  }

  /**
   * Waits for a task to finish by polling it, quickly at first and then every 100 ms at most: a
   * change is searchable as soon as this returns, so a longer pause would add to every change's
   * delay. (The client's own waiting adds a listener per poll, which piles up on long rebuilds.)
   */
  async waitForTask(taskUid: number): Promise<TaskOutcome> {
    this.cache?.writeStarted();
    try {
      const deadline = Date.now() + this.taskTimeoutMs;
      for (let delay = 10; ; delay = Math.min(100, delay * 2)) {
        const task = await this.writeClient.tasks.getTask(taskUid);
        if (task.status === "succeeded" || task.status === "failed" || task.status === "canceled") return outcome(task);
        if (Date.now() > deadline) return { ok: false, status: task.status, error: `task ${taskUid} not finished after ${this.taskTimeoutMs} ms` };
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    } finally {
      // Every write of this process is waited for here.
      this.cache?.writeFinished();
    }
  }

  async deleteDocuments(uid: string, ids: number[]): Promise<TaskOutcome> {
    if (ids.length === 0) return { ok: true, status: "succeeded", error: null };
    return this.waitForTask((await this.index(uid).deleteDocuments(ids)).taskUid);
  }

  async documentIds(uid: string, limit = 1_000_000): Promise<number[]> {
    const ids: number[] = [];
    for (let offset = 0; offset < limit; offset += 1000) {
      const page = await this.index(uid).getDocuments<{ id: number }>({ fields: ["id"], offset, limit: 1000 });
      ids.push(...page.results.map((d) => d.id));
      if (page.results.length < 1000) break;
    }
    return ids;
  }

  async getDocument(uid: string, id: number): Promise<Record<string, unknown> | null> {
    try {
      return await this.index(uid).getDocument(id);
    } catch (error) {
      if (error instanceof MeiliSearchApiError && error.cause?.code === "document_not_found") return null;
      throw error;
    }
  }

  async count(uid: string): Promise<number> {
    return (await this.index(uid).getStats()).numberOfDocuments;
  }

  /** Swaps the contents of two indexes atomically. */
  async swap(a: string, b: string): Promise<TaskOutcome> {
    return this.waitForTask((await this.writeClient.swapIndexes([{ indexes: [a, b], rename: false }])).taskUid);
  }

  async deleteIndex(uid: string): Promise<TaskOutcome> {
    return this.waitForTask((await this.writeClient.deleteIndex(uid)).taskUid);
  }

  async listIndexes(): Promise<string[]> {
    return (await this.writeClient.getIndexes({ limit: 1000 })).results.map((i) => i.uid);
  }

  /**
   * An answer drawn from an index (a search, as the app presents it), kept while the index does not
   * change: `compute` runs only when no answer to `key` is kept for the index's current version.
   * Kept answers are shared and frozen. Without a cache, `compute` runs every time.
   */
  async kept<T extends object>(uid: string, key: string, compute: () => Promise<T>): Promise<T> {
    return this.cache ? this.cache.get(uid, key, compute) : compute();
  }

  /** How many listings each of several queries matches, asked in one request. */
  async counts(uid: string, questions: Array<{ q: string; filter: string[] }>): Promise<number[]> {
    if (questions.length === 0) return [];
    const response = await this.searchClient.multiSearch({ queries: questions.map((question) => ({ indexUid: uid, q: question.q, filter: question.filter, hitsPerPage: 0, page: 1 })) });
    return response.results.map((result) => (result as { totalHits?: number }).totalHits ?? (result as { estimatedTotalHits?: number }).estimatedTotalHits ?? 0);
  }

  /** One search. */
  async search(uid: string, r: EngineSearchRequest): Promise<EngineSearchResponse> {
    const response = await this.searchIndex(uid).search(r.q, {
      filter: r.filter,
      facets: r.facets,
      sort: r.sort,
      page: r.page,
      hitsPerPage: r.hitsPerPage,
      limit: r.limit,
      attributesToHighlight: r.attributesToHighlight,
      attributesToRetrieve: r.attributesToRetrieve,
      highlightPreTag: HIGHLIGHT_PRE,
      highlightPostTag: HIGHLIGHT_POST,
    });
    return {
      hits: response.hits as EngineSearchResponse["hits"],
      totalHits: (response as { totalHits?: number }).totalHits ?? (response as { estimatedTotalHits?: number }).estimatedTotalHits ?? 0,
      facetDistribution: (response.facetDistribution ?? {}) as Record<string, Record<string, number>>,
      processingTimeMs: response.processingTimeMs,
    };
  }
}
