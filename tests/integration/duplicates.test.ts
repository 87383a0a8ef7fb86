// Passport's strategies are process-wide: each file signs in to one app only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { titleKey, urlKey } from "../../src/modules/catalogue/duplicates";
import type { Resource } from "../../src/modules/catalogue/resource.entity";
import type { Organisation } from "../../src/modules/organisations/organisation.entity";
import { readListingFile } from "../../src/modules/transfer/listing-file";
import { describePlan } from "../../src/modules/transfer/listing-importer.service";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation, buildResource } from "../helpers/factories";
import { listingForm } from "../helpers/forms";
import { Agent, csrfTokenIn, signedIn } from "../helpers/sessions";

let t: TestApp;
let mine: Organisation;
let other: Organisation;
let own: Resource;
let othersPublished: Resource;
let othersDraft: Resource;
let editor: { agent: Agent; token: string };

const count = async () => Number((await t.dataSource.query("SELECT COUNT(*) AS n FROM resources"))[0].n);
const jsonl = (...rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
/** Sends the form under an import plan's page that imports the plan, with the answers given. */
const commitImport = (location: string, planPage: string, fields: { distinct?: string } = {}) =>
  editor.agent
    .post(`${location}/commit`)
    .type("form")
    .send({ _csrf: csrfTokenIn(planPage), ...fields });
const course = (externalId: string, fields: Record<string, unknown> = {}) => ({ externalId, kind: "course", title: `Course ${externalId}`, topics: ["trafficking-in-persons"], ...fields });

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  mine = await buildOrganisation(t, { name: "Border Academy", slug: "border-academy" });
  other = await buildOrganisation(t, { name: "Coast Guard College", slug: "coast-guard-college" });
  own = await buildResource(t, { ownerId: mine.id, title: "Travel Document Examination", url: "https://example.org/tde/", status: "draft" });
  othersPublished = await buildResource(t, { ownerId: other.id, title: "Maritime Interdiction Workshop", url: "https://www.example.net/maritime", sessions: [{ startDate: "2027-03-01" }] });
  othersDraft = await buildResource(t, { ownerId: other.id, title: "Unannounced Course", url: "https://example.net/secret-plan", status: "draft", sessions: [{ startDate: "2027-04-01" }] });
  editor = await signedIn(t, { email: "editor@border-academy.example", organisationId: mine.id, role: "editor" });
});
afterAll(async () => t.close());

describe("what counts as the same", () => {
  it("reads titles whatever their case, spacing and punctuation, and keeps the marks of Thai and Khmer", () => {
    expect(titleKey("  Travel document — examination!")).toBe(titleKey("travel DOCUMENT examination"));
    expect(titleKey("การสอบสวน")).not.toBe(titleKey("การสอบสวัน"));
  });

  it("reads addresses without scheme, www, fragment or trailing slash, and refuses what is not http(s)", () => {
    expect(urlKey("https://www.Example.org/TDE/#top")).toBe(urlKey("http://example.org/tde"));
    expect(urlKey("https://example.org/tde?lang=km")).not.toBe(urlKey("https://example.org/tde"));
    expect(urlKey("mailto:someone@example.org")).toBeNull();
    expect(urlKey("not an address")).toBeNull();
  });
});

describe("the listing form", () => {
  const post = (fields: Record<string, string | string[]>) =>
    editor.agent
      .post("/workspace/listings")
      .type("form")
      .send({ ...listingForm(fields), _csrf: editor.token });

  it("warns of a listing of the same organisation with the same title, next to the title, and saves nothing", async () => {
    const before = await count();
    const res = await post({ title: "travel  document examination!" }).expect(400);
    expect(res.text).toContain('id="title-error"');
    expect(res.text).toContain("looks like a listing in the catalogue already");
    expect(res.text).toContain(`href="/workspace/listings/${own.id}"`);
    expect(res.text).toContain("the same title, from the same organisation");
    expect(res.text).toContain('name="distinct" value="yes"');
    // What was typed is kept.
    expect(res.text).toContain('value="travel  document examination!"');
    expect(await count()).toBe(before);
  });

  it("saves it once the contributor says it is a different listing", async () => {
    const before = await count();
    await post({ title: "Travel document examination", distinct: "yes" }).expect(303);
    expect(await count()).toBe(before + 1);
  });

  it("warns of another organisation's published listing at the same address, with a link to its page", async () => {
    const res = await post({ title: "Sea borders course", url: "http://example.net/maritime/" }).expect(400);
    expect(res.text).toContain(`href="/resources/${othersPublished.slug}"`);
    expect(res.text).toContain("the same web address");
  });

  it("never tells of another organisation's drafts", async () => {
    const res = await post({ title: "Coastal patrol course", url: "https://example.net/secret-plan" });
    expect(res.status).toBe(303);
    const page = await editor.agent.get(res.headers.location).expect(200);
    expect(page.text).not.toContain(othersDraft.slug);
  });

  it("refuses a malformed answer to the question", async () => {
    const before = await count();
    const res = await post({ title: "Travel Document Examination", distinct: "maybe" }).expect(400);
    expect(res.text).toContain('name="title"');
    expect(await count()).toBe(before);
  });

  it("does not ask when a listing is edited", async () => {
    const edit = await editor.agent.get(`/workspace/listings/${own.id}/edit`).expect(200);
    await editor.agent
      .post(`/workspace/listings/${own.id}`)
      .type("form")
      .send({ ...listingForm({ title: "Travel Document Examination" }), version: String(own.version), _csrf: csrfTokenIn(edit.text) })
      .expect(303);
  });
});

describe("the bulk import", () => {
  async function upload(content: string) {
    const token = csrfTokenIn((await editor.agent.get("/workspace/import")).text);
    return editor.agent.post("/workspace/import").field("_csrf", token).attach("file", Buffer.from(content), "listings.jsonl");
  }

  it("shows in the dry run the rows that look like saved listings, with links, and imports them only when told they are distinct", async () => {
    const file = jsonl(
      course("DUP-1", { title: "Maritime interdiction workshop", sessions: [{ start: "2027-03-01" }] }),
      course("DUP-2", { title: "TRAVEL DOCUMENT EXAMINATION" }),
      course("DUP-3", { title: "Maritime interdiction workshop", sessions: [{ start: "2027-09-01" }] }),
      course("DUP-4", { title: "Unannounced course", sessions: [{ start: "2027-04-01" }] }),
    );
    const res = await upload(file);
    expect(res.status).toBe(303);
    const plan = await editor.agent.get(res.headers.location).expect(200);
    // DUP-3 has DUP-1's title, from the same organisation, in the same file.
    expect(plan.text).toContain("3 new listings look like ones in the catalogue already");
    expect(plan.text).toContain("line 1 of this file");
    expect(plan.text).toContain(`href="/resources/${othersPublished.slug}"`);
    expect(plan.text).toContain("the same title, with a session starting");
    expect(plan.text).toContain(`href="/workspace/listings/${own.id}"`);
    expect(plan.text).not.toContain(othersDraft.slug);
    expect(plan.text).toContain('name="distinct" value="yes"');

    const before = await count();
    const refused = await commitImport(res.headers.location, plan.text).expect(409);
    expect(refused.text).toContain("so nothing was imported");
    expect(refused.text).toContain('id="distinct-error"');
    expect(await count()).toBe(before);
    await commitImport(res.headers.location, plan.text, { distinct: "maybe" }).expect(400);
    expect(await count()).toBe(before);

    await commitImport(res.headers.location, plan.text, { distinct: "yes" }).expect(303);
    expect(await count()).toBe(before + 4);
  });

  it("compares the new rows of one file with each other too", async () => {
    const file = jsonl(
      course("IN-1", { title: "Harbour patrol seminar", url: "https://example.com/harbour" }),
      course("IN-2", { title: "harbour patrol seminar!" }),
      course("IN-3", { title: "Another seminar", url: "http://www.example.com/harbour/" }),
      course("IN-4", { title: "Distinct seminar" }),
    );
    const res = await upload(file);
    const plan = await editor.agent.get(res.headers.location).expect(200);
    expect(plan.text).toContain("2 new listings look like ones in the catalogue already");
    expect(plan.text.match(/line 1 of this file/g)).toHaveLength(2);
    const rows = (await t.services.importer.plan(readListingFile(file, "jsonl"), { kind: "organisation", organisation: mine })).rows;
    expect(rows.map((r) => r.alsoInFile ?? [])).toEqual([[], [{ line: 1, reason: "title" }], [{ line: 1, reason: "url" }], []]);
    const before = await count();
    await commitImport(res.headers.location, plan.text).expect(409);
    expect(await count()).toBe(before);
  });

  it("does not ask about rows that update saved listings", async () => {
    const plan = await t.services.importer.plan(
      readListingFile(jsonl(course("DUP-1", { title: "Maritime interdiction workshop", summary: "Changed", sessions: [{ start: "2027-03-01" }] })), "jsonl"),
      { kind: "organisation", organisation: mine },
    );
    expect(plan.rows[0]).toMatchObject({ action: "update" });
    expect(plan.rows[0].duplicates).toBeUndefined();
  });

  it("says so on the command line, and refuses to import without being told", async () => {
    const rows = readListingFile(jsonl(course("DUP-9", { title: "Travel Document Examination" })), "jsonl");
    const plan = await t.services.importer.plan(rows, { kind: "organisation", organisation: mine });
    expect(describePlan(plan)).toMatch(/line 1 \(DUP-9\): same title and owner as "Travel Document Examination"/);
    await expect(t.services.importer.commit(rows, { kind: "organisation", organisation: mine }, SYSTEM_ACTOR)).rejects.toMatchObject({ status: 409, code: "import_duplicates" });
    const done = await t.services.importer.commit(rows, { kind: "organisation", organisation: mine }, SYSTEM_ACTOR, { distinct: true });
    expect(done.changedIds).toHaveLength(1);
  });
});
