import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TYPEORM_VERSIONS } from "../../src/db/sqlite-pool";
import { createTestDatabase, TestDatabase } from "../helpers/db";

const require = createRequire(__filename);

let db: TestDatabase;
const names = async (): Promise<string[]> => ((await db.dataSource.query("SELECT name FROM pool_probe ORDER BY name")) as Array<{ name: string }>).map((r) => r.name);
const insert = (manager: { query: (sql: string, p: unknown[]) => Promise<unknown> }, name: string) => manager.query("INSERT INTO pool_probe (name) VALUES (?)", [name]);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.query("CREATE TABLE pool_probe (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
});
afterAll(async () => db.close());

describe("the pooled SQLite driver", () => {
  it("is used with a TypeORM version it was written and tested for", () => {
    // It extends TypeORM's SQLite driver and query runner: an upgrade must be checked against it.
    const manifest = path.join(path.dirname(require.resolve("typeorm")), "package.json");
    const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
    expect(version).toMatch(TYPEORM_VERSIONS);
  });

  it("runs transactions one after the other, and a rollback never takes away a write made beside it", async () => {
    await db.dataSource.query("DELETE FROM pool_probe");
    const failing = db.dataSource
      .transaction(async (manager) => {
        await insert(manager, "rolled back");
        await pause(100);
        throw new Error("give up");
      })
      .catch((error: Error) => error.message);
    await pause(10);
    // Outside any transaction, and in another transaction, while the first one is open.
    const beside = insert(db.dataSource, "written beside");
    const other = db.dataSource.transaction((manager) => insert(manager, "committed"));
    expect(await failing).toBe("give up");
    await Promise.all([beside, other]);
    expect(await names()).toEqual(["committed", "written beside"]);
  });

  it("answers reads while a transaction holds the writer, from the last committed state", async () => {
    await db.dataSource.query("DELETE FROM pool_probe");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside!: () => void;
    const started = new Promise<void>((resolve) => (inside = resolve));
    const open = db.dataSource.transaction(async (manager) => {
      await insert(manager, "not yet committed");
      inside();
      await held;
    });
    await started;
    const read = await Promise.race([names(), pause(3000).then(() => "blocked")]);
    expect(read).toEqual([]);
    release();
    await open;
    expect(await names()).toEqual(["not yet committed"]);
  });

  it("takes the write lock when a transaction begins (BEGIN IMMEDIATE), so another process waits rather than fails halfway", async () => {
    const sqlite3 = require("sqlite3") as typeof import("sqlite3");
    const file = path.join(db.dataDir, "catalogue.sqlite");
    const other = await new Promise<import("sqlite3").Database>((resolve, reject) => {
      const connection = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(connection)));
    });
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inside!: () => void;
      const started = new Promise<void>((resolve) => (inside = resolve));
      const open = db.dataSource.transaction(async () => {
        inside();
        await held;
      });
      await started;
      const answer = await new Promise<string>((resolve) => other.run("BEGIN IMMEDIATE", (error) => resolve(error ? String((error as { code?: string }).code) : "began")));
      release();
      await open;
      expect(answer).toBe("SQLITE_BUSY");
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it("lets work inside a transaction that goes around its manager join it, instead of waiting for it", async () => {
    await db.dataSource.query("DELETE FROM pool_probe");
    const outcome = await Promise.race([
      db.dataSource
        .transaction(async () => {
          await insert(db.dataSource, "joined");
          throw new Error("roll back");
        })
        .catch((error: Error) => error.message),
      pause(5000).then(() => "waited for itself"),
    ]);
    expect(outcome).toBe("roll back");
    expect(await names()).toEqual([]);
  });

  it("lets a save through the data source's own manager inside a transaction join it, and roll back with it", async () => {
    const { AuditEvent } = await import("../../src/modules/audit/audit-event.entity");
    const before = await db.dataSource.getRepository(AuditEvent).count();
    const outcome = await Promise.race([
      db.dataSource
        .transaction(async () => {
          await db.dataSource.getRepository(AuditEvent).save({ action: "probe.joined", entityType: "probe", entityId: "1", organisationId: null, actorId: null, actorLabel: "test", changes: {} });
          expect(await db.dataSource.getRepository(AuditEvent).count()).toBe(before + 1);
          throw new Error("roll back");
        })
        .catch((error: Error) => error.message),
      pause(5000).then(() => "waited for itself"),
    ]);
    expect(outcome).toBe("roll back");
    expect(await db.dataSource.getRepository(AuditEvent).count()).toBe(before);
  });

  it("refuses a transaction started inside another one, rather than waiting for ever", async () => {
    const outcome = await Promise.race([
      db.dataSource.transaction(() => db.dataSource.transaction(async () => "inner")).catch((error: Error) => error.message),
      pause(5000).then(() => "waited for itself"),
    ]);
    expect(outcome).toMatch(/inside another one/);
  });

  it("stays usable after a failed statement, in a transaction and outside", async () => {
    await db.dataSource.query("DELETE FROM pool_probe");
    await insert(db.dataSource, "once");
    await expect(insert(db.dataSource, "once")).rejects.toThrow(/UNIQUE/);
    await expect(db.dataSource.transaction((manager) => insert(manager, "once"))).rejects.toThrow(/UNIQUE/);
    await db.dataSource.transaction((manager) => insert(manager, "twice"));
    expect(await names()).toEqual(["once", "twice"]);
  });

  it("commits every one of many concurrent transactions and statements", async () => {
    await db.dataSource.query("DELETE FROM pool_probe");
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 ? db.dataSource.transaction((manager) => insert(manager, `t${String(i).padStart(2, "0")}`)) : insert(db.dataSource, `s${String(i).padStart(2, "0")}`),
      ),
    );
    expect((await names()).length).toBe(60);
  });
});
