import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { inject } from "vitest";
import { LocalMeilisearch } from "../../src/modules/search/local-server";

/** A Meilisearch server of a test file's own: for a file that stops, crashes or times it without disturbing the other files. */
export interface OwnSearchServer {
  server: LocalMeilisearch;
  /** Its address and master key, as `createTestApp({ search })` takes them. */
  search: { url: string; key: string };
  /** Stops the server and removes its data folder. */
  remove(): Promise<void>;
}

/**
 * Starts a server with the test run's binary in a fresh data folder whose name begins with `prefix`.
 * `inMemory` puts the folder in /dev/shm where the machine has it: the engine writes and syncs its
 * files on every change.
 */
export async function startOwnSearchServer(prefix: string, key: string, options: { inMemory?: boolean } = {}): Promise<OwnSearchServer> {
  const dataDir = mkdtempSync(path.join(options.inMemory && existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), prefix));
  const server = new LocalMeilisearch({ binary: inject("meilisearch").binary, dataDir, masterKey: key, logger: pino({ level: "silent" }) });
  const remove = async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await server.start();
  } catch (error) {
    await remove();
    throw error;
  }
  // The port stays the same when the server is stopped and started again.
  return { server, search: { url: server.url, key }, remove };
}
