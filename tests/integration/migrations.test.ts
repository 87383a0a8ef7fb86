import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, TestDatabase } from "../helpers/db";
import { TABLES } from "../helpers/tables";

async function sqliteTables(db: TestDatabase): Promise<string[]> {
  const rows: Array<{ name: string }> = await db.dataSource.query(
    // FTS5 keeps its index in shadow tables named after the virtual table.
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('migrations', 'sqlite_sequence') AND name NOT LIKE 'resource\\_search\\_%' ESCAPE '\\' ORDER BY name",
  );
  return rows.map((r) => r.name);
}

describe("migrations on SQLite", () => {
  let db: TestDatabase;
  afterEach(async () => db?.close());

  it("create every table on a fresh database", async () => {
    db = await createTestDatabase();
    expect(await sqliteTables(db)).toEqual(TABLES);
  });

  it("run down to an empty schema and up again", async () => {
    db = await createTestDatabase();
    for (const _ of db.dataSource.migrations) await db.dataSource.undoLastMigration({ transaction: "each" });
    expect(await sqliteTables(db)).toEqual([]);
    await db.dataSource.runMigrations({ transaction: "each" });
    expect(await sqliteTables(db)).toEqual(TABLES);
  });

  it("open the database in WAL mode with a 64 MiB page cache and temporary tables in memory", async () => {
    db = await createTestDatabase();
    const pragma = async (name: string) => Object.values((await db.dataSource.query(`PRAGMA ${name}`))[0])[0];
    expect(await pragma("journal_mode")).toBe("wal");
    expect(await pragma("cache_size")).toBe(-65536);
    expect(await pragma("temp_store")).toBe(2);
  });

  it("leave nothing pending once applied", async () => {
    db = await createTestDatabase();
    expect(await db.dataSource.showMigrations()).toBe(false);
  });

  it("enforce the unique slug of a listing", async () => {
    db = await createTestDatabase();
    await db.dataSource.query("INSERT INTO countries (code, name, is_member) VALUES ('IDN', 'Indonesia', 1)");
    await db.dataSource.query("INSERT INTO organisations (slug, name, kind, verified) VALUES ('a', 'A', 'other', 1)");
    const insert = () => db.dataSource.query("INSERT INTO resources (slug, kind, title, owner_id, version) VALUES ('same', 'course', 'T', 1, 1)");
    await insert();
    await expect(insert()).rejects.toThrow(/UNIQUE/);
  });
});
