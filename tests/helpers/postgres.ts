import type { TestApp, TestAppOptions } from "./app";

/**
 * A PostgreSQL database of its own for one test file, on the server at TEST_POSTGRES_URL, dropped
 * at the end. Entity column types follow the process's database kind (read when an entity is first
 * imported), so a test file on PostgreSQL sets DATABASE_URL with `usePostgres` before it imports
 * anything of the app, and imports the app dynamically.
 */
export const postgresUrl = process.env.TEST_POSTGRES_URL;

export async function usePostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const { Client } = await import("pg");
  const admin = new Client({ connectionString: postgresUrl });
  await admin.connect();
  const name = `rtc_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresUrl as string);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * Runs `use` with a test app on a PostgreSQL database of its own, then closes the app and drops the
 * database. The app is imported once DATABASE_URL is set; `use` imports the rest of the app
 * (factories, entities) dynamically too.
 */
export async function withPostgresApp<T>(options: TestAppOptions, use: (t: TestApp) => Promise<T>): Promise<T> {
  const database = await usePostgres();
  let t: TestApp | undefined;
  try {
    const { createTestApp } = await import("./app");
    t = await createTestApp({ ...options, env: { ...options.env, DATABASE_URL: database.url } });
    return await use(t);
  } finally {
    await t?.close();
    await database.drop();
  }
}
