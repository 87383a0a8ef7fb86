import { loadConfig } from "../config";
import { openDatabase } from "../db/data-source";
import { createLogger } from "../logger";
import { buildServices } from "../services";
import { createProgress } from "./progress";

/**
 * `npm run links:check`: checks every listing's, edition's and organisation's address now, as the
 * daily job does, and records the results; prints those whose last two checks failed.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ ...config, logLevel: config.logLevel === "info" ? "warn" : config.logLevel });
  const dataSource = await openDatabase(config.database);
  try {
    const services = buildServices(dataSource, { logger, config });
    const bar = createProgress("addresses");
    const run = await services.links.checkAll((done, total) => bar.update("checking", done, total));
    bar.stop();
    process.stdout.write(`${run.addresses} addresses of ${run.targets} listings, editions and organisations checked in ${run.seconds.toFixed(1)} s; ${run.failed} failed this time\n`);
    const failing = await services.links.failing(null);
    if (failing.length) {
      process.stdout.write(`failing twice in a row (${failing.length}):\n`);
      for (const f of failing) process.stdout.write(`  ${f.type} ${f.id} ${f.url}: ${f.error === "http-status" ? `HTTP ${f.statusCode}` : f.error}\n`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\nLink check failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
