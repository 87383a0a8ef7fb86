import pino from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { User } from "../../src/modules/accounts/user.entity";
import { confirmationCutoff } from "../../src/modules/catalogue/listing-rules";
import { Resource } from "../../src/modules/catalogue/resource.entity";
import { AuditEvent } from "../../src/modules/audit/audit-event.entity";
import { scheduledJobs } from "../../src/modules/jobs/jobs";
import { Scheduler } from "../../src/modules/jobs/scheduler";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation, buildResource } from "../helpers/factories";
import { csrfTokenIn, signedIn } from "../helpers/sessions";
import { startSmtp, TestSmtp } from "../helpers/smtp";

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
const confirmedDaysAgo = (t: TestApp, id: number, days: number) => t.dataSource.getRepository(Resource).update({ id }, { lastConfirmedAt: daysAgo(days) });
/** A new listing of `ownerId`, last confirmed `days` ago. */
async function listingConfirmedDaysAgo(t: TestApp, ownerId: number, title: string, days: number): Promise<Resource> {
  const listing = await buildResource(t, { ownerId, title });
  await confirmedDaysAgo(t, listing.id, days);
  return listing;
}
const linksIn = (text: string) => [...text.matchAll(/https?:\/\/\S+\/confirm\/(\S+)/g)].map((m) => `/confirm/${m[1]}`);

describe("owners re-confirm their listings", () => {
  let t: TestApp;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ demo: false, mail: true, env: { SMTP_URL: smtp.url }, services: { mail: { idleMs: 50 } } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it("shows what is due within 30 days and what is past due on the dashboard, and confirms from there", async () => {
    const org = await buildOrganisation(t, { name: "Dashboard Agency" });
    const overdue = await listingConfirmedDaysAgo(t, org.id, "Overdue handbook", 400);
    await listingConfirmedDaysAgo(t, org.id, "Due soon course", 350);
    await listingConfirmedDaysAgo(t, org.id, "Lately confirmed toolkit", 10);
    const editor = await signedIn(t, { email: "editor@dashboard.example", organisationId: org.id, role: "editor" });
    const page = (await editor.agent.get("/workspace").expect(200)).text;
    const section = /<section class="due"[\s\S]*?<\/section>/.exec(page)?.[0] ?? "";
    expect(section).toContain("2 listings to confirm");
    expect(section).toMatch(/Overdue handbook<\/a>:\s*not confirmed since/);
    expect(section).toMatch(/Due soon course<\/a>:\s*due on/);
    expect(section).not.toContain("Lately confirmed toolkit");
    // The dashboard's button confirms the overdue one.
    const version = (await t.dataSource.getRepository(Resource).findOneByOrFail({ id: overdue.id })).version;
    await editor.agent
      .post(`/workspace/listings/${overdue.id}/status`)
      .type("form")
      .send({ _csrf: csrfTokenIn(page), version: String(version), action: "confirm" })
      .expect(303);
    const after = (await editor.agent.get("/workspace").expect(200)).text;
    expect(/<section class="due"[\s\S]*?<\/section>/.exec(after)?.[0]).toContain("1 listing to confirm");
    expect(after).not.toMatch(/Overdue handbook<\/a>:\s*not confirmed/);
  });

  it("mails each organisation's people a weekly digest with a one-click link per listing due, each in their language", async () => {
    const org = await buildOrganisation(t, { name: "Digest Agency" });
    const nobody = await buildOrganisation(t, { name: "Agency Nobody Joined" });
    const due = await listingConfirmedDaysAgo(t, org.id, "Digest course due", 380);
    await listingConfirmedDaysAgo(t, org.id, "Digest course fresh", 30);
    await listingConfirmedDaysAgo(t, nobody.id, "Course of an agency nobody joined", 380);
    await signedIn(t, { email: "admin@digest.example", organisationId: org.id, role: "admin" });
    await signedIn(t, { email: "thai@digest.example", organisationId: org.id, role: "editor" });
    await t.dataSource.getRepository(User).update({ email: "thai@digest.example" }, { language: "th" });

    // Through the scheduled job, as the server runs it.
    const job = scheduledJobs(t.services, t.config).find((j) => j.name === "confirmation-digest")!;
    await t.services.jobRuns.ensure(job.name, null);
    expect(await new Scheduler(t.services.jobRuns, [], pino({ level: "silent" })).runSlot(job, new Date())).toBe(true);
    const run = await t.services.jobRuns.find(job.name);
    expect(run).toMatchObject({ lastOutcome: "ok" });
    expect(run?.lastSummary).toMatch(/^\d+ listings due; \d+ digests to \d+ organisations; [1-9]\d* organisations with nobody signed up$/);

    const [english] = await waitForMail(smtp, "admin@digest.example");
    const [thai] = await waitForMail(smtp, "thai@digest.example");
    expect(english.subject).toBe("1 listing of Digest Agency to confirm");
    expect(english.text).toContain("Digest course due");
    expect(english.text).toContain("not confirmed since");
    expect(english.text).not.toContain("Digest course fresh");
    // Dates in the reader's calendar: the Buddhist era in Thai.
    const dueYear = daysAgo(380).getUTCFullYear();
    expect(thai.text).toContain(String(dueYear + 543));
    expect(english.text).toContain(String(dueYear));
    // Each person gets links of their own.
    expect(linksIn(english.text ?? "")).toHaveLength(1);
    expect(linksIn(thai.text ?? "")[0]).not.toBe(linksIn(english.text ?? "")[0]);
    expect(smtp.messages.some((m) => m.text?.includes("Course of an agency nobody joined"))).toBe(false);

    // Opening the link changes nothing (mail scanners open links); the button confirms, once.
    const link = linksIn(english.text ?? "")[0];
    const agent = request.agent(t.app);
    const opened = await agent.get(link);
    expect(opened.status, `${link} ${opened.text.slice(0, 3000)}`).toBe(200);
    expect(opened.text).toContain("Confirm this listing");
    expect(opened.text).toContain("Digest course due");
    const before = await t.dataSource.getRepository(Resource).findOneByOrFail({ id: due.id });
    expect(before.lastConfirmedAt!.getTime()).toBeLessThan(daysAgo(379).getTime());
    const confirmed = await agent
      .post(link)
      .type("form")
      .send({ _csrf: csrfTokenIn(opened.text) });
    expect(confirmed.status, confirmed.text.replace(/[\s\S]*<main/, "").slice(0, 1500)).toBe(200);
    expect(confirmed.text).toContain("Listing confirmed");
    const after = await t.dataSource.getRepository(Resource).findOneByOrFail({ id: due.id });
    expect(after.lastConfirmedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(after.version).toBe(before.version + 1);
    const event = await t.dataSource.getRepository(AuditEvent).findOneOrFail({ where: { action: "resource.confirmed", entityId: String(due.id) as never }, order: { id: "DESC" } });
    expect(event.actorLabel).toBe("admin@digest.example (confirm link)");

    // Used: again, or the other person's link of the same digest.
    const again = await agent
      .post(link)
      .type("form")
      .send({ _csrf: csrfTokenIn(opened.text) })
      .expect(410);
    expect(again.text).toContain("This link was used already");
    const other = await request(t.app)
      .get(linksIn(thai.text ?? "")[0])
      .expect(410);
    expect(other.text).toContain("This link was used already");
    expect((await t.dataSource.getRepository(Resource).findOneByOrFail({ id: due.id })).version).toBe(after.version);
  });

  it("refuses an expired, altered, unknown or no longer permitted link with a page that says so, and changes nothing", async () => {
    const org = await buildOrganisation(t);
    const listing = await listingConfirmedDaysAgo(t, org.id, "Link probe course", 400);
    await signedIn(t, { email: "probe@links.example", organisationId: org.id, role: "editor" });
    const person = await t.dataSource.getRepository(User).findOneByOrFail({ email: "probe@links.example" });
    const expired = t.services.confirmLinks.make(listing.id, person.id, daysAgo(15));
    const page = await request(t.app).get(`/confirm/${expired}`).expect(410);
    expect(page.text).toContain("This link has expired");
    await request(t.app).post(`/confirm/${expired}`).type("form").send({}).expect(403);

    const good = t.services.confirmLinks.make(listing.id, person.id);
    const altered = good.replace(/^[0-9a-z]+/, (id) => (parseInt(id, 36) + 1).toString(36));
    expect((await request(t.app).get(`/confirm/${altered}`).expect(404)).text).toContain("This link does not work");
    expect((await request(t.app).get("/confirm/not-a-link").expect(404)).text).toContain("This link does not work");
    expect((await request(t.app).get(`/confirm/${"x".repeat(5000)}`)).status).toBeLessThan(500);

    // Someone who left the organisation: their link no longer confirms.
    await t.dataSource.getRepository(User).update({ id: person.id }, { organisationId: null, organisationRole: null });
    expect((await request(t.app).get(`/confirm/${good}`).expect(404)).text).toContain("This link does not work");
    await t.dataSource.getRepository(User).update({ id: person.id }, { organisationId: org.id, organisationRole: "editor" });

    // An archived listing needs no confirmation.
    await t.dataSource.getRepository(Resource).update({ id: listing.id }, { status: "archived" });
    expect((await request(t.app).get(`/confirm/${good}`).expect(409)).text).toContain("This listing is archived");
    expect((await t.dataSource.getRepository(Resource).findOneByOrFail({ id: listing.id })).lastConfirmedAt!.getTime()).toBeLessThan(daysAgo(399).getTime());
  });

  it("says on the listing page and the result card when a listing was not confirmed for a year, and the filter leaves it out", async () => {
    const org = await buildOrganisation(t);
    const stale = await listingConfirmedDaysAgo(t, org.id, "Frontier interviewing stale guide", 500);
    const fresh = await listingConfirmedDaysAgo(t, org.id, "Frontier interviewing fresh guide", 5);
    const stalePage = (await request(t.app).get(`/resources/${stale.slug}`).expect(200)).text;
    expect(stalePage).toMatch(/data-not-confirmed>Not confirmed by its owner since [^<]*\d{4}/);
    expect((await request(t.app).get(`/resources/${fresh.slug}`).expect(200)).text).not.toContain("data-not-confirmed");

    // The database answers here (no engine): cards, the filter, and the order.
    const results = (await request(t.app).get("/catalogue?q=frontier+interviewing").expect(200)).text;
    expect(results).toMatch(/stale guide[\s\S]*?class="card-stale">Not confirmed since/);
    expect(results.indexOf("fresh guide")).toBeLessThan(results.indexOf("stale guide"));
    const filtered = (await request(t.app).get("/catalogue?q=frontier+interviewing&confirmed=true").expect(200)).text;
    expect(filtered).toContain("fresh guide");
    expect(filtered).not.toContain("stale guide");
    const api = (await request(t.app).get("/api/v1/search?q=frontier+interviewing").expect(200)).body as { hits: Array<{ slug: string; notConfirmedSince: string | null }> };
    expect(api.hits.find((h) => h.slug === stale.slug)?.notConfirmedSince).toBe(daysAgo(500).toISOString().slice(0, 10) + api.hits.find((h) => h.slug === stale.slug)!.notConfirmedSince!.slice(10));
    expect(api.hits.find((h) => h.slug === fresh.slug)?.notConfirmedSince).toBeNull();
    await request(t.app).get("/catalogue?confirmed=maybe").expect(400);
  });
});

describe("the search engine and confirmation", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ demo: false, search: true });
  });
  afterAll(() => t.close());

  it("filters on confirmation within a year, ranks a stale listing after an equal fresh one, and marks its card", async () => {
    const org = await buildOrganisation(t);
    const stale = await buildResource(t, { ownerId: org.id, title: "Maritime rescue drills", summary: "Practice at sea" });
    const fresh = await buildResource(t, { ownerId: org.id, title: "Maritime rescue drills", summary: "Practice at sea" });
    // Through the catalogue's own write path, so that the index hears of it.
    await t.dataSource.getRepository(Resource).update({ id: stale.id }, { lastConfirmedAt: daysAgo(500), publishedAt: daysAgo(600) });
    await t.services.outbox.enqueue(t.dataSource.manager, "resource", stale.id);
    t.services.outbox.notify();
    await t.settle();
    const all = (await request(t.app).get("/api/v1/search?q=maritime+rescue").expect(200)).body as { degraded: boolean; hits: Array<{ slug: string; notConfirmedSince: string | null }> };
    expect(all.degraded).toBe(false);
    expect(all.hits.map((h) => h.slug)).toEqual([fresh.slug, stale.slug]);
    expect(all.hits[1].notConfirmedSince).not.toBeNull();
    expect(all.hits[0].notConfirmedSince).toBeNull();
    const filtered = (await request(t.app).get("/api/v1/search?q=maritime+rescue&confirmed=true").expect(200)).body as { hits: Array<{ slug: string }> };
    expect(filtered.hits.map((h) => h.slug)).toEqual([fresh.slug]);
    const page = (await request(t.app).get("/catalogue?q=maritime+rescue").expect(200)).text;
    expect(page).toContain('class="card-stale">Not confirmed since');
  });

  it("finds the listings that fell past due in the last days, which the search worker refreshes each day", async () => {
    const org = await buildOrganisation(t);
    const fallen = await buildResource(t, { ownerId: org.id, title: "Fell due yesterday" });
    const long = await buildResource(t, { ownerId: org.id, title: "Past due for months" });
    const current = await buildResource(t, { ownerId: org.id, title: "Confirmed lately" });
    const now = new Date();
    const yesterdayCutoff = confirmationCutoff(new Date(now.getTime() - 86_400_000));
    await t.dataSource.getRepository(Resource).update({ id: fallen.id }, { lastConfirmedAt: new Date(yesterdayCutoff.getTime() + 3_600_000) });
    await confirmedDaysAgo(t, long.id, 500);
    await confirmedDaysAgo(t, current.id, 10);
    const ids = await t.services.listings.idsConfirmedBetween(confirmationCutoff(new Date(now.getTime() - 2 * 86_400_000)), confirmationCutoff(now));
    expect(ids).toContain(fallen.id);
    expect(ids).not.toContain(long.id);
    expect(ids).not.toContain(current.id);
  });
});

async function waitForMail(smtp: TestSmtp, address: string) {
  const deadline = Date.now() + 20_000;
  while (smtp.to(address).length === 0) {
    if (Date.now() > deadline) throw new Error(`no mail to ${address}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return smtp.to(address);
}
