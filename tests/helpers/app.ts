import type { Express } from "express";
import { createApp } from "../../src/app";
import { seedDemoCatalogue, seedReferenceData } from "../../src/db/seed";
import { createLogger } from "../../src/logger";
import { buildServices, Services } from "../../src/services";
import { createTestDatabase, TestDatabase } from "./db";

export interface TestApp extends TestDatabase {
  app: Express;
  services: Services;
}

/** The real app on a fresh, migrated database with the reference data and, unless told not to, the demo catalogue. */
export async function createTestApp(options: { demo?: boolean } = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const services = buildServices(db.dataSource);
  await seedReferenceData(db.dataSource);
  if (options.demo !== false) await seedDemoCatalogue(db.dataSource, services.catalogue);
  const app = createApp({ config: db.config, logger: createLogger(db.config), dataSource: db.dataSource, services });
  return { ...db, app, services };
}
