import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { Edition } from "../../src/modules/catalogue/edition.entity";
import { LinkCheck } from "../../src/modules/links/link-check.entity";
import { checkLink, fetchableAddress } from "../../src/modules/links/link-checker";
import { scheduledJobs } from "../../src/modules/jobs/jobs";
import { Scheduler } from "../../src/modules/jobs/scheduler";
import { Organisation } from "../../src/modules/organisations/organisation.entity";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation, buildResource } from "../helpers/factories";
import { startLinkTarget } from "../helpers/link-target";
import { runEntry } from "../helpers/process";
import { signedIn } from "../helpers/sessions";

const loopback = { timeoutMs: 600, allowLoopback: true };

describe("the link checker", () => {
  let target: Awaited<ReturnType<typeof startLinkTarget>>;
  beforeAll(async () => {
    target = await startLinkTarget();
  });
  afterAll(() => target.close());
  const check = (path: string) => checkLink(`${target.origin}${path}`, loopback);

  it("passes 200, and 301 → 200 (saying where it ended), and GET when HEAD is refused", async () => {
    expect(await check("/ok")).toMatchObject({ ok: true, statusCode: 200, error: null, finalUrl: null });
    expect(await check("/moved")).toMatchObject({ ok: true, statusCode: 200, finalUrl: `${target.origin}/ok` });
    expect(await check("/head-refused")).toMatchObject({ ok: true, statusCode: 200 });
    expect(await check("/chain-4")).toMatchObject({ ok: true, statusCode: 200 });
  });

  it("records 404, 500, a slow answer, a reset connection, a redirect loop and too many redirects as failures", async () => {
    expect(await check("/missing")).toMatchObject({ ok: false, statusCode: 404, error: "http-status" });
    expect(await check("/broken")).toMatchObject({ ok: false, statusCode: 500, error: "http-status" });
    const slow = await check("/slow");
    expect(slow).toMatchObject({ ok: false, statusCode: null, error: "timeout" });
    // One timeout, not one per method.
    expect(slow.ms).toBeLessThan(2 * loopback.timeoutMs);
    expect(await check("/reset")).toMatchObject({ ok: false, error: "reset" });
    expect(await check("/loop-a")).toMatchObject({ ok: false, error: "redirect-loop" });
    expect(await check("/chain-5")).toMatchObject({ ok: false, error: "too-many-redirects" });
  });

  it("reads only the start of an endless body, then closes the connection", async () => {
    const result = await check("/endless");
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    const get = target.seen.filter((s) => s.path === "/endless" && s.method === "GET").at(-1)!;
    await new Promise((r) => setTimeout(r, 100));
    expect(get.end).not.toBeNull();
    expect(get.written).toBeLessThan(50 * 1024 * 1024);
  });

  it("never fetches private, loopback, link-local or non-http(s) targets, nor a redirect to one", async () => {
    const seenBefore = target.seen.length;
    const strict = { timeoutMs: 600, allowLoopback: false };
    for (const address of [
      `${target.origin}/ok`,
      `http://localhost:${new URL(target.origin).port}/ok`,
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://10.0.0.1/",
      "http://192.168.1.1/",
      "http://172.16.0.1/",
      "http://169.254.169.254/latest/meta-data/",
      "http://100.64.0.1/",
      "http://0.0.0.0/",
      "http://[fe80::1]/",
      "http://[fd00::1]/",
    ]) {
      expect(await checkLink(address, strict), address).toMatchObject({ ok: false, error: "private-address" });
    }
    expect(target.seen.length).toBe(seenBefore);
    for (const address of ["ftp://example.org/file", "file:///etc/passwd", "javascript:alert(1)", "gopher://example.org/"])
      expect(await checkLink(address, strict), address).toMatchObject({ ok: false, error: "not-http" });
    expect(await checkLink("not a url", strict)).toMatchObject({ ok: false, error: "bad-url" });
    // Loopback allowed (tests) still refuses a redirect to a private network.
    expect(await check("/to-private")).toMatchObject({ ok: false, error: "private-address", finalUrl: "http://10.1.2.3/inside" });
    expect(fetchableAddress("8.8.8.8", false)).toBe(true);
    expect(fetchableAddress("127.0.0.1", true)).toBe(true);
    expect(fetchableAddress("10.0.0.1", true)).toBe(false);
    // Special-purpose ranges, whatever the installed ipaddr.js calls them.
    for (const address of ["198.18.0.1", "198.19.255.254", "::ffff:198.18.0.1", "fec0::1", "64:ff9b:1::1", "100::1", "2001:10::1", "2001:20::1"])
      expect(fetchableAddress(address, false), address).toBe(false);
    expect(fetchableAddress("2606:4700:4700::1111", false)).toBe(true);
  });
});

describe("link checks of the catalogue", () => {
  let t: TestApp;
  let target: Awaited<ReturnType<typeof startLinkTarget>>;
  beforeAll(async () => {
    target = await startLinkTarget();
    t = await createTestApp({ demo: false, env: { LINK_CHECK_ALLOW_LOOPBACK: "true", LINK_CHECK_TIMEOUT_MS: "600", LINK_CHECK_PAUSE_MS: "30" } });
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });

  it("checks every listing, edition and organisation address one request at a time, keeps the history, and warns after two failures in a row", async () => {
    const org = await buildOrganisation(t, { name: "Link Owner Agency", website: `${target.origin}/broken` });
    const broken = await buildResource(t, { ownerId: org.id, title: "Listing with a missing page", url: `${target.origin}/missing` });
    const fine = await buildResource(t, { ownerId: org.id, title: "Listing with a fine page", url: `${target.origin}/moved` });
    await t.dataSource.getRepository(Edition).insert({ resourceId: fine.id, languageTag: "km", title: null, url: `${target.origin}/reset`, format: null });
    const archived = await buildResource(t, { ownerId: org.id, title: "Archived listing", url: `${target.origin}/slow` });
    await t.services.editor.setStatus(archived.id, archived.version, "archive", SYSTEM_ACTOR);

    // First run, through the scheduled job.
    const job = scheduledJobs(t.services, t.config).find((j) => j.name === "link-check")!;
    await t.services.jobRuns.ensure(job.name, null);
    const from = target.seen.length;
    expect(await new Scheduler(t.services.jobRuns, [], pino({ level: "silent" })).runSlot(job, new Date())).toBe(true);
    expect((await t.services.jobRuns.find(job.name))?.lastSummary).toMatch(/^4 addresses of 4 listings, editions and organisations checked; 3 failed/);
    // One request at a time to the host, with a pause between addresses; the archived listing not at all.
    const requests = target.seen.slice(from);
    for (let i = 1; i < requests.length; i++) expect(requests[i].start, `${requests[i].path} after ${requests[i - 1].path}`).toBeGreaterThanOrEqual(requests[i - 1].end ?? Infinity);
    expect(requests.some((r) => r.path === "/slow")).toBe(false);

    // One failure is no warning yet.
    const editor = await signedIn(t, { email: "editor@links.example", organisationId: org.id, role: "editor" });
    expect((await request(t.app).get(`/resources/${broken.slug}`).expect(200)).text).not.toContain("data-unreachable");
    expect((await editor.agent.get("/workspace").expect(200)).text).not.toContain("could not be reached");

    // Second run, with the command.
    const cli = runEntry("src/cli/links-check.ts", {
      DATA_DIR: t.dataDir,
      NODE_ENV: "test",
      SESSION_SECRET: "test-secret-that-is-long-enough-for-the-schema",
      LINK_CHECK_ALLOW_LOOPBACK: "true",
      LINK_CHECK_TIMEOUT_MS: "600",
      LINK_CHECK_PAUSE_MS: "10",
    });
    expect(await cli.exited, cli.output()).toBe(0);
    expect(cli.output()).toMatch(/checking: 4\/4 addresses \(100%\)/);
    expect(cli.output()).toContain("failing twice in a row (3):");
    expect(cli.output()).toContain(`resource ${broken.id} ${target.origin}/missing: HTTP 404`);

    const history = await t.dataSource.getRepository(LinkCheck).find({ where: { targetType: "resource", targetId: broken.id }, order: { id: "ASC" } });
    expect(history.map((h) => [h.ok, h.statusCode, h.error])).toEqual([
      [false, 404, "http-status"],
      [false, 404, "http-status"],
    ]);
    const good = await t.services.links.history("resource", fine.id);
    expect(good.map((h) => [h.ok, h.finalUrl])).toEqual([
      [true, `${target.origin}/ok`],
      [true, `${target.origin}/ok`],
    ]);

    // The public page, the owner's dashboard and the curators' report say so.
    const page = (await request(t.app).get(`/resources/${broken.slug}`).expect(200)).text;
    expect(page).toMatch(/data-unreachable>could not be reached on [^<]*\d{4}/);
    const finePage = (await request(t.app).get(`/resources/${fine.slug}`).expect(200)).text;
    expect((finePage.match(/data-unreachable/g) ?? []).length).toBe(1); // the Khmer edition's link
    const dashboard = (await editor.agent.get("/workspace").expect(200)).text;
    expect(dashboard).toContain("3 links could not be reached");
    expect(dashboard).toContain(`${target.origin}/missing`);
    const own = (await editor.agent.get("/workspace/links").expect(200)).text;
    expect(own).toContain("the server answered HTTP 404");
    expect(own).toContain("the connection was cut");
    const curator = await signedIn(t, { email: "curator@links.example", siteRole: "curator" });
    const report = (await curator.agent.get("/workspace/links").expect(200)).text;
    expect(report).toContain("Link Owner Agency: 3 links");
    expect(report).toContain("the server answered HTTP 500");
    expect(report).toContain("<code>link-check</code>");
    await request(t.app).get("/workspace/links").expect(303);

    // A corrected address starts a new history: no warning until it fails twice.
    await t.dataSource.getRepository(Organisation).update({ id: org.id }, { website: `${target.origin}/ok` });
    expect((await t.services.links.failing(org.id)).map((f) => f.type).sort()).toEqual(["edition", "resource"]);
  }, 60_000);
});
