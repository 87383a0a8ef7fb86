import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import type { Organisation } from "../../src/modules/organisations/organisation.entity";
import type { ImportScope } from "../../src/modules/transfer/listing-importer.service";
import { readListingFile } from "../../src/modules/transfer/listing-file";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation, buildResource } from "../helpers/factories";
import { listingForm } from "../helpers/forms";
import { Agent, signedIn } from "../helpers/sessions";

/** The workspace's small forms: errors next to their fields, the values kept, and the rules they keep. */
let t: TestApp;
let org: Organisation;
let agent: Agent;
let token: string;

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  org = await buildOrganisation(t, { slug: "forms-org", name: "Forms Organisation" });
  ({ agent, token } = await signedIn(t, { email: "editor@forms.example", organisationId: org.id, role: "editor" }));
});
afterAll(async () => t.close());

const session = (fields: Record<string, string> = {}) => ({ startDate: "2027-05-10", endDate: "", city: "", countryCode: "", languageTag: "", status: "planned", timeZone: "", ...fields });
const count = async (table: string, id: number) => Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table} WHERE resource_id = ?`, [id]))[0].n);

describe("adding a session or an edition that is not right", () => {
  it("shows the listing page again with each error next to its field, in words, and the values as typed", async () => {
    const listing = await buildResource(t, { ownerId: org.id, status: "draft" });
    const res = await agent
      .post(`/workspace/listings/${listing.id}/sessions`)
      .type("form")
      .send({ ...session({ startDate: "2027-05-10", endDate: "2027-05-01", city: "Bangkok", timeZone: "Mars/Olympus" }), _csrf: token })
      .expect(400);
    expect(res.text).not.toContain("That did not work");
    expect(res.text).not.toMatch(/endDate:/);
    // The summary takes the focus and links to the fields.
    expect(res.text).toMatch(/<div class="error-summary" role="alert" tabindex="-1" autofocus>/);
    expect(res.text).toContain('<a href="#session-endDate">End must not be before the start date</a>');
    expect(res.text).toMatch(/<p class="field-error" id="session-endDate-error"><span class="visually-hidden">Error: <\/span>End must not be before the start date<\/p>/);
    expect(res.text).toMatch(/<p class="field-error" id="session-timeZone-error">.*Time zone of the venue must be a time zone such as Asia\/Bangkok/);
    expect(res.text).toMatch(/<input id="session-endDate" name="endDate" type="date" value="2027-05-01"[^>]* aria-invalid="true"/);
    expect(res.text).toContain('value="Bangkok"');
    expect(res.text).toContain('value="Mars/Olympus"');
    expect(res.text).toMatch(/<details open><summary>Add a session<\/summary>/);
    expect(await count("course_sessions", listing.id)).toBe(0);
  });

  it("refuses a javascript: link for an edition, next to the field", async () => {
    const listing = await buildResource(t, { ownerId: org.id, status: "draft" });
    const res = await agent
      .post(`/workspace/listings/${listing.id}/editions`)
      .type("form")
      .send({ languageTag: "km", title: "Khmer title", url: "javascript:alert(1)", format: "", _csrf: token })
      .expect(400);
    expect(res.text).toMatch(/id="edition-url-error">.*Link must be an address starting with http:\/\/ or https:\/\//);
    expect(res.text).toContain('value="Khmer title"');
    expect(res.text).toMatch(/<option value="km" selected>/);
    expect(await count("editions", listing.id)).toBe(0);
  });

  it("refuses a second edition in the same language and format", async () => {
    const listing = await buildResource(t, { ownerId: org.id, status: "draft" });
    await agent.post(`/workspace/listings/${listing.id}/editions`).type("form").send({ languageTag: "th", title: "", url: "", format: "", _csrf: token }).expect(303);
    const res = await agent.post(`/workspace/listings/${listing.id}/editions`).type("form").send({ languageTag: "th", title: "Again", url: "", format: "", _csrf: token }).expect(400);
    expect(res.text).toMatch(/id="edition-languageTag-error">.*Language has an edition in this format already/);
    expect(await count("editions", listing.id)).toBe(1);
    // Another format of the same language is another edition.
    await agent.post(`/workspace/listings/${listing.id}/editions`).type("form").send({ languageTag: "th", title: "", url: "", format: "EPUB", _csrf: token }).expect(303);
    expect(await count("editions", listing.id)).toBe(2);
    await expect(
      t.services.catalogue.create({ kind: "course", title: "Twice in Thai", ownerId: org.id, editions: [{ languageTag: "th" }, { languageTag: "th" }] }, SYSTEM_ACTOR),
    ).rejects.toMatchObject({ fields: { editions: expect.stringMatching(/one edition per language and format/) } });
  });
});

describe("a published listing's topics", () => {
  it("cannot all be removed in the form; the form comes back as typed", async () => {
    const listing = await buildResource(t, { ownerId: org.id, status: "published", topicSlugs: ["trafficking-in-persons"] });
    const edit = await agent.get(`/workspace/listings/${listing.id}/edit`).expect(200);
    const version = edit.text.match(/name="version" value="(\d+)"/)![1];
    const res = await agent
      .post(`/workspace/listings/${listing.id}`)
      .type("form")
      .send({ ...listingForm({ title: "Renamed without topics" }), version, _csrf: token })
      .expect(400);
    expect(res.text).toContain("Topics must keep at least one topic while the listing is published");
    expect(res.text).toContain('value="Renamed without topics"');
    const [row] = await t.dataSource.query("SELECT title, (SELECT COUNT(*) FROM resource_topics WHERE resource_id = ?) AS topics FROM resources WHERE id = ?", [listing.id, listing.id]);
    expect(row.title).not.toBe("Renamed without topics");
    expect(Number(row.topics)).toBe(1);
  });
});

describe("the same rules in an import", () => {
  const scope = (): ImportScope => ({ kind: "organisation", organisation: org });
  const line = (fields: Record<string, unknown>) =>
    JSON.stringify({ externalId: "F-1", kind: "course", title: "Imported course", topics: ["trafficking-in-persons"], status: "published", ...fields }) + "\n";

  it("refuses two editions in one language", async () => {
    const plan = await t.services.importer.plan(readListingFile(line({ editions: [{ language: "Thai" }, { language: "th", title: "Again" }] }), "jsonl"), scope());
    expect(plan.ok).toBe(false);
    expect(plan.rows[0].errors["editions.1.language"]).toMatch(/has an edition in this format already.*one edition per language and format/);
  });

  it("refuses to leave a published listing without topics", async () => {
    await t.services.importer.commit(readListingFile(line({}), "jsonl"), scope(), SYSTEM_ACTOR);
    const plan = await t.services.importer.plan(readListingFile(line({ topics: [] }), "jsonl"), scope());
    expect(plan.ok).toBe(false);
    expect(plan.rows[0].errors.topics).toBe("must keep at least one topic while the listing is published");
  });
});
