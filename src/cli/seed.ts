import { loadConfig } from "../config";
import { openDatabase } from "../db/data-source";
import { seedDemoCatalogue, seedDemoReport } from "../modules/demo/demo-data";
import { createLogger } from "../logger";
import { buildServices } from "../services";

/**
 * `npm run seed`: applies migrations, then loads the reference data, the demo catalogue and the
 * 2017 progress report with its links to the demo listings.
 * Adds only what is missing, so running it twice changes nothing.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ ...config, logLevel: config.logLevel === "silent" ? "silent" : "info" });
  const dataSource = await openDatabase(config.database);
  try {
    const services = buildServices(dataSource);
    const reference = await services.referenceData.load();
    const demo = await seedDemoCatalogue(services);
    const report = await seedDemoReport(services);
    logger.info({ reference: reference.created, demo: demo.created, report: report.created }, "seeding done");
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Seeding failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
