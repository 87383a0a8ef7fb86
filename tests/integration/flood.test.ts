import { describe, it } from "vitest";
import { createTestApp } from "../helpers/app";
import { expectTheSiteHeld, signInFlood } from "../helpers/flood";

describe("a sign-in flood on SQLite", () => {
  it("keeps the site answering, loses no save, checks no more passwords than the limit, and locks out nobody else", async () => {
    const t = await createTestApp({ search: true, env: { TRUST_PROXY: "true" } });
    try {
      expectTheSiteHeld(await signInFlood(t, { seconds: 30, connections: 50 }));
    } finally {
      await t.close();
    }
  }, 120_000);
});
