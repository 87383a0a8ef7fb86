import type { DataSource } from "typeorm";
import type { Config } from "./config";
import { seedDemoCatalogue, seedReferenceData } from "./db/seed";
import type { Logger } from "./logger";
import type { Services } from "./services";

/**
 * Brings a migrated database to a usable state: the reference data is always there, and outside
 * production an empty catalogue gets the demo listings (when `DEMO_DATA` allows).
 */
export async function prepareData(config: Config, dataSource: DataSource, services: Services, logger: Logger): Promise<void> {
  const reference = await seedReferenceData(dataSource);
  const added = Object.entries(reference.created).filter(([, n]) => n > 0);
  if (added.length) logger.info({ created: reference.created }, "reference data loaded");
  if (config.demoData && (await services.catalogue.countAll()) === 0) {
    const demo = await seedDemoCatalogue(dataSource, services.catalogue);
    logger.info({ created: demo.created }, "demo catalogue loaded into the empty database");
  }
  if (await services.outbox.textIncomplete()) {
    const written = await services.outbox.rebuildText();
    logger.info({ listings: written }, "database search text rebuilt");
  }
}
