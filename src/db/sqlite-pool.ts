import { AsyncLocalStorage } from "node:async_hooks";
import { DataSource, type DataSourceOptions } from "typeorm";
import { SqliteDriver } from "typeorm/driver/sqlite/SqliteDriver";
import { SqliteQueryRunner } from "typeorm/driver/sqlite/SqliteQueryRunner";
import type { IsolationLevel } from "typeorm/driver/types/IsolationLevel";
import type { ReplicationMode } from "typeorm/driver/types/ReplicationMode";

/** The sqlite3 package's connection, as far as it is used here. */
interface Sqlite3Database {
  run(sql: string, callback: (error: Error | null) => void): void;
  close(callback: (error: Error | null) => void): void;
}

/** TypeORM versions this driver was written and tested against (a test checks the installed one). */
export const TYPEORM_VERSIONS = /^0\.3\.(2[6-9]|3\d)$/;

/** Reading connections beside the one writer. */
const READERS = 2;

/** Longest a write waits for the writer before it fails as busy (SQLite's own busy timeout, for the same reason). */
export const WRITER_WAIT_MS = 15_000;

/** Settings of every connection: a 64 MiB page cache instead of SQLite's 2 MiB, temporary tables in memory. */
const CONNECTION_PRAGMAS = ["PRAGMA cache_size = -65536", "PRAGMA temp_store = MEMORY"];

/** Raised when a write waited longer than `WRITER_WAIT_MS` for the writer. */
export class DatabaseBusyError extends Error {
  readonly code = "SQLITE_BUSY";
  constructor() {
    super(`the database writer was busy for more than ${WRITER_WAIT_MS} ms`);
  }
}

/** First come, first served: one holder at a time. */
class WriterLock {
  private queue: Array<{ grant: () => void; timer: NodeJS.Timeout }> = [];
  private held = false;

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.queue = this.queue.filter((w) => w !== waiter);
          reject(new DatabaseBusyError());
        }, WRITER_WAIT_MS),
      };
      this.queue.push(waiter);
    });
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next.grant();
    else this.held = false;
  }
}

/** The transaction whose callback is running, for work inside it that does not use its manager. */
const currentTransaction = new AsyncLocalStorage<{ runner?: PooledSqliteQueryRunner; outer?: { runner?: PooledSqliteQueryRunner } }>();

/** Savepoints of joined runners are numbered, so that two never share a name. */
let joinedTransactions = 0;

/** The connection a query runner's next statement goes to (read by `connect()`, which TypeORM calls per statement). */
const statementConnection = new AsyncLocalStorage<Sqlite3Database>();

/**
 * SQLite with one writer and a few readers, as a server database would be used: in WAL mode, readers
 * see the last committed state and never wait for a write; every transaction takes the single writer
 * with `BEGIN IMMEDIATE`, so two transactions never interleave on one connection; a statement written
 * outside a transaction takes the writer for itself alone. TypeORM's own SQLite driver shares one
 * connection and its transaction state between all callers.
 */
export class PooledSqliteDriver extends SqliteDriver {
  readonly writerLock = new WriterLock();
  private readers: Sqlite3Database[] = [];
  private nextReader = 0;

  override createQueryRunner(_mode: ReplicationMode): PooledSqliteQueryRunner {
    return new PooledSqliteQueryRunner(this);
  }

  /** The writer is TypeORM's own connection; the readers are opened beside it, read-only. */
  protected override async createDatabaseConnection(): Promise<Sqlite3Database> {
    const writer = (await super.createDatabaseConnection()) as Sqlite3Database;
    await runAll(writer, CONNECTION_PRAGMAS);
    if (this.options.database !== ":memory:") {
      for (let i = 0; i < READERS; i++) this.readers.push(await this.openReader());
    }
    return writer;
  }

  private openReader(): Promise<Sqlite3Database> {
    const sqlite = this.sqlite as { Database: new (file: string, mode: number, callback: (error: Error | null) => void) => Sqlite3Database; OPEN_READONLY: number };
    return new Promise((resolve, reject) => {
      const reader = new sqlite.Database(this.options.database, sqlite.OPEN_READONLY, (error) => {
        if (error) return reject(error);
        runAll(reader, [`PRAGMA busy_timeout = ${this.options.busyTimeout ?? 5000}`, ...CONNECTION_PRAGMAS]).then(() => resolve(reader), reject);
      });
    });
  }

  /** A reading connection, in turn; the writer when there are none (an in-memory database). */
  reader(): Sqlite3Database {
    if (this.readers.length === 0) return this.databaseConnection as Sqlite3Database;
    this.nextReader = (this.nextReader + 1) % this.readers.length;
    return this.readers[this.nextReader];
  }

  override async disconnect(): Promise<void> {
    const readers = this.readers;
    this.readers = [];
    await Promise.all(readers.map((reader) => new Promise<void>((resolve, reject) => reader.close((error) => (error ? reject(error) : resolve())))));
    await super.disconnect();
  }
}

/** Statements that only read, and so may go to a reader outside a transaction. */
const READ_ONLY = /^\s*(SELECT|WITH\b(?![\s\S]*\b(INSERT|UPDATE|DELETE|REPLACE)\b))/i;

/** A query runner of the pooled driver: one per caller, unlike TypeORM's shared one. */
export class PooledSqliteQueryRunner extends SqliteQueryRunner {
  declare driver: PooledSqliteDriver;
  /** Whether this runner holds the writer (from the start of its transaction to its end). */
  private holdsWriter = false;
  /**
   * A savepoint name when this runner's transaction runs inside another one's (a save through the
   * data source's own manager in a transaction's callback): it joins that transaction.
   */
  private joined: string | null = null;

  override connect(): Promise<Sqlite3Database> {
    return Promise.resolve(statementConnection.getStore() ?? (this.driver.databaseConnection as Sqlite3Database));
  }

  override async startTransaction(isolationLevel?: IsolationLevel): Promise<void> {
    if (this.transactionDepth > 0) return super.startTransaction(isolationLevel);
    const box = currentTransaction.getStore();
    if (box?.runner?.holdsWriter && box.runner !== this) {
      // TypeORM's own transaction around a save made in a transaction's callback without its
      // manager: a savepoint of the enclosing transaction, as on a single connection.
      this.joined = `joined_${++joinedTransactions}`;
      return super.startTransaction(isolationLevel);
    }
    // It would wait for the writer that its own enclosing transaction holds.
    if (box?.outer?.runner?.holdsWriter) throw new Error("a transaction was started inside another one: use the enclosing transaction's manager");
    await this.driver.writerLock.acquire();
    this.holdsWriter = true;
    if (box && !box.runner) box.runner = this;
    try {
      await super.startTransaction(isolationLevel);
    } catch (error) {
      await this.giveUpWriter();
      throw error;
    }
  }

  override async commitTransaction(): Promise<void> {
    try {
      await super.commitTransaction();
    } finally {
      if (!this.isTransactionActive) await this.giveUpWriter();
    }
  }

  override async rollbackTransaction(): Promise<void> {
    try {
      await super.rollbackTransaction();
    } finally {
      if (!this.isTransactionActive) await this.giveUpWriter();
    }
  }

  /** The statement a joined runner sends instead of beginning, committing or rolling back. */
  private joinedStatement(query: string): string {
    if (query === "BEGIN TRANSACTION") return `SAVEPOINT ${this.joined}`;
    if (query === "COMMIT") return `RELEASE SAVEPOINT ${this.joined}`;
    if (query === "ROLLBACK") return `ROLLBACK TO SAVEPOINT ${this.joined}`;
    return query;
  }

  override async release(): Promise<void> {
    // A transaction left open (its COMMIT and its ROLLBACK both failed) must not keep the writer.
    if (this.holdsWriter) await this.giveUpWriter(true);
    return super.release();
  }

  // TypeORM's QueryRunner declares query() as Promise<any>; an override must keep that type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override async query(query: string, parameters?: unknown[], useStructuredResult = false): Promise<any> {
    if (this.holdsWriter) {
      const sql = query === "BEGIN TRANSACTION" ? "BEGIN IMMEDIATE TRANSACTION" : query;
      return statementConnection.run(this.driver.databaseConnection as Sqlite3Database, () => super.query(sql, parameters, useStructuredResult));
    }
    // Work inside a transaction's callback that went around its manager joins the transaction, as
    // it did on a single connection; waiting for the writer would wait for ourselves.
    const enclosing = currentTransaction.getStore()?.runner;
    if (this.joined || enclosing?.holdsWriter) {
      const sql = this.joined ? this.joinedStatement(query) : query;
      return statementConnection.run(this.driver.databaseConnection as Sqlite3Database, () => super.query(sql, parameters, useStructuredResult));
    }
    if (READ_ONLY.test(query)) {
      return statementConnection.run(this.driver.reader(), () => super.query(query, parameters, useStructuredResult));
    }
    await this.driver.writerLock.acquire();
    try {
      return await statementConnection.run(this.driver.databaseConnection as Sqlite3Database, () => super.query(query, parameters, useStructuredResult));
    } finally {
      this.driver.writerLock.release();
    }
  }

  private async giveUpWriter(rollback = false): Promise<void> {
    if (!this.holdsWriter) return;
    if (rollback) {
      await new Promise<void>((resolve) => (this.driver.databaseConnection as Sqlite3Database).run("ROLLBACK", () => resolve()));
      this.isTransactionActive = false;
      this.transactionDepth = 0;
    }
    this.holdsWriter = false;
    this.driver.writerLock.release();
  }
}

/**
 * A data source whose SQLite connections are pooled as above. Its transactions also mark the async
 * work of their callback, so that a statement made there outside the transaction's manager joins
 * the transaction instead of waiting for it to end.
 */
export class PooledSqliteDataSource extends DataSource {
  constructor(options: DataSourceOptions) {
    super(options);
    if (options.type !== "sqlite") throw new Error("PooledSqliteDataSource is for SQLite only");
    Object.defineProperty(this, "driver", { value: new PooledSqliteDriver(this), writable: false });
  }

  override transaction<T>(...args: unknown[]): Promise<T> {
    return currentTransaction.run({ outer: currentTransaction.getStore() }, () => (super.transaction as (...a: unknown[]) => Promise<T>).apply(this, args));
  }
}

/** Runs statements one after the other on a raw connection. */
function runAll(connection: Sqlite3Database, statements: string[]): Promise<void> {
  return statements.reduce((previous, sql) => previous.then(() => new Promise<void>((resolve, reject) => connection.run(sql, (error) => (error ? reject(error) : resolve())))), Promise.resolve());
}
