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
