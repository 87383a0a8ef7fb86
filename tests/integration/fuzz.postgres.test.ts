import { describe, it } from "vitest";
import { postgresUrl, usePostgres } from "../helpers/postgres";

describe.runIf(Boolean(postgresUrl))("every route on PostgreSQL", () => {
  it("answers fuzzed path parameters, queries and form fields without a 5xx", async () => {
    const database = await usePostgres();
    const { createTestApp } = await import("../helpers/app");
    const { expectNoServerErrorOnAnyRoute } = await import("../helpers/fuzz-scenario");
    const t = await createTestApp({ env: { DATABASE_URL: database.url } });
    try {
      await expectNoServerErrorOnAnyRoute(t, 25);
    } finally {
      await t.close();
      await database.drop();
    }
  }, 300_000);
});
