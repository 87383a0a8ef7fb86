import { describe, it } from "vitest";
import { postgresUrl, usePostgres } from "../helpers/postgres";

describe.runIf(Boolean(postgresUrl))("a sign-in flood on PostgreSQL", () => {
  it("keeps the site answering, loses no save, checks no more passwords than the limit, and locks out nobody else", async () => {
    const database = await usePostgres();
    const { createTestApp } = await import("../helpers/app");
    const { expectTheSiteHeld, signInFlood } = await import("../helpers/flood");
    const t = await createTestApp({ search: true, env: { TRUST_PROXY: "true", DATABASE_URL: database.url } });
    try {
      expectTheSiteHeld(await signInFlood(t, { seconds: 30, connections: 50 }));
    } finally {
      await t.close();
      await database.drop();
    }
  }, 120_000);
});
