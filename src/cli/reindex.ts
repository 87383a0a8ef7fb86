import { loadConfig } from "../config";
import { openDatabase } from "../db/data-source";
import { createLogger } from "../logger";
import { startSearchRuntime } from "../modules/search/search-runtime";
import { buildServices } from "../services";
import { createProgress } from "./progress";

/**
 * `npm run reindex`: rebuilds the search index from the database with no downtime (a new index is
 * filled, swapped in atomically, and the old one deleted), and rewrites the database search text.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ ...config, logLevel: config.logLevel === "info" ? "warn" : config.logLevel });
  const dataSource = await openDatabase(config.database);
  const search = await startSearchRuntime(config, logger);
  try {
    const services = buildServices(dataSource, { engine: search.engine, indexUid: config.search.index, logger });
    const bar = createProgress("listings");
    const track = (task: string) => (done: number, total: number) => {
      bar.update(task, done, total);
      if (done >= total) bar.stop();
    };
    const texts = await services.outbox.rebuildText(track("database text"));
    process.stdout.write(`database search text: ${texts} listings\n`);
    if (!services.indexer) {
      process.stdout.write("no search engine reachable: only the database search text was rebuilt\n");
      process.exitCode = 1;
      return;
    }
    const result = await services.indexer.rebuild(track("search index"));
    process.stdout.write(`search index "${config.search.index}": ${result.documents} documents, ${result.replayed} replayed, ${result.seconds.toFixed(1)} s\n`);
  } finally {
    await search.stop();
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\nReindex failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
