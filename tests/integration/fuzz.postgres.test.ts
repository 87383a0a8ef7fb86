import { describe, it } from "vitest";
import { postgresUrl, withPostgresApp } from "../helpers/postgres";

describe.runIf(Boolean(postgresUrl))("every route on PostgreSQL", () => {
  it("answers fuzzed path parameters, queries and form fields without a 5xx", async () => {
    await withPostgresApp({}, async (t) => {
      const { expectNoServerErrorOnAnyRoute } = await import("../helpers/fuzz-scenario");
      await expectNoServerErrorOnAnyRoute(t, 25);
    });
  }, 300_000);
});
