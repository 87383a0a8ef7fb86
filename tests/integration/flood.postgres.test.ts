import { describe, it } from "vitest";
import { postgresUrl, withPostgresApp } from "../helpers/postgres";

describe.runIf(Boolean(postgresUrl))("a sign-in flood on PostgreSQL", () => {
  it("keeps the site answering, loses no save, checks no more passwords than the limit, and locks out nobody else", async () => {
    await withPostgresApp({ search: true, env: { TRUST_PROXY: "true" } }, async (t) => {
      const { expectTheSiteHeld, signInFlood } = await import("../helpers/flood");
      expectTheSiteHeld(await signInFlood(t, { seconds: 30, connections: 50 }));
    });
  }, 120_000);
});
