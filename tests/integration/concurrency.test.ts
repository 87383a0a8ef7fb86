import { describe, expect, it } from "vitest";
import { TestApp, withTestApp } from "../helpers/app";
import { buildOrganisation, buildResource } from "../helpers/factories";

let t: TestApp;
withTestApp({ demo: false }, (app) => (t = app));

describe("saving on SQLite", () => {
  it("commits every one of many listings saved at the same moment, with their outbox rows and audit events", async () => {
    const owner = await buildOrganisation(t);
    const created = await Promise.all(Array.from({ length: 30 }, (_, i) => buildResource(t, { ownerId: owner.id, title: `Parallel course ${i}`, editions: [{ languageTag: "km" }] })));
    // Outbox bookkeeping interleaves with the saves, as the worker's does.
    const rows = await t.services.outbox.due(10);
    await Promise.all([t.services.outbox.fail(rows, "test"), buildResource(t, { ownerId: owner.id, title: "One more" })]);
    const [[{ n: resources }], [{ n: editions }], [{ n: outbox }], [{ n: audit }], [{ n: text }]] = await Promise.all(
      ["resources", "editions", "search_outbox", "audit_events", "resource_search"].map((table) => t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`)),
    );
    expect(created).toHaveLength(30);
    expect(new Set(created.map((r) => r.slug)).size).toBe(30);
    expect([resources, editions, outbox, audit, text]).toEqual([31, 30, 31, 31, 31]);
  });

  it("keeps saves outside a transaction from colliding with transactions", async () => {
    const owner = await buildOrganisation(t);
    // buildOrganisation saves outside any transaction (TypeORM opens one of its own for it).
    const results = await Promise.allSettled([
      ...Array.from({ length: 15 }, (_, i) => buildResource(t, { ownerId: owner.id, title: `Mixed course ${i}` })),
      ...Array.from({ length: 15 }, () => buildOrganisation(t)),
    ]);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const [{ n }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM resources WHERE title LIKE 'Mixed course %'");
    expect(n).toBe(15);
  });

  it("rolls back everything of a listing that fails validation", async () => {
    const before = await t.dataSource.query("SELECT (SELECT COUNT(*) FROM resources) AS r, (SELECT COUNT(*) FROM search_outbox) AS o, (SELECT COUNT(*) FROM audit_events) AS a");
    await expect(buildResource(t, { title: "Bad topics", topicSlugs: ["no-such-topic"] })).rejects.toThrow(/Some values are not valid/);
    const after = await t.dataSource.query("SELECT (SELECT COUNT(*) FROM resources) AS r, (SELECT COUNT(*) FROM search_outbox) AS o, (SELECT COUNT(*) FROM audit_events) AS a");
    expect(after).toEqual(before);
  });
});
