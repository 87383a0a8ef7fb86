import type { Express } from "express";
import pino from "pino";
import { afterAll, beforeAll, inject } from "vitest";
import { createApp } from "../../src/app";
import { seedDemoCatalogue, seedDemoReport } from "../../src/modules/demo/demo-data";
import { createLogger } from "../../src/logger";
import { SearchEngine } from "../../src/modules/search/search-engine";
import { buildServices, ServiceOptions, Services } from "../../src/services";
import { createTestDatabase, TestDatabase } from "./db";

export interface TestApp extends TestDatabase {
  app: Express;
  services: Services;
  /** The index this app searches (its own, on the test run's Meilisearch). */
  indexUid: string;
  /** Waits until the search outbox is empty, so that the index has every change. */
  settle(timeoutMs?: number): Promise<void>;
}

let apps = 0;

export interface TestAppOptions {
  /** Load the demo catalogue and the 2017 progress report with its links (default true). */
  demo?: boolean;
  /** Search through the test run's real Meilisearch (default false: the database answers). */
  search?: boolean | { url: string; key: string };
  /** Search timeout in milliseconds. */
  searchTimeoutMs?: number;
  /** The engine's answer cache, as in production unless told otherwise (false: none). */
  searchCache?: false | { maxBytes: number; checkMs: number };
  /** Settings of the environment, as `loadConfig` reads them (SMTP_URL, DATABASE_URL for PostgreSQL, TRUST_PROXY, ...). */
  env?: Record<string, string>;
  /** Start the search worker, as the server does (default true; false: the index is never built until the test starts it). */
  worker?: boolean;
  /** Start the mail worker, as the server does (default false: mails wait in the outbox). */
  mail?: boolean;
  /** Other service options (rate limits, mail retry delays). */
  services?: Pick<ServiceOptions, "enquiryLimits" | "mail">;
}

/** The real app on a fresh, migrated database with the reference data and, unless told not to, the demo catalogue. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase(options.env);
  const indexUid = `test_${process.pid}_${++apps}_${Date.now()}`;
  let engine: SearchEngine | null = null;
  if (options.search) {
    const server = options.search === true ? inject("meilisearch") : options.search;
    engine = new SearchEngine({
      host: server.url,
      apiKey: server.key,
      timeoutMs: options.searchTimeoutMs ?? 2000,
      taskTimeoutMs: 20_000,
      cache: options.searchCache === false ? null : (options.searchCache ?? db.config.search.cache),
    });
  }
  const services = buildServices(db.dataSource, { engine, indexUid, logger: pino({ level: "silent" }), config: db.config, ...options.services });
  await services.referenceData.load();
  if (options.demo !== false) {
    await seedDemoCatalogue(services);
    await seedDemoReport(services);
  }
  if (services.worker && options.worker !== false) {
    services.worker.start();
  }
  if (options.mail) services.mailWorker.start();
  const app = createApp({ config: db.config, logger: createLogger(db.config), dataSource: db.dataSource, services });
  const settle = async (timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const stats = await services.outbox.stats();
      if (stats.pending === 0) return;
      if (Date.now() > deadline) throw new Error(`search outbox not drained: ${JSON.stringify(stats)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    ...db,
    app,
    services,
    indexUid,
    settle,
    async close() {
      await services.worker?.stop();
      await services.mailWorker.stop();
      if (engine) await engine.deleteIndex(indexUid).catch(() => undefined);
      await db.close();
    },
  };
}

/**
 * A test app for the tests around the call (a file or a `describe`): made before the first of them
 * and handed to `use`, closed after the last.
 */
export function withTestApp(options: TestAppOptions, use: (app: TestApp) => void): void {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await createTestApp(options);
    use(app);
  });
  afterAll(async () => app?.close());
}
