import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import type { Organisation } from "../../src/modules/organisations/organisation.entity";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation, buildResource } from "../helpers/factories";
import { listingForm } from "../helpers/forms";

const PASSWORD = "correct horse battery staple 42";
type Agent = ReturnType<typeof request.agent>;
type Who = "visitor" | "editorA" | "adminA" | "editorB" | "curator";

let t: TestApp;
let orgA: Organisation;
let orgB: Organisation;
const agents = {} as Record<Who, Agent>;
const tokens = {} as Record<Who, string>;

function tokenIn(html: string): string {
  const match = html.match(/name="_csrf" value="([^"]+)"/);
  if (!match) throw new Error("no CSRF token in the page");
  return match[1];
}

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  orgA = await buildOrganisation(t, { slug: "org-a", name: "Organisation A" });
  orgB = await buildOrganisation(t, { slug: "org-b", name: "Organisation B" });
  const people: Array<[Who, string, number | null, "admin" | "editor" | null, "curator" | "none"]> = [
    ["editorA", "editor.a@example.org", orgA.id, "editor", "none"],
    ["adminA", "admin.a@example.org", orgA.id, "admin", "none"],
    ["editorB", "editor.b@example.org", orgB.id, "editor", "none"],
    ["curator", "curator@example.org", null, null, "curator"],
  ];
  for (const [who, email, organisationId, organisationRole, siteRole] of people) {
    await t.services.accounts.create({ email, displayName: who, password: PASSWORD, organisationId, organisationRole, siteRole }, SYSTEM_ACTOR);
    const agent = request.agent(t.app);
    const form = await agent.get("/sign-in");
    await agent
      .post("/sign-in")
      .type("form")
      .send({ email, password: PASSWORD, _csrf: tokenIn(form.text) })
      .expect(303);
    agents[who] = agent;
    tokens[who] = tokenIn((await agent.get("/account")).text);
  }
  // A visitor with a session (and so a valid CSRF token) but no account: refused by the checks, not by CSRF.
  agents.visitor = request.agent(t.app);
  tokens.visitor = tokenIn((await agents.visitor.get("/sign-in")).text);
});
afterAll(async () => t.close());

/** Sends the listing form for an existing listing as `who`, with the version the save is based on. */
const saveListing = (who: Who, id: number, fields: Record<string, string | string[]>, version: string) =>
  agents[who]
    .post(`/workspace/listings/${id}`)
    .type("form")
    .send({ ...listingForm(fields), version, _csrf: tokens[who] });

/** Sends the form that adds a session to a listing as `who`. */
const addSession = (who: Who, id: number, fields: Record<string, string>) =>
  agents[who]
    .post(`/workspace/listings/${id}/sessions`)
    .type("form")
    .send({ ...fields, _csrf: tokens[who] });

async function snapshot(id: number) {
  const [row] = await t.dataSource.query("SELECT title, status, version, (SELECT COUNT(*) FROM editions WHERE resource_id = ?) AS editions FROM resources WHERE id = ?", [id, id]);
  return row;
}

describe("who may do what in the workspace", () => {
  const expectations: Array<{ name: string; run: (who: Who, id: number) => Promise<request.Response>; allowed: Who[]; changes: boolean }> = [
    { name: "GET the listing", run: (who, id) => agents[who].get(`/workspace/listings/${id}`), allowed: ["editorA", "adminA", "curator"], changes: false },
    { name: "GET the edit form", run: (who, id) => agents[who].get(`/workspace/listings/${id}/edit`), allowed: ["editorA", "adminA", "curator"], changes: false },
    {
      name: "POST an update",
      run: async (who, id) => saveListing(who, id, { title: `Changed by ${who}` }, String((await snapshot(id)).version)),
      allowed: ["editorA", "adminA", "curator"],
      changes: true,
    },
    {
      name: "POST publish",
      run: async (who, id) =>
        agents[who]
          .post(`/workspace/listings/${id}/status`)
          .type("form")
          .send({ action: "publish", version: String((await snapshot(id)).version), _csrf: tokens[who] }),
      allowed: ["editorA", "adminA", "curator"],
      changes: true,
    },
    {
      name: "POST an edition",
      run: (who, id) => agents[who].post(`/workspace/listings/${id}/editions`).type("form").send({ languageTag: "km", title: "", url: "", format: "", _csrf: tokens[who] }),
      allowed: ["editorA", "adminA", "curator"],
      changes: true,
    },
  ];

  for (const cell of expectations) {
    for (const who of ["visitor", "editorA", "adminA", "editorB", "curator"] as Who[]) {
      const allowed = cell.allowed.includes(who);
      it(`${cell.name}: ${who} is ${allowed ? "allowed" : "refused"}`, async () => {
        const listing = await buildResource(t, { ownerId: orgA.id, status: "draft", title: "Matrix draft" });
        const before = await snapshot(listing.id);
        const res = await cell.run(who, listing.id);
        const after = await snapshot(listing.id);
        if (allowed) {
          expect([200, 303]).toContain(res.status);
          if (cell.changes) expect(after).not.toEqual(before);
        } else {
          // Visitors are sent to sign in; people of another organisation do not even learn it exists.
          expect(res.status).toBe(who === "visitor" ? 303 : 404);
          if (who === "visitor") expect(res.headers.location).toMatch(/^\/sign-in\?next=/);
          expect(after).toEqual(before);
        }
      });
    }
  }

  it("shows each person their own organisation's listings only, drafts included", async () => {
    const a = await buildResource(t, { ownerId: orgA.id, status: "draft", title: "Dashboard draft of A" });
    const b = await buildResource(t, { ownerId: orgB.id, status: "draft", title: "Dashboard draft of B" });
    const pageA = (await agents.editorA.get("/workspace").expect(200)).text;
    expect(pageA).toContain(`/workspace/listings/${a.id}"`);
    expect(pageA).not.toContain(`/workspace/listings/${b.id}"`);
    const curator = (await agents.curator.get("/workspace").expect(200)).text;
    expect(curator).toContain(`/workspace/listings/${a.id}"`);
    expect(curator).toContain(`/workspace/listings/${b.id}"`);
    await agents.visitor.get("/workspace").expect(303);
  });

  it("lets admins and curators read the audit trail, not editors", async () => {
    await agents.adminA.get("/workspace/audit").expect(200);
    await agents.curator.get("/workspace/audit").expect(200);
    await agents.curator.get("/workspace/audit?org=org-a").expect(200);
    await agents.editorA.get("/workspace/audit").expect(404);
    await agents.editorB.get("/workspace/audit").expect(404);
  });

  it("creates a listing for the person's own organisation, whatever the address says", async () => {
    const res = await agents.editorB
      .post("/workspace/listings?org=org-a")
      .type("form")
      .send({ ...listingForm({ title: "Created by B" }), _csrf: tokens.editorB })
      .expect(303);
    const id = Number(res.headers.location.match(/listings\/(\d+)/)![1]);
    const [row] = await t.dataSource.query("SELECT owner_id, status FROM resources WHERE id = ?", [id]);
    expect(row).toEqual({ owner_id: orgB.id, status: "draft" });
    await agents.curator.get("/workspace/listings/new?org=org-a").expect(200);
    await agents.curator.get("/workspace/listings/new?org=no-such-org").expect(404);
  });

  it("gives curators a “New listing” with an organisation picker, on the workspace and on the new listing's address", async () => {
    const home = (await agents.curator.get("/workspace").expect(200)).text;
    expect(home).toContain('<form class="new-listing-for" action="/workspace/listings/new" method="get">');
    expect(home).toContain('<option value="org-a">Organisation A</option>');
    expect(home).toContain('<option value="org-b">Organisation B</option>');
    expect(home).not.toContain("?org=&lt;slug&gt;");
    const chooser = (await agents.curator.get("/workspace/listings/new").expect(200)).text;
    expect(chooser).toContain('<select id="new-listing-org" name="org" required>');
    expect(chooser).toContain('<option value="org-b">Organisation B</option>');
    const form = (await agents.curator.get("/workspace/listings/new?org=org-b").expect(200)).text;
    expect(form).toContain('action="/workspace/listings?org=org-b"');
    // People of an organisation list for their own: no picker.
    expect((await agents.editorA.get("/workspace").expect(200)).text).not.toContain("new-listing-for");
  });

  it("filters the listings table by words and by status, and says when nothing matches", async () => {
    const draft = await buildResource(t, { ownerId: orgA.id, status: "draft", title: "Maritime filter course" });
    const published = await buildResource(t, { ownerId: orgA.id, status: "published", title: "Document filter guide" });
    const rows = (html: string) => [...html.matchAll(/href="\/workspace\/listings\/(\d+)"/g)].map((m) => Number(m[1]));
    const words = (await agents.editorA.get("/workspace?q=MARITIME").expect(200)).text;
    expect(rows(words)).toEqual([draft.id]);
    expect(words).toMatch(/Showing 1 of \d+ listings\./);
    expect(words).toContain('value="MARITIME"');
    const status = (await agents.editorA.get("/workspace?q=filter&status=published").expect(200)).text;
    expect(rows(status)).toEqual([published.id]);
    expect(status).toContain('<option value="published" selected>');
    const none = (await agents.editorA.get("/workspace?q=nothing-like-this").expect(200)).text;
    expect(rows(none)).toEqual([]);
    expect(none).toContain("No listing matches these filters.");
    // A curator's filter keeps the organisation it works for.
    const curator = (await agents.curator.get("/workspace?org=org-a&q=maritime").expect(200)).text;
    expect(rows(curator)).toEqual([draft.id]);
    expect(curator).toContain('<input type="hidden" name="org" value="org-a">');
    expect(rows((await agents.curator.get("/workspace?q=maritime").expect(200)).text)).toEqual([draft.id]);
    // Bad filters are refused with the field named.
    expect((await agents.editorA.get("/workspace?status=lost").expect(400)).text).toContain("status");
    await agents.editorA.get("/workspace?colour=red").expect(400);
    await agents.curator.get("/workspace?org=no-such-org").expect(404);
  });
});

describe("the listing form", () => {
  it("refuses unknown fields such as an owner or a status, and stores nothing", async () => {
    const count = async () => (await t.dataSource.query("SELECT COUNT(*) AS n FROM resources"))[0].n;
    const before = await count();
    for (const extra of [{ ownerId: String(orgB.id) }, { status: "published" }, { role: "curator" }]) {
      const res = await agents.editorA
        .post("/workspace/listings")
        .type("form")
        .send({ ...listingForm(), ...extra, _csrf: tokens.editorA })
        .expect(400);
      expect(res.text).toContain("is not a known parameter");
    }
    expect(await count()).toBe(before);
  });

  it("shows each bad field's message next to it and keeps the form as typed", async () => {
    const res = await agents.editorA
      .post("/workspace/listings")
      .type("form")
      .send({
        ...listingForm({ title: "X", url: "javascript:alert(1)", contactEmail: "not-an-email", summary: "Kept as typed <b>", topicSlugs: ["trafficking-in-persons", "no-such-topic"] }),
        _csrf: tokens.editorA,
      })
      .expect(400);
    expect(res.text).toContain('id="title-error"');
    expect(res.text).toContain("Title must be at least 3 characters");
    expect(res.text).toContain("Website must be an address starting with http:// or https://");
    expect(res.text).toContain("Contact email must be an email address");
    expect(res.text).toContain("Kept as typed &lt;b&gt;</textarea>");
    const topics = await agents.editorA
      .post("/workspace/listings")
      .type("form")
      .send({ ...listingForm({ topicSlugs: ["trafficking-in-persons", "no-such-topic"] }), _csrf: tokens.editorA })
      .expect(400);
    expect(topics.text).toContain("names unknown topics: no-such-topic");
  });

  it("refuses a form without its CSRF token", async () => {
    await agents.editorA.post("/workspace/listings").type("form").send(listingForm()).expect(403);
  });

  it("turns a second save of the same version into a conflict page, and keeps the first", async () => {
    const listing = await buildResource(t, { ownerId: orgA.id, title: "Original title", status: "draft" });
    const version = String((await snapshot(listing.id)).version);
    await saveListing("editorA", listing.id, { title: "First save" }, version).expect(303);
    const second = await saveListing("adminA", listing.id, { title: "Second save" }, version).expect(409);
    expect(second.text).toContain("Someone else saved this listing");
    expect(second.text).toMatch(/<th scope="row">Title<\/th><td>First save<\/td><td>Second save<\/td>/);
    expect((await snapshot(listing.id)).title).toBe("First save");
  });

  it("writes an audit event naming the changed fields, and queues the listing for the index", async () => {
    const listing = await buildResource(t, { ownerId: orgA.id, title: "Audited", status: "draft" });
    const version = String((await snapshot(listing.id)).version);
    // The form sends the listing as it stands, with two fields changed.
    await saveListing("editorA", listing.id, { title: "Audited again", duration: "3 days", summary: listing.summary ?? "" }, version).expect(303);
    const [event] = await t.dataSource.query("SELECT actor_label, changes FROM audit_events WHERE entity_id = ? AND action = 'resource.updated'", [String(listing.id)]);
    expect(event.actor_label).toBe("editor.a@example.org");
    expect(Object.keys(JSON.parse(event.changes)).sort()).toEqual(["duration", "title"]);
    const [{ n }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM search_outbox WHERE entity_id = ?", [listing.id]);
    expect(n).toBeGreaterThanOrEqual(2);
    const audit = await agents.adminA.get("/workspace/audit").expect(200);
    // The event's code (resource.updated) is shown by what it did, in the reader's language.
    expect(audit.text).toContain(`edited · <a href="/workspace/listings/${listing.id}">listing ${listing.id}</a>`);
    expect(audit.text).toContain("Title, Duration");
  });

  it("publishes a draft so that visitors find it, and archives it again", async () => {
    const listing = await buildResource(t, { ownerId: orgA.id, title: "Publish me", status: "draft" });
    await request(t.app).get(`/resources/${listing.slug}`).expect(404);
    let version = String((await snapshot(listing.id)).version);
    await agents.editorA.post(`/workspace/listings/${listing.id}/status`).type("form").send({ action: "publish", version, _csrf: tokens.editorA }).expect(303);
    await request(t.app).get(`/resources/${listing.slug}`).expect(200);
    version = String((await snapshot(listing.id)).version);
    await agents.editorA.post(`/workspace/listings/${listing.id}/status`).type("form").send({ action: "archive", version, _csrf: tokens.editorA }).expect(303);
    await request(t.app).get(`/resources/${listing.slug}`).expect(404);
    // A stale version is a conflict, not a silent change.
    await agents.editorA.post(`/workspace/listings/${listing.id}/status`).type("form").send({ action: "publish", version, _csrf: tokens.editorA }).expect(409);
  });

  it("adds and removes editions and sessions, refusing bad dates", async () => {
    const listing = await buildResource(t, { ownerId: orgA.id, title: "With parts", status: "draft" });
    await agents.editorA.post(`/workspace/listings/${listing.id}/editions`).type("form").send({ languageTag: "th", title: "คู่มือ", url: "", format: "PDF", _csrf: tokens.editorA }).expect(303);
    const bad = await addSession("editorA", listing.id, { startDate: "2027-05-10", endDate: "2027-05-01", city: "", countryCode: "", languageTag: "", status: "open", timeZone: "" }).expect(400);
    expect(bad.text).toContain("must not be before the start date");
    await addSession("editorA", listing.id, {
      startDate: "2027-05-10",
      endDate: "2027-05-12",
      city: "Bangkok",
      countryCode: "THA",
      languageTag: "th",
      status: "open",
      timeZone: "Asia/Bangkok",
    }).expect(303);
    const [edition] = await t.dataSource.query("SELECT id FROM editions WHERE resource_id = ?", [listing.id]);
    await agents.editorB.post(`/workspace/listings/${listing.id}/editions/${edition.id}/remove`).type("form").send({ _csrf: tokens.editorB }).expect(404);
    await agents.editorA.post(`/workspace/listings/${listing.id}/editions/${edition.id}/remove`).type("form").send({ _csrf: tokens.editorA }).expect(303);
    const [{ editions }] = await t.dataSource.query("SELECT (SELECT COUNT(*) FROM editions WHERE resource_id = ?) AS editions", [listing.id]);
    expect(editions).toBe(0);
    const page = await agents.editorA.get(`/workspace/listings/${listing.id}`).expect(200);
    expect(page.text).toMatch(/10\s–\s12 May 2027/u);
  });
});

describe("people and invitations", () => {
  it("lets an admin invite a colleague; without a mail server the link is shown once and works once", async () => {
    const page = await agents.adminA.get("/workspace/people").expect(200);
    expect(page.text).toContain("admin.a@example.org");
    const res = await agents.adminA.post("/workspace/people").type("form").send({ email: "new.editor@example.org", displayName: "New Editor", role: "editor", _csrf: tokens.adminA }).expect(200);
    const link = res.text.match(/<code class="invitation-link">http:\/\/localhost:\d+(\/invitations\/[\w-]+)<\/code>/)?.[1];
    expect(link).toBeDefined();
    expect(res.text).toContain("Invitations not yet accepted");
    const invited = request.agent(t.app);
    const form = await invited.get(link!).expect(200);
    await invited
      .post(link!)
      .type("form")
      .send({ password: PASSWORD, confirmPassword: PASSWORD, _csrf: tokenIn(form.text) })
      .expect(303);
    expect(await t.services.accounts.findByEmail("new.editor@example.org")).toMatchObject({ organisationId: orgA.id, organisationRole: "editor" });
    await request(t.app).get(link!).expect(404);
  });

  it("refuses invitations from editors and from other organisations, and bad invitation input", async () => {
    await agents.editorA.get("/workspace/people").expect(404);
    await agents.editorB.get("/workspace/people?org=org-a").expect(404);
    await agents.editorA.post("/workspace/people").type("form").send({ email: "x@example.org", displayName: "X", role: "admin", _csrf: tokens.editorA }).expect(404);
    const bad = await agents.adminA.post("/workspace/people").type("form").send({ email: "not an email", displayName: "", role: "owner", _csrf: tokens.adminA }).expect(400);
    expect(bad.text).toContain("Email must be an email address");
    expect(bad.text).toContain("Role choose admin or editor");
    expect(await t.services.accounts.findByEmail("x@example.org")).toBeNull();
  });

  it("lets a curator create an organisation and invite its first admin", async () => {
    await agents.editorA.get("/workspace/organisations/new").expect(404);
    const createOrganisation = (fields: Record<string, string>, status: number) =>
      agents.curator
        .post("/workspace/organisations")
        .type("form")
        .send({ ...fields, _csrf: tokens.curator })
        .expect(status);
    const res = await createOrganisation(
      { name: "Philippine Bureau of Immigration Academy", shortName: "BI Academy", kind: "member-state-agency", countryCode: "PHL", website: "https://immigration.example.ph" },
      303,
    );
    expect(res.headers.location).toBe("/workspace/people?org=philippine-bureau-of-immigration-academy");
    const invite = await agents.curator.post(res.headers.location).type("form").send({ email: "first.admin@example.ph", displayName: "First Admin", role: "admin", _csrf: tokens.curator }).expect(200);
    expect(invite.text).toContain("/invitations/");
    const malformed = await createOrganisation({ name: "Another academy", shortName: "", kind: "member-state-agency", countryCode: "", website: "ftp://x" }, 400);
    expect(malformed.text).toContain("Website must start with http:// or https://");
    const duplicate = await createOrganisation({ name: "Philippine Bureau of Immigration Academy", shortName: "", kind: "member-state-agency", countryCode: "XXX", website: "" }, 400);
    expect(duplicate.text).toContain("Name is already used by Philippine Bureau of Immigration Academy");
    expect(duplicate.text).toContain("Country is not a known country");
    const [{ n }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM organisations WHERE name IN ('Another academy')");
    expect(n).toBe(0);
  });
});

describe("oversized forms", () => {
  it("refuses a form over 1 MB with 413 and stores nothing", async () => {
    const [{ n: before }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM resources");
    const res = await agents.editorA
      .post("/workspace/listings")
      .type("form")
      .send({ ...listingForm({ title: "Too big", description: "x".repeat(1_100_000) }), _csrf: tokens.editorA });
    expect(res.status).toBe(413);
    expect(res.text).toContain("What was sent is too large.");
    const [{ n: after }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM resources");
    expect(after).toBe(before);
  });
});

describe("who may import, export and keep the profile", () => {
  const everyone: Who[] = ["visitor", "editorA", "adminA", "editorB", "curator"];
  beforeAll(async () => {
    await buildResource(t, { ownerId: orgB.id, title: "Listing of B for the export matrix" });
  });
  const cases: Array<{ name: string; run: (who: Who) => Promise<request.Response>; allowed: Who[] }> = [
    { name: "GET the import page of org A", run: (who) => agents[who].get(`/workspace/import${who === "curator" ? "?org=org-a" : ""}`), allowed: ["editorA", "adminA", "curator"] },
    {
      name: "GET org A's export",
      run: (who) => agents[who].get(`/workspace/export?format=jsonl${who === "curator" || who === "editorB" ? "&org=org-a" : ""}`),
      allowed: ["editorA", "adminA", "curator"],
    },
    { name: "GET org A's profile form", run: (who) => agents[who].get(`/workspace/organisation${who === "curator" || who === "editorB" ? "?org=org-a" : ""}`), allowed: ["adminA", "curator"] },
  ];
  for (const c of cases) {
    for (const who of everyone) {
      const allowed = c.allowed.includes(who);
      it(`${c.name}: ${who} is ${allowed ? "allowed" : "refused"}`, async () => {
        const res = await c.run(who);
        const owners = async () => {
          const ids = res.text
            .trim()
            .split("\n")
            .map((line) => Number(/^listing-(\d+)$/.exec(JSON.parse(line).externalId)![1]));
          return [...new Set((await t.dataSource.query(`SELECT owner_id FROM resources WHERE id IN (${ids.join(",")})`)).map((r: { owner_id: number }) => Number(r.owner_id)))];
        };
        if (c.name.includes("export") && who !== "visitor") {
          // Org A's listings for those allowed; editor B gets org B's own listings, never org A's.
          expect(res.status).toBe(200);
          expect(await owners()).toEqual(allowed ? [orgA.id] : who === "editorB" ? [orgB.id] : []);
        } else if (allowed) {
          expect(res.status).toBe(200);
        } else if (who === "visitor") {
          expect(res.status).toBe(303);
        } else {
          // Editor B asking for org A gets org B's own page, or a 404: never org A's data.
          expect([200, 404]).toContain(res.status);
          expect(res.text).not.toContain("Organisation A");
        }
      });
    }
  }

  it("never imports into organisation A for editor B, whatever the address says", async () => {
    const form = await agents.editorB.get("/workspace/import?org=org-a").expect(200);
    expect(form.text).toContain("Organisation B");
    const res = await agents.editorB
      .post("/workspace/import?org=org-a")
      .field("_csrf", tokens.editorB)
      .attach("file", Buffer.from('{"externalId":"B-ONLY","kind":"course","title":"From editor B","topics":["TIP"]}\n'), "b.jsonl")
      .expect(303);
    const plan = await agents.editorB.get(res.headers.location).expect(200);
    expect(plan.text).toContain("For Organisation B.");
    const visitor = await agents.visitor.post("/workspace/import").field("_csrf", tokens.visitor).attach("file", Buffer.from("{}"), "x.jsonl");
    expect([303, 403]).toContain(visitor.status);
  });
});

describe("session dates", () => {
  it("refuses a day that does not exist, such as 30 February", async () => {
    const listing = await buildResource(t, { ownerId: orgA.id, status: "draft" });
    const res = await addSession("editorA", listing.id, { startDate: "2027-02-30", endDate: "", city: "", countryCode: "", languageTag: "", status: "planned", timeZone: "" }).expect(400);
    expect(res.text).toContain("is not a real date");
    const [{ n }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM course_sessions WHERE resource_id = ?", [listing.id]);
    expect(Number(n)).toBe(0);
  });
});

describe("organisation profiles and verification", () => {
  const profile = (fields: Record<string, string> = {}) => ({
    shortName: "OA",
    countryCode: "IDN",
    website: "https://a.example.org",
    description: "We train border officials.",
    contactName: "Training desk",
    contactEmail: "Desk@A.example.org",
    ...fields,
  });
  const orgRow = async (id: number) => (await t.dataSource.query("SELECT name, short_name, website, description, contact_email, verified FROM organisations WHERE id = ?", [id]))[0];

  it("lets the organisation's admins and curators change its profile, nobody else", async () => {
    for (const who of ["visitor", "editorA", "editorB"] as Who[]) {
      const before = await orgRow(orgA.id);
      const res = await agents[who]
        .post("/workspace/organisation")
        .type("form")
        .send({ ...profile({ description: `by ${who}` }), _csrf: tokens[who] });
      expect(res.status).toBe(who === "visitor" ? 303 : 404);
      expect(await orgRow(orgA.id)).toEqual(before);
    }
    await agents.editorA.get("/workspace/organisation").expect(404);
    await agents.adminA.get("/workspace/organisation").expect(200);
    const saved = await agents.adminA
      .post("/workspace/organisation")
      .type("form")
      .send({ ...profile(), _csrf: tokens.adminA })
      .expect(303);
    expect(saved.headers.location).toBe("/workspace/organisation?saved=1");
    expect(await orgRow(orgA.id)).toMatchObject({ short_name: "OA", website: "https://a.example.org", description: "We train border officials.", contact_email: "desk@a.example.org" });
    const [event] = await t.dataSource.query("SELECT action, changes FROM audit_events WHERE entity_type = 'organisation' AND entity_id = ? ORDER BY id DESC LIMIT 1", [String(orgA.id)]);
    expect(event.action).toBe("organisation.updated");
    expect(Object.keys(JSON.parse(event.changes)).sort()).toEqual(["contactEmail", "contactName", "countryCode", "description", "shortName", "website"]);
    // An admin may not rename the organisation or verify it: those fields are refused.
    const before = await orgRow(orgA.id);
    const renamed = await agents.adminA
      .post("/workspace/organisation")
      .type("form")
      .send({ ...profile(), name: "Renamed", _csrf: tokens.adminA })
      .expect(400);
    expect(renamed.text).toContain("is not a known parameter");
    const bad = await agents.adminA
      .post("/workspace/organisation")
      .type("form")
      .send({ ...profile({ website: "javascript:alert(1)", contactEmail: "nope" }), _csrf: tokens.adminA })
      .expect(400);
    expect(bad.text).toContain("Website must be an address starting with http:// or https://");
    expect(bad.text).toContain("Contact email must be an email address");
    expect(bad.text).toContain('value="nope"');
    expect(await orgRow(orgA.id)).toEqual(before);
    // A curator may rename it.
    await agents.curator
      .post("/workspace/organisation?org=org-a")
      .type("form")
      .send({ ...profile(), name: "Organisation A", kind: "training-institution", _csrf: tokens.curator })
      .expect(303);
  });

  it("brings the search text of the organisation's listings up to date when its acronym changes", async () => {
    const listing = await buildResource(t, { ownerId: orgB.id, title: "Course of organisation B" });
    const find = async () => (await t.services.search.search({ q: "OBZQ", page: 1, pageSize: 10 })).hits.map((h) => h.slug);
    expect(await find()).toEqual([]);
    await agents.curator
      .post("/workspace/organisation?org=org-b")
      .type("form")
      .send({ name: "Organisation B", kind: "training-institution", shortName: "OBZQ", countryCode: "", website: "", description: "", contactName: "", contactEmail: "", _csrf: tokens.curator })
      .expect(303);
    const found = await find();
    expect(found).toContain(listing.slug);
    const owners = await t.dataSource.query(`SELECT DISTINCT owner_id FROM resources WHERE slug IN (${found.map(() => "?").join(",")})`, found);
    expect(owners.map((o: { owner_id: number }) => Number(o.owner_id))).toEqual([orgB.id]);
    const [{ n }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM search_outbox WHERE entity_id = ?", [listing.id]);
    expect(Number(n)).toBeGreaterThan(0);
  });

  it("lets curators verify organisations and withdraw it, and audits both", async () => {
    const fresh = await buildOrganisation(t, { slug: "org-unverified", name: "Unverified Institute", verified: false });
    await agents.adminA.get("/workspace/organisations").expect(404);
    await agents.adminA.post("/workspace/organisations/org-unverified/verification").type("form").send({ verified: "yes", _csrf: tokens.adminA }).expect(404);
    expect((await orgRow(fresh.id)).verified).toBeFalsy();
    const list = await agents.curator.get("/workspace/organisations").expect(200);
    expect(list.text.indexOf("Unverified Institute")).toBeLessThan(list.text.indexOf("Organisation B"));
    await agents.curator.post("/workspace/organisations/org-unverified/verification").type("form").send({ verified: "yes", _csrf: tokens.curator }).expect(303);
    expect((await orgRow(fresh.id)).verified).toBeTruthy();
    expect((await request(t.app).get("/organisations/org-unverified").expect(200)).text).toContain("Verified by the Regional Support Office");
    await agents.curator.post("/workspace/organisations/org-unverified/verification").type("form").send({ verified: "no", _csrf: tokens.curator }).expect(303);
    expect((await orgRow(fresh.id)).verified).toBeFalsy();
    await agents.curator.post("/workspace/organisations/org-unverified/verification").type("form").send({ verified: "maybe", _csrf: tokens.curator }).expect(400);
    const events = await t.dataSource.query("SELECT action FROM audit_events WHERE entity_type = 'organisation' AND entity_id = ? ORDER BY id", [String(fresh.id)]);
    expect(events.map((e: { action: string }) => e.action)).toEqual(["organisation.verified", "organisation.unverified"]);
  });
});
