import type { Server } from "node:http";
import { createApp } from "./app";
import { prepareData } from "./bootstrap";
import { ConfigError, loadConfig } from "./config";
import { openDatabase } from "./db/data-source";
import { createLogger } from "./logger";
import { startSearchRuntime } from "./modules/search/search-runtime";
import { scheduledJobs } from "./modules/jobs/jobs";
import { Scheduler } from "./modules/jobs/scheduler";
import { buildServices } from "./services";

/** How long in-flight requests get to finish on shutdown before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee README.md, "Configuration".\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  const dataSource = await openDatabase(config.database);
  logger.info({ database: config.database.kind }, "database ready, migrations applied");
  const search = await startSearchRuntime(config, logger);
  const services = buildServices(dataSource, { engine: search.engine, indexUid: config.search.index, logger, config });
  const demoAccounts = await prepareData(config, services, logger);
  services.worker?.start();
  services.mailWorker.start();
  // "Did you mean" has the catalogue's words before the first search needs them.
  services.search.prepareSuggestions();
  // Digests, link checks and retention, each slot run by one instance of the app.
  const scheduler = config.jobs.enabled ? new Scheduler(services.jobRuns, scheduledJobs(services, config), logger.child({ module: "jobs" })) : null;
  await scheduler?.start();

  const app = createApp({ config, logger, dataSource, services });
  const server: Server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const shown = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  logger.info({ url: `http://${shown}:${config.port}` }, `catalogue listening on http://${shown}:${config.port}`);
  if (demoAccounts.length) {
    // Shown on the terminal, not logged: these are passwords, for development only.
    process.stdout.write(
      `\nDemo accounts (development only; passwords kept in ${config.dataDir}/demo-accounts.json):\n${demoAccounts
        .map((a) => `  ${a.role.padEnd(22)} ${a.email.padEnd(32)} ${a.password}`)
        .join("\n")}\nSign in at http://${shown}:${config.port}/sign-in\n\n`,
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    const force = setTimeout(() => {
      logger.warn("in-flight requests did not finish in time; exiting");
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async (error) => {
      try {
        await scheduler?.stop();
        await services.worker?.stop();
        await services.mailWorker.stop();
        await search.stop();
        await dataSource.destroy();
      } finally {
        logger.info("stopped");
        process.exit(error ? 1 : 0);
      }
    });
    // Idle keep-alive connections would hold `close` open until they time out.
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`Start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
