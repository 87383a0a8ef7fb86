import "reflect-metadata";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DataSource, DataSourceOptions } from "typeorm";
import { migrations } from "../../migrations";
import type { Config } from "../config";
import { entities } from "./entities";
import { SnakeNamingStrategy } from "./naming-strategy";

/**
 * The app's data source. On SQLite, TypeORM shares one connection between all callers, so two
 * transactions running at once would interleave on it ("cannot start a transaction within a
 * transaction", or one committing the other's half-done work). Here transactions on SQLite run one
 * after another, in the order they were asked for. Transactions must not be nested.
 */
export class CatalogueDataSource extends DataSource {
  private queue: Promise<unknown> = Promise.resolve();

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override transaction(...args: any[]): Promise<any> {
    const run = () => (super.transaction as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    if (this.options.type !== "sqlite") return run();
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

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
      // WAL lets readers go on while a write commits; the busy timeout makes a second writer wait instead of failing.
      enableWAL: file !== ":memory:",
      busyTimeout: 5000,
    };
  }
  return new CatalogueDataSource(options);
}

/** Opens the database and applies pending migrations, each in its own transaction. */
export async function openDatabase(database: Config["database"]): Promise<DataSource> {
  const dataSource = createDataSource(database);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: "each" });
  return dataSource;
}
