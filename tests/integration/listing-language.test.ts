import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import type { Organisation } from "../../src/modules/organisations/organisation.entity";
import { readListingFile, writeListingFile } from "../../src/modules/transfer/listing-file";
import { TestApp, withTestApp } from "../helpers/app";
import { buildOrganisation, buildResource } from "../helpers/factories";
import { listingForm } from "../helpers/forms";
import { Agent, signedIn } from "../helpers/sessions";

/** A listing records the language of its own text: the form and the import ask for it, coverage tells a listing without one from a gap. */
let t: TestApp;
let org: Organisation;
let agent: Agent;
let token: string;

withTestApp({}, (app) => (t = app));
beforeAll(async () => {
  org = await buildOrganisation(t, { slug: "language-org", name: "Language Organisation" });
  ({ agent, token } = await signedIn(t, { email: "editor@language.example", organisationId: org.id, role: "editor" }));
});

const languageOf = async (id: number) => (await t.services.editor.find(id))!.languageTag;
const listingsOf = async (ownerId: number) => Number((await t.dataSource.query("SELECT COUNT(*) AS n FROM resources WHERE owner_id = ?", [ownerId]))[0].n);
const selected = (html: string) => /<select id="languageTag" name="languageTag"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1].match(/<option value="([^"]+)" selected>/)?.[1] ?? null;

describe("the demo catalogue", () => {
  it("gives every demo listing English, the language the 2017 report describes them in", async () => {
    const [{ n }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM resources WHERE language_tag IS NULL OR language_tag <> 'en'");
    expect(Number(n)).toBe(0);
    const { total } = await t.services.catalogue.list({ language: "en", page: 1, pageSize: 1 });
    expect(total).toBe(await t.services.catalogue.countAll());
  });
});

describe("the workspace form", () => {
  it("offers the page's language for a new listing, and the title's script's when it has one", async () => {
    expect(selected((await agent.get("/workspace/listings/new?lang=th").expect(200)).text)).toBe("th");
    expect(selected((await agent.get("/workspace/listings/new?lang=en").expect(200)).text)).toBe("en");
    const khmer = await buildResource(t, { ownerId: org.id, status: "draft", title: "សៀវភៅណែនាំសម្រាប់មន្ត្រី" });
    expect(selected((await agent.get(`/workspace/listings/${khmer.id}/edit`).expect(200)).text)).toBe("km");
  });

  it("refuses a listing without its language, next to the field, and stores nothing", async () => {
    const before = await listingsOf(org.id);
    const res = await agent
      .post("/workspace/listings")
      .type("form")
      .send({ ...listingForm({ title: "Course without a language" }), languageTag: "", _csrf: token })
      .expect(400);
    expect(res.text).toMatch(/<select id="languageTag" name="languageTag" required aria-invalid="true" aria-describedby="languageTag-error">/);
    expect(res.text).toMatch(/<p class="field-error" id="languageTag-error">/);
    expect(res.text).toContain('value="Course without a language"');
    const unknown = await agent
      .post("/workspace/listings")
      .type("form")
      .send({ ...listingForm({ title: "Course in Klingon" }), languageTag: "tlh", _csrf: token })
      .expect(400);
    expect(unknown.text).toMatch(/<p class="field-error" id="languageTag-error">/);
    expect(await listingsOf(org.id)).toBe(before);
  });

  it("stores the language chosen, and keeps it through an edit that does not send one", async () => {
    const res = await agent
      .post("/workspace/listings")
      .type("form")
      .send({ ...listingForm({ title: "Pelatihan petugas imigrasi" }), languageTag: "id", _csrf: token })
      .expect(303);
    const id = Number(/\/workspace\/listings\/(\d+)/.exec(res.headers.location)![1]);
    expect(await languageOf(id)).toBe("id");
    const listing = (await t.services.editor.find(id))!;
    await agent
      .post(`/workspace/listings/${id}`)
      .type("form")
      .send({ ...listingForm({ title: "Pelatihan petugas imigrasi dasar" }), version: String(listing.version), _csrf: token })
      .expect(303);
    expect(await languageOf(id)).toBe("id");
    await agent
      .post(`/workspace/listings/${id}`)
      .type("form")
      .send({ ...listingForm({ title: "Pelatihan petugas imigrasi dasar" }), languageTag: "ms", version: String(listing.version + 1), _csrf: token })
      .expect(303);
    expect(await languageOf(id)).toBe("ms");
  });
});

describe("the import", () => {
  const row = (externalId: string, fields: Record<string, unknown> = {}) =>
    JSON.stringify({ externalId, kind: "course", title: `Immigration course ${externalId}`, topics: ["trafficking-in-persons"], ...fields });

  it("takes a row's language, and suggests one for a row that gives none: the title's script's, else the import's", async () => {
    const file = [row("L-1", { language: "Khmer" }), row("L-2", { title: "คู่มือการคัดแยกผู้เสียหาย" }), row("L-3")].join("\n");
    const result = await t.services.importer.commit(readListingFile(file, "jsonl"), { kind: "organisation", organisation: org }, SYSTEM_ACTOR, { defaultLanguage: "vi" });
    expect(result.counts).toMatchObject({ create: 3, reject: 0 });
    const byExternalId = new Map((await t.services.exporter.rows(org.id)).map((r) => [r.externalId, r]));
    expect(byExternalId.get("L-1")?.language).toBe("km");
    expect(byExternalId.get("L-2")?.language).toBe("th");
    expect(byExternalId.get("L-3")?.language).toBe("vi");
  });

  it("refuses a language it does not know, on its line", async () => {
    const plan = await t.services.importer.plan(readListingFile(row("L-9", { language: "Klingon" }), "jsonl"), { kind: "organisation", organisation: org });
    expect(plan.rows[0].action).toBe("reject");
    expect(plan.rows[0].errors.language).toMatch(/^"Klingon" is not a known language/);
  });

  it("round-trips the language through CSV, and a row without one keeps the saved language", async () => {
    const rows = (await t.services.exporter.rows(org.id)).filter((r) => r.externalId.startsWith("L-"));
    const again = await t.services.importer.plan(readListingFile(writeListingFile(rows, "csv"), "csv"), { kind: "organisation", organisation: org });
    expect(again.counts).toMatchObject({ unchanged: rows.length, update: 0, reject: 0 });
    const withoutLanguage = rows.map(({ language: _l, ...rest }) => rest);
    const kept = await t.services.importer.plan(readListingFile(writeListingFile(withoutLanguage, "jsonl"), "jsonl"), { kind: "organisation", organisation: org }, { defaultLanguage: "fil" });
    expect(kept.counts).toMatchObject({ unchanged: rows.length, update: 0 });
  });
});

describe("coverage", () => {
  it("counts a listing that names no language apart, and not as a gap of any language", async () => {
    const owner = await buildOrganisation(t);
    await buildResource(t, { ownerId: owner.id, title: "Listing of no stated language", topicSlugs: ["trafficking-in-persons"] });
    const matrix = await t.services.coverage.topicLanguageMatrix();
    expect(matrix.unstated).toBeGreaterThanOrEqual(1);
    const theme = matrix.groups.flatMap((g) => [g.theme, ...g.topics]).find((row) => row.slug === "trafficking-in-persons")!;
    expect(theme.unstated).toBeGreaterThanOrEqual(1);
    // English is no gap for trafficking in persons: the demo listings under it are in English.
    expect(theme.counts.en).toBeGreaterThan(0);
    const page = await request(t.app).get("/coverage").expect(200);
    expect(page.text).toContain('<th scope="col" id="cov-no-language">Not stated</th>');
    expect(page.text).toMatch(new RegExp(`<td class="matrix-unstated" headers="cov-all-topics cov-no-language">${matrix.unstated}</td>`));
  });
});
