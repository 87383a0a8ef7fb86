import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DataSource } from "typeorm";
import { Config, loadConfig } from "../../src/config";
import { openDatabase } from "../../src/db/data-source";

export interface TestDatabase {
  config: Config;
  dataSource: DataSource;
  dataDir: string;
  close(): Promise<void>;
}

/** A fresh SQLite file in its own temporary folder, migrated with the real migrations. */
export async function createTestDatabase(env: Record<string, string> = {}): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "rtc-test-"));
  const config = loadConfig({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    SESSION_SECRET: "test-secret-that-is-long-enough-for-the-schema",
    LOG_LEVEL: "silent",
    ...env,
  });
  const dataSource = await openDatabase(config.database);
  return {
    config,
    dataSource,
    dataDir,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
