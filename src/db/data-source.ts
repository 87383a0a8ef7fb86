import "reflect-metadata";
import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DataSource, DataSourceOptions } from "typeorm";
import { migrations } from "../../migrations";
import type { Config } from "../config";
import { entities } from "./entities";
import { SnakeNamingStrategy } from "./naming-strategy";

/** Marks the async work running inside a transaction of the shared SQLite connection. */
const insideTransaction = new AsyncLocalStorage<true>();

/** Writes of an EntityManager that, on the shared SQLite connection, must run in a transaction of their own. */
const WRITES = ["save", "remove", "softRemove", "recover", "insert", "upsert", "update", "delete", "softDelete", "restore", "increment", "decrement", "clear"] as const;

/**
 * On SQLite, TypeORM shares one connection between all callers, so work of two requests would
 * interleave on it: a second BEGIN fails ("cannot start a transaction within a transaction"), a
 * write made meanwhile lands inside the other's transaction, and that one's ROLLBACK takes it away.
 * Here every transaction on the shared connection waits for the previous one to end, and every
 * write through the data source's own manager (and so through its repositories) outside a
 * transaction runs in a transaction of its own, in turn. Transactions must not be nested.
 */
function serialiseTransactions(dataSource: DataSource): void {
  const runner = dataSource.driver.createQueryRunner("master");
  const start = runner.startTransaction.bind(runner);
  const commit = runner.commitTransaction.bind(runner);
  const rollback = runner.rollbackTransaction.bind(runner);
  let tail: Promise<void> = Promise.resolve();
  let release: (() => void) | null = null;
  runner.startTransaction = async (isolationLevel) => {
    let done!: () => void;
    const turn = new Promise<void>((resolve) => (done = resolve));
    const previous = tail;
    tail = previous.then(() => turn);
    await previous;
    release = done;
    try {
      await start(isolationLevel);
    } catch (error) {
      release = null;
      done();
      throw error;
    }
  };
  const ending = (end: () => Promise<void>) => async () => {
    try {
      await end();
    } finally {
      if (!runner.isTransactionActive && release) {
        const next = release;
        release = null;
        next();
      }
    }
  };
  runner.commitTransaction = ending(commit);
  runner.rollbackTransaction = ending(rollback);

  const transaction = dataSource.transaction.bind(dataSource) as (...args: unknown[]) => Promise<unknown>;
  (dataSource as { transaction: unknown }).transaction = (...args: unknown[]) => insideTransaction.run(true, () => transaction(...args));

  const manager = dataSource.manager as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of WRITES) {
    const direct = manager[method].bind(manager);
    manager[method] = (...args: unknown[]) =>
      insideTransaction.getStore()
        ? direct(...args)
        : dataSource.transaction((inner) => (inner as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method](...args));
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
  return new DataSource(options);
}

/** Opens the database and applies pending migrations, each in its own transaction. */
export async function openDatabase(database: Config["database"]): Promise<DataSource> {
  const dataSource = createDataSource(database);
  await dataSource.initialize();
  if (dataSource.options.type === "sqlite") {
    // The app holds one SQLite connection: give it a page cache of 64 MiB instead of SQLite's
    // default 2 MiB, so that searches answered from the database read pages from memory rather
    // than from the file, and keep temporary sort tables in memory. (Durability is unchanged.)
    await dataSource.query("PRAGMA cache_size = -65536");
    await dataSource.query("PRAGMA temp_store = MEMORY");
    serialiseTransactions(dataSource);
  }
  await dataSource.runMigrations({ transaction: "each" });
  return dataSource;
}
