import { describe, it } from "vitest";
import { createTestApp } from "../helpers/app";
import { expectNoServerErrorOnAnyRoute } from "../helpers/fuzz-scenario";

describe("every route on SQLite", () => {
  it("answers fuzzed path parameters, queries and form fields without a 5xx", async () => {
    const t = await createTestApp();
    try {
      await expectNoServerErrorOnAnyRoute(t, 25);
    } finally {
      await t.close();
    }
  }, 300_000);
});
