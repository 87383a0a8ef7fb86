// Passport's strategies are process-wide: each file signs in to one app only.
import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Resource } from "../../src/modules/catalogue/resource.entity";
import type { Organisation } from "../../src/modules/organisations/organisation.entity";
import { createTestApp, TestApp } from "../helpers/app";
import { until } from "../helpers/enquiries";
import { buildOrganisation } from "../helpers/factories";
import { listingForm } from "../helpers/forms";
import { Agent, csrfTokenIn, signedIn } from "../helpers/sessions";
import { startSmtp, TestSmtp } from "../helpers/smtp";

let smtp: TestSmtp;
let t: TestApp;
let newcomer: Organisation;
let known: Organisation;
const people: Record<string, { agent: Agent; token: string }> = {};

beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({ demo: false, search: true, mail: true, env: { SMTP_URL: smtp.url, PUBLIC_URL: "https://rtc.example" } });
  newcomer = await buildOrganisation(t, { name: "Newcomer Training Centre", slug: "newcomer", verified: false });
  known = await buildOrganisation(t, { name: "Known Academy", slug: "known", verified: true });
  people.newcomer = await signedIn(t, { email: "editor@newcomer.example", organisationId: newcomer.id, role: "editor" });
  people.known = await signedIn(t, { email: "editor@known.example", organisationId: known.id, role: "editor" });
  people.curator = await signedIn(t, { email: "curator@rso.example", siteRole: "curator" });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});
afterEach(() => {
  smtp.messages.length = 0;
});

/** Sends a workspace form as `who`, with their CSRF token. */
const sendAs = (who: { agent: Agent; token: string }, path: string, fields: Record<string, string | string[]>) =>
  who.agent
    .post(path)
    .type("form")
    .send({ ...fields, _csrf: who.token });

const row = (id: number) => t.dataSource.getRepository(Resource).findOneByOrFail({ id });

/** Creates a listing through the workspace form and presses "Publish", as its editor would. */
async function createAndPublish(who: { agent: Agent; token: string }, title: string): Promise<{ id: number; location: string }> {
  const created = await sendAs(who, "/workspace/listings", { ...listingForm({ title, summary: `About ${title}` }), topicSlugs: "trafficking-in-persons" }).expect(303);
  const id = Number(/\/workspace\/listings\/(\d+)/.exec(created.headers.location)![1]);
  const published = await sendAs(who, `/workspace/listings/${id}/status`, { action: "publish", version: String((await row(id)).version) }).expect(303);
  return { id, location: published.headers.location };
}

const searchTitles = async (q: string) => {
  const res = await request(t.app)
    .get(`/api/v1/search?q=${encodeURIComponent(q)}`)
    .expect(200);
  expect(res.body.degraded).toBe(false);
  return (res.body.hits as Array<{ title: string }>).map((h) => h.title);
};

/** Every public way to find a listing: its page, the read API, search (engine and page), the organisation's page. */
async function publiclyVisible(slug: string, title: string, word: string): Promise<boolean[]> {
  await t.settle();
  return [
    (await request(t.app).get(`/resources/${slug}`)).status === 200,
    (await request(t.app).get(`/api/v1/resources/${slug}`)).status === 200,
    ((await request(t.app).get("/api/v1/resources?pageSize=100").expect(200)).body.data as Array<{ slug: string }>).some((r) => r.slug === slug),
    (await searchTitles(word)).includes(title),
    (await request(t.app).get(`/catalogue?q=${word}`).expect(200)).text.includes(`/resources/${slug}"`),
    (await request(t.app).get(`/organisations/${newcomer.slug}`).expect(200)).text.includes(title),
  ];
}

describe("the first listings of an unverified organisation", () => {
  it("wait for review when published, seen by their owner but nobody else, until a curator approves them", async () => {
    const { id, location } = await createAndPublish(people.newcomer, "Quokkaline interviewing course");
    expect(location).toContain("saved=submitted");
    const saved = await row(id);
    expect(saved).toMatchObject({ status: "pending", publishedAt: null, submittedById: expect.any(Number) });

    const preview = await people.newcomer.agent.get(location).expect(200);
    expect(preview.text).toContain("was sent for review");
    expect(preview.text).toContain("Awaiting review");
    expect(preview.text).toContain("Withdraw from review");
    const workspace = await people.newcomer.agent.get("/workspace").expect(200);
    expect(workspace.text).toMatch(/status-pending">awaiting review</);

    expect(await publiclyVisible(saved.slug, saved.title, "quokkaline")).toEqual([false, false, false, false, false, false]);
    // Another organisation's people do not see it either, even as members.
    expect((await people.known.agent.get(`/resources/${saved.slug}`)).status).toBe(404);
    expect((await people.known.agent.get(`/workspace/listings/${id}`)).status).toBe(404);

    const queue = await people.curator.agent.get("/workspace/review").expect(200);
    expect(queue.text).toContain("Quokkaline interviewing course");
    expect(queue.text).toContain("Newcomer Training Centre");
    expect(queue.text).toContain("editor@newcomer.example");
    expect((await people.curator.agent.get("/workspace").expect(200)).text).toContain("Review queue (1)");

    await sendAs(people.curator, `/workspace/review/${id}/approve`, { version: String(saved.version) }).expect(303);
    expect(await row(id)).toMatchObject({ status: "published", publishedAt: expect.any(Date), reviewedAt: expect.any(Date) });
    expect(await publiclyVisible(saved.slug, saved.title, "quokkaline")).toEqual([true, true, true, true, true, true]);

    const [mail] = await until(
      async () => smtp.to("editor@newcomer.example"),
      (m) => m.length === 1,
    );
    expect(mail.subject).toContain("is public");
    expect(mail.text).toContain(`https://rtc.example/workspace/listings/${id}`);
    const events = await t.dataSource.query("SELECT action, actor_label FROM audit_events WHERE entity_type = 'resource' AND entity_id = ? ORDER BY id", [String(id)]);
    expect(events.map((e: { action: string }) => e.action)).toEqual(["resource.created", "resource.submitted", "resource.approved"]);
    expect(events[2].actor_label).toBe("curator@rso.example");
    expect((await people.curator.agent.get("/workspace/review").expect(200)).text).toContain("No listing is waiting for review.");
  });

  it("go back to their owner with the curator's reason, mailed to the one who sent them and shown in the workspace", async () => {
    const { id } = await createAndPublish(people.newcomer, "Wombatic border course");
    const version = String((await row(id)).version);

    const empty = await sendAs(people.curator, `/workspace/review/${id}/send-back`, { version, reason: "   " }).expect(400);
    expect(empty.text).toContain('id="reason-' + id + '-error"');
    expect(empty.text).toContain("give a reason");
    expect((await row(id)).status).toBe("pending");

    const reason = "Please name the dates of the next course, and <b>who</b> may take part.";
    await sendAs(people.curator, `/workspace/review/${id}/send-back`, { version, reason }).expect(303);
    expect(await row(id)).toMatchObject({ status: "draft", reviewNote: reason, publishedAt: null });

    const [mail] = await until(
      async () => smtp.to("editor@newcomer.example"),
      (m) => m.length === 1,
    );
    expect(mail.subject).toContain("was sent back");
    expect(mail.text).toContain(reason);
    const page = await people.newcomer.agent.get(`/workspace/listings/${id}`).expect(200);
    expect(page.text).toContain("sent this listing back");
    expect(page.text).toContain("Please name the dates of the next course, and &lt;b&gt;who&lt;/b&gt; may take part.");
    expect((await people.newcomer.agent.get("/workspace").expect(200)).text).toContain("sent back");
    const events = await t.dataSource.query("SELECT action FROM audit_events WHERE entity_type = 'resource' AND entity_id = ? ORDER BY id", [String(id)]);
    expect(events.map((e: { action: string }) => e.action)).toEqual(["resource.created", "resource.submitted", "resource.sent_back"]);

    // A decision already taken cannot be taken again.
    const again = await sendAs(people.curator, `/workspace/review/${id}/approve`, { version: String((await row(id)).version) }).expect(409);
    expect(again.text).toContain("not waiting for review any more");
    expect((await row(id)).status).toBe("draft");

    // Published again, it waits again, and the old reason is gone.
    await sendAs(people.newcomer, `/workspace/listings/${id}/status`, { action: "publish", version: String((await row(id)).version) }).expect(303);
    expect(await row(id)).toMatchObject({ status: "pending", reviewNote: null });
  });

  it("tell the one who sent them of the decision in their account's language", async () => {
    const org = await buildOrganisation(t, { name: "Akademi Latihan Baharu", slug: "baharu", verified: false });
    const editor = await signedIn(t, { email: "editor@baharu.example", organisationId: org.id, role: "editor" });
    // Choosing a language while signed in stores it in the account.
    await editor.agent.get("/workspace?lang=ms").expect(200);
    const { id } = await createAndPublish(editor, "Kursus pemeriksaan dokumen perjalanan");
    await sendAs(people.curator, `/workspace/review/${id}/approve`, { version: String((await row(id)).version) }).expect(303);
    const [mail] = await until(
      async () => smtp.to("editor@baharu.example"),
      (m) => m.length === 1,
    );
    expect(mail.subject).toBe('Penyenaraian anda "Kursus pemeriksaan dokumen perjalanan" kini dipaparkan kepada umum');
    expect(mail.text).toContain("Kurator Pejabat Sokongan Serantau telah meluluskan penyenaraian anda");
    expect(mail.text).toContain(`https://rtc.example/workspace/listings/${id}`);
  });

  it("are decided by curators only, on the version they read, and never for an unknown listing", async () => {
    const { id } = await createAndPublish(people.newcomer, "Numbatish document course");
    const version = String((await row(id)).version);
    await people.newcomer.agent.get("/workspace/review").expect(403);
    await sendAs(people.newcomer, `/workspace/review/${id}/approve`, { version }).expect(403);
    await sendAs(people.known, `/workspace/review/${id}/send-back`, { version, reason: "no" }).expect(403);
    await request(t.app).get("/workspace/review").expect(303);
    expect((await row(id)).status).toBe("pending");

    await sendAs(people.curator, "/workspace/review/999999/approve", { version: "1" }).expect(404);
    await sendAs(people.curator, "/workspace/review/abc/approve", { version: "1" }).expect(404);
    await sendAs(people.curator, `/workspace/review/${id}/approve`, { version: "x" }).expect(400);
    await sendAs(people.curator, `/workspace/review/${id}/send-back`, { version, reason: "x".repeat(2001) }).expect(400);
    await sendAs(people.curator, `/workspace/review/${id}/approve`, { version, extra: "1" }).expect(400);

    // The owner edits it after the curator opened the queue: the curator reads it again first.
    const editForm = await people.newcomer.agent.get(`/workspace/listings/${id}/edit`).expect(200);
    await people.newcomer.agent
      .post(`/workspace/listings/${id}`)
      .type("form")
      .send({ ...listingForm({ title: "Numbatish document course, revised" }), topicSlugs: "trafficking-in-persons", version, _csrf: csrfTokenIn(editForm.text) })
      .expect(303);
    const stale = await sendAs(people.curator, `/workspace/review/${id}/approve`, { version }).expect(409);
    expect(stale.text).toContain("changed this listing after this page was opened");
    expect(await row(id)).toMatchObject({ status: "pending", title: "Numbatish document course, revised" });
    const audited = await t.dataSource.query("SELECT COUNT(*) AS n FROM audit_events WHERE entity_id = ? AND action IN ('resource.approved', 'resource.sent_back')", [String(id)]);
    expect(Number(audited[0].n)).toBe(0);
  });

  it("may be withdrawn from review by their owner", async () => {
    const { id } = await createAndPublish(people.newcomer, "Bilbyish withdrawn course");
    await sendAs(people.newcomer, `/workspace/listings/${id}/status`, { action: "unpublish", version: String((await row(id)).version) }).expect(303);
    expect((await row(id)).status).toBe("draft");
    expect((await people.curator.agent.get("/workspace/review").expect(200)).text).not.toContain("Bilbyish withdrawn course");
  });

  it("publish directly once approved before, and when a curator publishes them", async () => {
    const { id } = await createAndPublish(people.newcomer, "Dingoian approved course");
    await sendAs(people.curator, `/workspace/review/${id}/approve`, { version: String((await row(id)).version) }).expect(303);
    await sendAs(people.newcomer, `/workspace/listings/${id}/status`, { action: "unpublish", version: String((await row(id)).version) }).expect(303);
    const again = await sendAs(people.newcomer, `/workspace/listings/${id}/status`, { action: "publish", version: String((await row(id)).version) }).expect(303);
    expect(again.headers.location).toContain("saved=publish");
    expect((await row(id)).status).toBe("published");

    const created = await sendAs(people.curator, "/workspace/listings?org=newcomer", { ...listingForm({ title: "Curated course" }), topicSlugs: "trafficking-in-persons" }).expect(303);
    const curated = Number(/\/workspace\/listings\/(\d+)/.exec(created.headers.location)![1]);
    await sendAs(people.curator, `/workspace/listings/${curated}/status`, { action: "publish", version: String((await row(curated)).version) }).expect(303);
    expect((await row(curated)).status).toBe("published");
  });
});

describe("a verified organisation", () => {
  it("publishes directly: public and searchable at once", async () => {
    const { id, location } = await createAndPublish(people.known, "Platypodic verified course");
    expect(location).toContain("saved=publish");
    const saved = await row(id);
    expect(saved.status).toBe("published");
    await t.settle();
    expect(await searchTitles("platypodic")).toContain("Platypodic verified course");
    await request(t.app).get(`/resources/${saved.slug}`).expect(200);
  });
});

describe("imports", () => {
  const file = (...titles: string[]) =>
    titles.map((title, i) => JSON.stringify({ externalId: `IMP-${title.length}-${i}`, kind: "course", title, status: "published", topics: ["trafficking-in-persons"] })).join("\n") + "\n";

  async function upload(who: { agent: Agent }, content: string, query = "") {
    const token = csrfTokenIn((await who.agent.get(`/workspace/import${query}`)).text);
    return who.agent.post(`/workspace/import${query}`).field("_csrf", token).attach("file", Buffer.from(content), "listings.jsonl");
  }

  it("by an unverified organisation's person wait for review too, and say so in the dry run", async () => {
    const res = await upload(people.newcomer, file("Echidnal imported course", "Echidnal second course"));
    expect(res.status).toBe(303);
    const plan = await people.newcomer.agent.get(res.headers.location).expect(200);
    expect(plan.text).toContain("2 published listings will wait for a curator’s review");
    const commit = await people.newcomer.agent
      .post(`${res.headers.location}/commit`)
      .type("form")
      .send({ _csrf: csrfTokenIn(plan.text) })
      .expect(303);
    const done = await people.newcomer.agent.get(commit.headers.location).expect(200);
    expect(done.text).toContain("2 listings wait for a curator’s review");
    const rows = await t.dataSource.getRepository(Resource).findBy({ ownerId: newcomer.id, externalId: "IMP-24-0" });
    expect(rows[0]).toMatchObject({ status: "pending", publishedAt: null, submittedById: expect.any(Number) });
    expect(await publiclyVisible(rows[0].slug, rows[0].title, "echidnal")).toEqual([false, false, false, false, false, false]);
    expect((await people.curator.agent.get("/workspace/review").expect(200)).text).toContain("Echidnal imported course");

    // The same file again changes nothing: the listings keep waiting.
    const again = await upload(people.newcomer, file("Echidnal imported course", "Echidnal second course"));
    const replan = await people.newcomer.agent.get(again.headers.location).expect(200);
    expect(replan.text).toMatch(/<strong>2<\/strong> unchanged/);
    expect(replan.text).not.toContain("will wait for a curator");
    // The export says what the owner asked for, so that it imports back unchanged.
    const exported = await people.newcomer.agent.get("/workspace/export?format=jsonl").expect(200);
    expect(exported.text).toContain('"title":"Echidnal imported course"');
    expect(exported.text).not.toContain('"status":"pending"');
  });

  it("by a curator publish directly", async () => {
    const res = await upload(people.curator, file("Kookaburran curated import"), "?org=newcomer");
    const plan = await people.curator.agent.get(res.headers.location).expect(200);
    expect(plan.text).not.toContain("will wait for a curator");
    await people.curator.agent
      .post(`${res.headers.location}/commit`)
      .type("form")
      .send({ _csrf: csrfTokenIn(plan.text) })
      .expect(303);
    const [saved] = await t.dataSource.getRepository(Resource).findBy({ ownerId: newcomer.id, title: "Kookaburran curated import" });
    expect(saved.status).toBe("published");
  });
});
