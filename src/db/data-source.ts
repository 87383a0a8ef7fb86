import "reflect-metadata";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DataSource, DataSourceOptions } from "typeorm";
import { migrations } from "../../migrations";
import type { Config } from "../config";
import { entities } from "./entities";
import { SnakeNamingStrategy } from "./naming-strategy";
import { PooledSqliteDataSource } from "./sqlite-pool";

/** Builds (but does not open) the data source for the configured database. Never `synchronize`. */
export function createDataSource(database: Config["database"]): DataSource {
  const common = {
    entities,
    migrations,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: false,
  } as const;
  let options: DataSourceOptions;
  if (database.kind === "postgres") {
    options = { ...common, type: "postgres", url: database.url, extra: { max: 10 } };
  } else {
    const file = database.sqlitePath ?? ":memory:";
    if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
    options = {
      ...common,
      type: "sqlite",
      database: file,
      // WAL lets the readers go on while the writer commits; the busy timeout makes a writer of
      // another process (a command-line import) wait instead of failing.
      enableWAL: file !== ":memory:",
      busyTimeout: 5000,
    };
  }
  return options.type === "sqlite" ? new PooledSqliteDataSource(options) : new DataSource(options);
}

/** Opens the database and applies pending migrations, each in its own transaction. */
export async function openDatabase(database: Config["database"]): Promise<DataSource> {
  const dataSource = createDataSource(database);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: "each" });
  return dataSource;
}
