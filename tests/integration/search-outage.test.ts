import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TestApp } from "../helpers/app";
import { buildResource } from "../helpers/factories";
import { OwnSearchServer, startOwnSearchServer } from "../helpers/search-server";

/** This file stops and crashes a Meilisearch server of its own, so that other test files are not disturbed. */
let searchServer: OwnSearchServer;
let t: TestApp;

beforeAll(async () => {
  searchServer = await startOwnSearchServer("rtc-outage-", "outage-test-master-key-0123456789");
  t = await createTestApp({ search: searchServer.search });
  await t.settle();
});

afterAll(async () => {
  await t?.close();
  await searchServer?.remove();
});

/** Every document id in the index equals every published listing id, and each title matches. */
async function expectIndexEqualsDatabase(): Promise<void> {
  const engine = t.services.engine!;
  const published: Array<{ id: number; title: string }> = await t.dataSource.query("SELECT id, title FROM resources WHERE status = 'published' ORDER BY id");
  const indexed = (await engine.documentIds(t.indexUid)).sort((a, b) => a - b);
  expect(indexed).toEqual(published.map((r) => r.id));
  for (const row of published) expect((await engine.getDocument(t.indexUid, row.id))?.card).toMatchObject({ title: row.title });
}

describe("when Meilisearch is down", () => {
  it("answers from the database, says so, keeps every change, and catches up once it is back", async () => {
    await expectIndexEqualsDatabase();
    await searchServer.server.stop();

    const page = await request(t.app).get("/catalogue?q=victims&topic=protection-and-asylum").expect(200);
    expect(page.text).toContain("Search is running in a reduced mode");
    expect(page.text).toContain('href="/resources/qrg-interviewing-victims-of-trafficking"');
    const api = await request(t.app).get("/api/v1/search?q=interviewing&language=km").expect(200);
    expect(api.body.degraded).toBe(true);
    expect(api.body.hits.map((h: { slug: string }) => h.slug)).toEqual(["qrg-interviewing-victims-of-trafficking"]);
    expect(api.body.facets.languages.find((f: { value: string }) => f.value === "km")).toMatchObject({ count: 1, selected: true });

    // Changes saved meanwhile are kept in the outbox and found by the database search at once.
    const added = await buildResource(t, { title: "Outage-proof maritime course" });
    const draft = await buildResource(t, { title: "Outage draft", status: "draft" });
    const during = await request(t.app).get("/api/v1/search?q=outage").expect(200);
    expect(during.body.hits.map((h: { slug: string }) => h.slug)).toEqual([added.slug]);
    await new Promise((r) => setTimeout(r, 700));
    const ready = await request(t.app).get("/readyz").expect(200);
    expect(ready.body.checks.search).toMatchObject({ engine: "unavailable", mode: "database" });
    expect(ready.body.checks.search.outbox.pending).toBeGreaterThan(0);

    await searchServer.server.start();
    await t.settle(60_000);
    await expectIndexEqualsDatabase();
    expect(await t.services.engine!.getDocument(t.indexUid, draft.id)).toBeNull();
    const after = await request(t.app).get("/api/v1/search?q=outage").expect(200);
    expect(after.body.degraded).toBe(false);
    expect(after.body.hits.map((h: { slug: string }) => h.slug)).toEqual([added.slug]);
  });

  it("is restarted by its supervisor when it crashes", async () => {
    searchServer.server.crash();
    const deadline = Date.now() + 20_000;
    let healthy = false;
    await new Promise((r) => setTimeout(r, 200));
    while (!healthy && Date.now() < deadline) {
      healthy = await t.services.engine!.healthy();
      if (!healthy) await new Promise((r) => setTimeout(r, 200));
    }
    expect(healthy).toBe(true);
    const res = await request(t.app).get("/api/v1/search?q=guide").expect(200);
    expect(res.body.degraded).toBe(false);
  });
});
