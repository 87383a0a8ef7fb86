/**
 * `npm run bench:search`: the search benchmark. Not a test: it prints figures.
 *
 * 1. Generates a deterministic synthetic catalogue of LISTINGS listings (default 100,000) in a fresh
 *    SQLite database, with its database search text.
 * 2. Starts a Meilisearch server of its own, and measures Meilisearch's own ingest of the documents
 *    (settings, then the documents in batches) against the app's full zero-downtime rebuild.
 * 3. Starts the app in separate processes on that server as `npm start` runs it, once with no
 *    answer cache (every search asks the engine) and once as deployed (answers kept while the index
 *    does not change), warms each up with WARM_UP requests of other queries, waits for the engine to
 *    be idle, and measures, on the same query mix and at CONNECTIONS concurrent connections (default 16):
 *    Meilisearch's own /search, the app's /api/v1/search and the HTML search page of each; throughput,
 *    p50 and p99, the ratio app/Meilisearch, and how many answers came from memory.
 * 4. Measures the database fallback (search without the engine) at that size: p50 and p99.
 *
 * The app's cost per search is about the same at any size while the engine's grows with the index,
 * so the ratio app/Meilisearch is lower on a small catalogue than on a large one.
 *
 * LISTINGS, CONNECTIONS and SECONDS change the size and the load; APP_NODE_ARGS passes options to
 * the app's Node.js (e.g. "--cpu-prof --cpu-prof-dir=/tmp/profile" to see where its time goes).
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { loadConfig } from "../../src/config";
import { openDatabase } from "../../src/db/data-source";
import { freeLoopbackPort } from "../../src/modules/search/local-server";
import { conceptVocabulary } from "../../src/modules/search/concepts";
import { SearchEngine } from "../../src/modules/search/search-engine";
import { buildServices } from "../../src/services";
import { benchSearchServer } from "./bench-helpers";
import { generateCatalogue, random } from "./synthetic-catalogue";

const LISTINGS = Number(process.env.LISTINGS ?? 100_000);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 16);
const SECONDS = Number(process.env.SECONDS ?? 15);
const ROOT = path.resolve(__dirname, "../..");

function line(label: string, value: string) {
  process.stdout.write(`${label.padEnd(44)} ${value}\n`);
}

type Entry = { q: string; topic?: string; language?: string; kind?: string; sort?: string; page?: number; upcoming?: boolean };

/** The head of the query mix: words, typos, acronyms, every language of the region, filters and sorts. */
function headQueries(): Entry[] {
  return [
    { q: "victim identification" },
    { q: "trafficing" },
    { q: "QRG" },
    { q: "border management", kind: "course" },
    { q: "maritime", upcoming: true },
    { q: "document examination", language: "km" },
    { q: "", topic: "trafficking-in-persons" },
    { q: "", topic: "border-management", sort: "newest" },
    { q: "interviewing", language: "th" },
    { q: "handbook" },
    { q: "financial investigation", page: 2 },
    { q: "biometrics workshop" },
    { q: "", kind: "quick-reference-guide", language: "vi" },
    { q: "refugee protection" },
    { q: "training of trainers" },
    { q: "people smuggling", sort: "title" },
    { q: "", upcoming: true, sort: "next-session" },
    { q: "follow the money trafficking cases" },
    { q: "การค้ามนุษย์" },
    { q: "หลักสูตรฝึกอบรมการค้ามนุษย์" },
    { q: "ការជួញដូរមនុស្ស" },
    { q: "វគ្គបណ្តុះបណ្តាលការជួញដូរមនុស្ស" },
    { q: "ການຝຶກອົບຮົມການຄ້າມະນຸດ" },
    { q: "လူကုန်ကူးမှု သင်တန်း" },
    { q: "လူကုန္ကူးမႈ သင္တန္း" },
    { q: "perdagangan orang" },
    { q: "pelatihan identifikasi korban TPPO" },
    { q: "latihan pemerdagangan orang" },
    { q: "khóa đào tạo phòng chống mua bán người" },
    { q: "luat phong chong mua ban nguoi" },
    { q: "pagsasanay laban sa human trafficking" },
    { q: "මිනිස් ජාවාරම පුහුණුව" },
  ];
}

/** How many distinct queries the long tail has, and how many requests the mix sends before it repeats. */
const DISTINCT = Number(process.env.DISTINCT_QUERIES ?? 5000);
const MIX_LENGTH = Number(process.env.MIX_LENGTH ?? 20_000);

/**
 * The query mix as traffic has it: the head queries and a long tail of distinct ones (terms of the
 * vocabulary in every language, two or three together, with filters, sorts and pages), asked with a
 * Zipf-like frequency: the k-th most popular query about 1/k as often as the first.
 */
function queryMix(seed = 20171001): Entry[] {
  const rand = random(seed);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
  const terms = [...conceptVocabulary().byId.values()].flatMap((c) => Object.values(c.terms).flat().slice(0, 40));
  const languages = ["en", "id", "th", "km", "lo", "my", "vi", "ms", "fil", "si"];
  const topics = ["trafficking-in-persons", "people-smuggling", "border-management", "document-examination", "protection-and-asylum", "biometrics"];
  const kinds = ["course", "workshop", "handbook", "e-learning", "policy-guide", "quick-reference-guide"];
  const distinct = new Map<string, Entry>();
  for (const entry of headQueries()) distinct.set(qs(entry), entry);
  while (distinct.size < DISTINCT) {
    const words = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(terms)).join(" ");
    const entry: Entry = { q: words.slice(0, 200) };
    const r = rand();
    if (r < 0.2) entry.language = pick(languages);
    else if (r < 0.35) entry.topic = pick(topics);
    else if (r < 0.5) entry.kind = pick(kinds);
    if (rand() < 0.1) entry.sort = pick(["title", "newest", "next-session"]);
    if (rand() < 0.1) entry.page = 2;
    if (rand() < 0.05) entry.upcoming = true;
    distinct.set(qs(entry), entry);
  }
  const pool = [...distinct.values()];
  // Zipf weights over the pool (head queries first, the most popular).
  const weights = pool.map((_, k) => 1 / (k + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  weights.reduce((sum, w, i) => ((cumulative[i] = sum + w / total), sum + w / total), 0);
  const mix: Entry[] = [];
  for (let i = 0; i < MIX_LENGTH; i++) {
    const u = rand();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    mix.push(pool[lo]);
  }
  return mix;
}

const qs = (entry: Record<string, unknown>) =>
  new URLSearchParams(Object.entries(entry).flatMap(([k, v]): Array<[string, string]> => (v === undefined || v === "" ? [] : [[k, String(v)]]))).toString();

/** Node's arguments as `npm start` gives them (its Node.js options, then the server), so that the app is measured as it runs. */
function startArguments(): string[] {
  const start = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start.split(/\s+/);
  if (start[0] !== "node") throw new Error(`npm start does not run node: ${start.join(" ")}`);
  return start.slice(1);
}

/** Requests sent to each app before it is measured, drawn from queries of the same kind but not of the mix. */
const WARM_UP = Number(process.env.WARM_UP ?? 300);

/** Queries like those of the mix, drawn with another seed (the mix's answers are not kept beforehand). */
function warmUpMix(): Entry[] {
  const seen = new Set(queryMix().map(qs));
  return queryMix(19830401).filter((entry) => !seen.has(qs(entry)));
}

/** Waits until the engine has no task enqueued or processing. */
async function engineIdle(url: string, key: string): Promise<void> {
  for (;;) {
    const response = await fetch(`${url}/tasks?statuses=enqueued,processing&limit=1`, { headers: { authorization: `Bearer ${key}` } });
    const { total } = (await response.json()) as { total: number };
    if (total === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function load(name: string, requests: autocannon.Request[], url: string, headers: Record<string, string> = {}) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, requests, headers });
  const statuses = Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})
    .map(([status, stat]) => `${stat.count}×${status}`)
    .join(", ");
  line(`${name}: requests/s`, `${result.requests.average.toFixed(0)} (answers: ${statuses || "none"}; ${result.errors} errors)`);
  line(`${name}: latency p50 / p99`, `${result.latency.p50} ms / ${result.latency.p99} ms`);
  return result;
}

async function main(): Promise<void> {
  const { dir, logger, key, meili } = benchSearchServer("rtc-bench-");
  const apps: Array<ReturnType<typeof spawn>> = [];
  try {
    line("machine", `${cpus().length} cores, Node ${process.version}`);
    line("listings", String(LISTINGS));
    const config = loadConfig({ NODE_ENV: "test", DATA_DIR: dir, SESSION_SECRET: "x".repeat(40), LOG_LEVEL: "warn" });
    const dataSource = await openDatabase(config.database);
    await buildServices(dataSource).referenceData.load();
    let started = Date.now();
    await generateCatalogue(dataSource, LISTINGS);
    line("generate listings (SQLite)", `${((Date.now() - started) / 1000).toFixed(1)} s`);

    await meili.start();
    const engine = new SearchEngine({ host: meili.url, apiKey: key, timeoutMs: 5000, taskTimeoutMs: 600_000 });
    const services = buildServices(dataSource, { engine, indexUid: "resources", logger });
    started = Date.now();
    await services.outbox.rebuildText(undefined, 1000);
    line("database search text (FTS5)", `${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Meilisearch's own ingest: the same documents, prepared beforehand, sent in batches of 1000.
    const documents = [];
    for (let after = 0; ;) {
      const ids = await services.listings.publishedIdsAfter(after, 1000);
      if (ids.length === 0) break;
      after = ids[ids.length - 1];
      documents.push(...(await services.indexer!.documentsFor(ids)).documents);
    }
    started = Date.now();
    await services.indexer!.prepare("raw_ingest");
    const tasks: number[] = [];
    for (let i = 0; i < documents.length; i += 1000) tasks.push(await engine.enqueueDocuments("raw_ingest", documents.slice(i, i + 1000)));
    for (const task of tasks) {
      const result = await engine.waitForTask(task);
      if (!result.ok) throw new Error(result.error ?? "ingest failed");
    }
    const rawSeconds = (Date.now() - started) / 1000;
    line("Meilisearch's own ingest (settings + docs)", `${rawSeconds.toFixed(1)} s`);
    await engine.deleteIndex("raw_ingest");

    const rebuild = await services.indexer!.rebuild();
    line("app's zero-downtime rebuild", `${rebuild.seconds.toFixed(1)} s (${rebuild.documents} documents)`);
    line("rebuild / Meilisearch ingest", `${(rebuild.seconds / rawSeconds).toFixed(2)} (target at most 1.30)`);

    // Database fallback, at this size, in this process (no engine).
    const fallback = buildServices(dataSource, { engine: null, logger });
    const times: number[] = [];
    const mix = queryMix();
    // The first 300 requests of the mix: head queries and some of the tail, as traffic has them.
    for (let round = 0; round < 1; round++) {
      for (const entry of mix.slice(0, 300)) {
        const t0 = performance.now();
        await fallback.search.search({ ...entry, q: entry.q || undefined, page: entry.page ?? 1, pageSize: 20 } as never);
        times.push(performance.now() - t0);
      }
    }
    times.sort((a, b) => a - b);
    line("database fallback: p50 / p99", `${times[Math.floor(times.length * 0.5)].toFixed(1)} ms / ${times[Math.floor(times.length * 0.99)].toFixed(1)} ms (target p50 under 100 ms)`);
    await dataSource.destroy();

    // The app in processes of its own, on the same Meilisearch: as deployed (answers kept while the
    // index does not change), and with no answer cache (every search asks the engine).
    const startApp = async (extraEnv: Record<string, string>) => {
      const port = await freeLoopbackPort();
      const child = spawn(process.execPath, [...(process.env.APP_NODE_ARGS ?? "").split(" ").filter(Boolean), ...startArguments()], {
        cwd: ROOT,
        stdio: ["ignore", "ignore", "inherit"],
        env: {
          ...process.env,
          NODE_ENV: "production",
          SESSION_SECRET: "y".repeat(40),
          DATA_DIR: dir,
          PORT: String(port),
          HOST: "127.0.0.1",
          MEILI_URL: meili.url,
          MEILI_MASTER_KEY: key,
          LOG_LEVEL: process.env.APP_LOG_LEVEL ?? "warn",
          DEMO_DATA: "false",
          ...extraEnv,
        },
      });
      apps.push(child);
      for (let i = 0; ; i++) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break;
        } catch {
          // starting
        }
        if (i > 600) throw new Error("app did not start");
        await new Promise((r) => setTimeout(r, 100));
      }
      return `http://127.0.0.1:${port}`;
    };
    const uncachedApp = await startApp({ SEARCH_CACHE_MB: "0" });
    const cachedApp = await startApp({});
    // Measured as they run for days: each app has read the catalogue's words and compiled its hot
    // code, and the engine has finished what the apps' start gave it to index.
    for (const app of [uncachedApp, cachedApp]) {
      await autocannon({ url: app, connections: 4, amount: WARM_UP, requests: warmUpMix().map((entry) => ({ method: "GET" as const, path: `/api/v1/search?${qs(entry)}` })) });
    }
    await engineIdle(meili.url, key);
    line("warm-up", `${WARM_UP} requests of other queries to each app; the engine idle before measuring`);
    const distinctAsked = new Set(mix.map((entry) => qs(entry))).size;
    line("query mix", `${mix.length} requests of ${distinctAsked} distinct queries (Zipf-like), ${CONNECTIONS} connections, ${SECONDS} s each`);
    // Exactly what the app asks the engine for each query of the mix (its first question; a query
    // that matches nothing costs the app more questions, which the comparison counts against it).
    const raw = await load(
      "Meilisearch /search (direct)",
      mix.map((entry) => ({
        method: "POST",
        path: "/indexes/resources/search",
        body: JSON.stringify(services.search.engineQuestion({ ...entry, q: entry.q || undefined, page: entry.page ?? 1, pageSize: 20 } as never)),
        headers: { "content-type": "application/json" },
      })),
      meili.url,
      { authorization: `Bearer ${key}` },
    );
    const apiRequests = mix.map((entry) => ({ method: "GET" as const, path: `/api/v1/search?${qs(entry)}` }));
    const pageRequests = mix.map((entry) => ({ method: "GET" as const, path: `/catalogue?${qs(entry)}` }));
    const uncached = await load("app /api/v1/search, no answer cache", apiRequests, uncachedApp);
    await load("app /catalogue (HTML), no answer cache", pageRequests, uncachedApp);
    const cached = await load("app /api/v1/search, as deployed", apiRequests, cachedApp);
    await load("app /catalogue (HTML), as deployed", pageRequests, cachedApp);
    const stats = (await (await fetch(`${cachedApp}/readyz`)).json()) as { checks: { search: { cache: { hits: number; misses: number } } } };
    const { hits, misses } = stats.checks.search.cache;
    line("answers kept, as deployed: hits / misses", `${hits} / ${misses} (${((100 * hits) / Math.max(1, hits + misses)).toFixed(1)}% from memory)`);
    line("API / Meilisearch throughput, no cache", `${(uncached.requests.average / raw.requests.average).toFixed(2)} (target at least 0.70)`);
    line("API / Meilisearch throughput, as deployed", `${(cached.requests.average / raw.requests.average).toFixed(2)} (target at least 0.70)`);
    line("API p99, no cache", `${uncached.latency.p99} ms (target under 50 ms)`);
    line("API p99, as deployed", `${cached.latency.p99} ms (target under 50 ms)`);
  } finally {
    for (const app of apps) app.kill("SIGTERM");
    await meili.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
