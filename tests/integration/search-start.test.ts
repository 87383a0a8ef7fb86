import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TestApp } from "../helpers/app";

/**
 * A fresh start: the index is empty and the worker has yet to build it. Search must not answer
 * "no listings" from the empty index, and the app must not say it is ready.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ search: true, worker: false });
});
afterAll(async () => t?.close());

describe("search right after a fresh start", () => {
  it("answers from the database and says so, and is not ready, until the index has caught up", async () => {
    const published = Number((await t.dataSource.query("SELECT COUNT(*) AS n FROM resources WHERE status = 'published' AND visibility = 'public'"))[0].n);
    expect(published).toBeGreaterThan(0);
    // The engine is up and its index made but empty (as while a rebuild fills it); the outbox holds the whole catalogue.
    expect(await t.services.engine!.healthy()).toBe(true);
    await t.services.indexer!.prepare();
    expect(await t.services.indexer!.count()).toBe(0);
    const before = await request(t.app).get("/api/v1/search").expect(200);
    expect(before.body.total).toBe(published);
    expect(before.body.degraded).toBe(true);
    const word = await request(t.app).get("/api/v1/search?q=trafficking").expect(200);
    expect(word.body.total).toBeGreaterThan(0);
    expect(word.body.degraded).toBe(true);
    const page = await request(t.app).get("/catalogue?q=trafficking").expect(200);
    expect(page.text).toContain('class="notice" role="status"');
    const notReady = await request(t.app).get("/readyz").expect(503);
    expect(notReady.body).toMatchObject({ status: "starting", checks: { database: "ok", search: { engine: "ok", mode: "database", index: "building" } } });

    t.services.worker!.start();
    await t.settle();
    await expect.poll(async () => (await request(t.app).get("/readyz")).status, { timeout: 20_000 }).toBe(200);
    const ready = await request(t.app).get("/readyz").expect(200);
    expect(ready.body.checks.search).toMatchObject({ engine: "ok", mode: "engine" });
    expect(ready.body.checks.search.index).toBeUndefined();
    const after = await request(t.app).get("/api/v1/search").expect(200);
    expect(after.body).toMatchObject({ total: published, degraded: false });
  });
});
