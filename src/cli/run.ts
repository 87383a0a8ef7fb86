import type { DataSource } from "typeorm";
import { type Config, loadConfig } from "../config";
import { openDatabase } from "../db/data-source";

/** Writes a command's usage and stops: with status 0 when it was asked for (`--help`), 2 when the arguments do not fit. */
export function exitWithUsage(usage: string, asked: boolean | undefined): never {
  process.stderr.write(`${usage}\n`);
  process.exit(asked ? 0 : 2);
}

/** Runs a command's work on the configured database, and closes the database afterwards, whatever happened. */
export async function withDatabase(work: (dataSource: DataSource, config: Config) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const dataSource = await openDatabase(config.database);
  try {
    await work(dataSource, config);
  } finally {
    await dataSource.destroy();
  }
}
