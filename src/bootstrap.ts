import type { Config } from "./config";
import { DemoAccount, seedDemoAccounts, seedDemoCatalogue, seedDemoReport } from "./modules/demo/demo-data";
import type { Logger } from "./logger";
import type { Services } from "./services";

/**
 * Brings a migrated database to a usable state: the reference data is always there; an empty
 * catalogue gets the demo listings when `DEMO_DATA` allows; outside production the demo accounts
 * (one per role) are there too, and returned so that start-up can show them.
 */
export async function prepareData(config: Config, services: Services, logger: Logger): Promise<DemoAccount[]> {
  const reference = await services.referenceData.load();
  const added = Object.entries(reference.created).filter(([, n]) => n > 0);
  if (added.length) logger.info({ created: reference.created }, "reference data loaded");
  if (config.demoData && (await services.catalogue.countAll()) === 0) {
    const demo = await seedDemoCatalogue(services);
    logger.info({ created: demo.created }, "demo catalogue loaded into the empty database");
  }
  if (config.demoData && (await services.reports.list({ archived: true })).length === 0) {
    const report = await seedDemoReport(services);
    logger.info({ created: report.created }, "demo progress report imported and linked");
  }
  if (await services.outbox.textIncomplete()) {
    const written = await services.outbox.rebuildText();
    logger.info({ listings: written }, "database search text rebuilt");
  }
  // Demo accounts exist only outside production, and only with the demo data.
  if (config.env !== "production" && config.demoData) return seedDemoAccounts(services, config.dataDir);
  return [];
}
