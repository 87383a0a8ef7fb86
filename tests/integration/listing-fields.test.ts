import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { CourseSession } from "../../src/modules/catalogue/course-session.entity";
import { FIELD_LABELS_EN, LISTING_FIELDS, LISTING_TEXT_FIELDS, type ListingField, rowValueOf, TEXT_FIELD_LABELS } from "../../src/modules/catalogue/listing-fields";
import { Resource } from "../../src/modules/catalogue/resource.entity";
import { listingFormSchema } from "../../src/modules/catalogue/workspace.schemas";
import type { Organisation } from "../../src/modules/organisations/organisation.entity";
import { buildSearchDocument, documentShape } from "../../src/modules/search/search-document";
import { searchTextOf } from "../../src/modules/search/search-text";
import { readListingFile, writeListingFile } from "../../src/modules/transfer/listing-file";
import { CSV_COLUMNS, listingRowSchema } from "../../src/modules/transfer/listing-row";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation } from "../helpers/factories";
import { type Agent, signedIn } from "../helpers/sessions";
import { translator } from "../../src/i18n/i18n";

let t: TestApp;
let organisation: Organisation;
let editor: { agent: Agent; token: string };

/** A value of its own for each text field: a word no listing has, and a second line where the field keeps lines. */
const valueOf = (name: string, lines: string) => `Zq${name}word value of ${name}${lines === "one" ? "" : "\nsecond line"}`;

/** The workspace form of a listing, with every field of the registry filled in. */
function fullForm(extra: Record<string, string | string[]> = {}) {
  return {
    kind: "course",
    title: "Course with every field",
    url: "",
    deliveryMode: "",
    isFree: "",
    contactName: "",
    contactEmail: "",
    visibility: "public",
    topicSlugs: "trafficking-in-persons",
    ...Object.fromEntries(LISTING_TEXT_FIELDS.map((f) => [f.name, valueOf(f.name, f.lines)])),
    _csrf: editor.token,
    ...extra,
  };
}

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  organisation = await buildOrganisation(t, { slug: "fields-org" });
  editor = await signedIn(t, { email: "fields.editor@example.org", organisationId: organisation.id, role: "editor" });
});
afterAll(async () => t.close());

async function createThroughTheForm(): Promise<Resource> {
  // Each test lists the same course again: it says so, as a contributor does when warned of a duplicate.
  const res = await editor.agent
    .post("/workspace/listings")
    .type("form")
    .send(fullForm({ distinct: "yes" }))
    .expect(303);
  const id = Number(/\/workspace\/listings\/(\d+)/.exec(res.headers.location)![1]);
  const listing = (await t.services.editor.find(id))!;
  await t.services.editor.setStatus(id, listing.version, "publish", SYSTEM_ACTOR);
  return (await t.services.editor.find(id))!;
}

describe("the listing field registry", () => {
  it("gives every text field to the form, the import row and the CSV columns", async () => {
    const form = (await editor.agent.get("/workspace/listings/new").expect(200)).text;
    for (const field of LISTING_TEXT_FIELDS) {
      expect(form, field.name).toContain(`name="${field.name}"`);
      expect(form, field.name).toContain(`>${TEXT_FIELD_LABELS[field.name]}</label>`);
      expect(Object.keys(listingFormSchema.shape), field.name).toContain(field.name);
      expect(Object.keys(listingRowSchema.shape), field.name).toContain(field.name);
      expect(CSV_COLUMNS, field.name).toContain(field.name);
    }
  });

  it("stores every text field from the form, and shows it in the export, the API, the listing page and the search text", async () => {
    const listing = await createThroughTheForm();
    const [row] = (await t.services.exporter.rows(organisation.id)).filter((r) => r.title === "Course with every field");
    const api = (await request(t.app).get(`/api/v1/resources/${listing.slug}`).expect(200)).body;
    const page = (await request(t.app).get(`/resources/${listing.slug}`).expect(200)).text;
    const document = buildSearchDocument(listing, await t.services.documentContext.load());
    const searchText = searchTextOf(document);
    for (const field of LISTING_TEXT_FIELDS) {
      const value = valueOf(field.name, field.lines);
      expect(listing[field.name], field.name).toBe(value);
      expect(row[field.name], field.name).toBe(value);
      expect(api.data[field.name], field.name).toBe(value);
      if (field.onPage) {
        expect(page, field.name).toContain(`<dt>${TEXT_FIELD_LABELS[field.name]}</dt>`);
        expect(page, field.name).toContain(value);
      }
      if (field.search !== "none") expect(searchText, field.name).toContain(`Zq${field.name}word`);
      else expect(searchText, field.name).not.toContain(`Zq${field.name}word`);
    }
  });

  it("finds a listing by the words of its details, and not by a field search leaves out", async () => {
    await createThroughTheForm();
    const find = async (q: string) => (await request(t.app).get(`/api/v1/search?q=${q}`).expect(200)).body.total as number;
    expect(await find("ZqlearningOutcomesword")).toBeGreaterThan(0);
    expect(await find("Zqeligibilityword")).toBeGreaterThan(0);
    expect(await find("ZqhowToApplyword")).toBe(0);
  });

  it("keeps a one-line field on one line, and refuses a field over its limit, next to the field, storing nothing", async () => {
    const before = await t.dataSource.getRepository(Resource).count();
    const res = await editor.agent
      .post("/workspace/listings")
      .type("form")
      .send(fullForm({ certificate: "Certificate\r\nof completion", prerequisites: "x".repeat(1001) }))
      .expect(400);
    expect(res.text).toContain('id="prerequisites-error"');
    expect(res.text).toContain("Prerequisites must be at most 1,000 characters");
    expect(await t.dataSource.getRepository(Resource).count()).toBe(before);
    const ok = await editor.agent
      .post("/workspace/listings")
      .type("form")
      .send(fullForm({ title: "One line certificate", certificate: "Certificate\r\nof completion" }))
      .expect(303);
    const id = Number(/\/workspace\/listings\/(\d+)/.exec(ok.headers.location)![1]);
    expect((await t.services.editor.find(id))!.certificate).toBe("Certificate of completion");
  });

  it("refuses an unknown field in the form", async () => {
    const res = await editor.agent
      .post("/workspace/listings")
      .type("form")
      .send(fullForm({ seatsPerCountry: "3" }))
      .expect(400);
    expect(res.text).toContain("is not a known parameter");
  });
});

/** A value of its own for a field of each type: as the form sends it, and as the listing then holds it. */
function sampleOf(field: ListingField): { form: string; stored: string | number | boolean } {
  switch (field.type) {
    case "text":
      return { form: valueOf(field.name, field.lines), stored: valueOf(field.name, field.lines) };
    case "email":
      return { form: `Zq.${field.name}@Example.org`, stored: `zq.${field.name.toLowerCase()}@example.org` };
    case "url":
      return { form: `https://example.org/${field.name}`, stored: `https://example.org/${field.name}` };
    case "boolean":
      return { form: "no", stored: false };
    case "integer":
      return { form: String(field.max), stored: field.max };
    case "date":
      return { form: "2031-02-28", stored: "2031-02-28" };
    case "oneOf":
      return { form: field.choices[field.choices.length - 1], stored: field.choices[field.choices.length - 1] };
    case "languageTag":
      return { form: "km", stored: "km" };
  }
}

describe("the listing field registry, for fields of every type", () => {
  const title = "Course with a field of every type";
  const form = () => ({ ...fullForm({ title, distinct: "yes" }), ...Object.fromEntries(LISTING_FIELDS.map((f) => [f.name, sampleOf(f).form])) });

  it("gives every field to the form, with its label tied to its input, and to the form schema, the import row and the CSV columns", async () => {
    const page = (await editor.agent.get("/workspace/listings/new").expect(200)).text;
    const rowKeys = Object.keys(listingRowSchema.shape);
    for (const field of LISTING_FIELDS) {
      expect(page, field.name).toContain(`name="${field.name}"`);
      expect(page, field.name).toContain(`<label for="${field.name}">${FIELD_LABELS_EN[field.name]}</label>`);
      expect(page, field.name).toMatch(new RegExp(`<(input|select|textarea) id="${field.name}" name="${field.name}"`));
      expect(Object.keys(listingFormSchema.shape), field.name).toContain(field.name);
      expect(rowKeys, field.name).toContain("nested" in field ? field.nested.in : field.name);
      expect(CSV_COLUMNS, field.name).toContain(field.name);
    }
  });

  it("puts each field's error next to it, described by it, and stores nothing", async () => {
    const before = await t.dataSource.getRepository(Resource).count();
    const res = await editor.agent
      .post("/workspace/listings")
      .type("form")
      .send({ ...form(), contactEmail: "not an address", isFree: "perhaps", deliveryMode: "by-carrier-pigeon" })
      .expect(400);
    for (const name of ["contactEmail", "isFree", "deliveryMode"]) {
      expect(res.text, name).toContain(`id="${name}-error"`);
      expect(res.text, name).toMatch(new RegExp(`id="${name}" name="${name}"[^>]*aria-describedby="([^"]* )?${name}-error"[^>]* aria-invalid="true"`));
    }
    expect(res.text).toContain("Contact email must be an email address");
    expect(await t.dataSource.getRepository(Resource).count()).toBe(before);
  });

  it("stores every field from the form, and gives it to the export (both formats, both ways), the API, the page and search's filters", async () => {
    const res = await editor.agent.post("/workspace/listings").type("form").send(form()).expect(303);
    const id = Number(/\/workspace\/listings\/(\d+)/.exec(res.headers.location)![1]);
    const draft = (await t.services.editor.find(id))!;
    await t.services.editor.setStatus(id, draft.version, "publish", SYSTEM_ACTOR);
    const listing = (await t.services.editor.find(id))!;
    const [row] = (await t.services.exporter.rows(organisation.id)).filter((r) => r.title === title);
    const api = (await request(t.app).get(`/api/v1/resources/${listing.slug}`).expect(200)).body.data;
    const page = (await request(t.app).get(`/resources/${listing.slug}`).expect(200)).text;
    const document = buildSearchDocument(listing, await t.services.documentContext.load());
    const { t: en } = translator("en");
    for (const field of LISTING_FIELDS as readonly ListingField[]) {
      const { stored } = sampleOf(field);
      expect(listing[field.name], field.name).toBe(stored);
      expect(rowValueOf(row, field), field.name).toBe(stored);
      expect(field.nested ? api[field.nested.in][field.nested.key] : api[field.name], field.name).toBe(stored);
      if (field.filter) expect(document[field.name], field.name).toBe(stored);
      if (field.onPage && field.type !== "text") expect(page, field.name).toContain(`<dt>${en(field.pageLabel ?? `listing.fields.${field.name}`)}</dt>`);
    }
    expect(page).toContain("<dt>Cost</dt><dd>Fee applies</dd>");
    for (const format of ["jsonl", "csv"] as const) {
      const read = readListingFile(writeListingFile([row], format), format);
      expect(read[0].problems, format).toEqual({});
      const plan = await t.services.importer.plan(read, { kind: "organisation", organisation });
      expect(plan.counts, format).toEqual({ create: 0, update: 0, unchanged: 1, reject: 0 });
    }
  });

  it("refuses a language field's value that names no language of the reference data, before writing", async () => {
    // The listing's own language column stands in for a field of the registry's languageTag type.
    const field = { name: "languageTag", type: "languageTag", group: "about", onPage: false } as const;
    const writer = t.services.writer;
    await expect(writer.checkLanguages(t.dataSource.manager, [{ languageTag: "km" }, { languageTag: null }], [field])).resolves.toBeUndefined();
    await expect(writer.checkLanguages(t.dataSource.manager, [{ languageTag: "km" }, { languageTag: "xx" }], [field])).rejects.toMatchObject({
      fieldKeys: { languageTag: "listing.errors.chooseLanguage" },
    });
  });

  it("refuses a field's bad value in an import row, naming the field", () => {
    const base = { externalId: "T-1", kind: "course", title: "Row with bad values", topics: ["trafficking-in-persons"] };
    const bad = listingRowSchema.safeParse({ ...base, isFree: "sometimes", deliveryMode: "By carrier pigeon", contact: { email: "nobody" } });
    expect(bad.success).toBe(false);
    const byPath = Object.fromEntries((bad.error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
    expect(byPath.isFree).toBe("must be true or false");
    expect(byPath.deliveryMode).toMatch(/^"By carrier pigeon" is not a known delivery mode; accepted: .*in-person/);
    expect(byPath["contact.email"]).toBe("must be an email address");
    const good = listingRowSchema.parse({ ...base, deliveryMode: "Online, self-paced", isFree: null });
    expect(good).toMatchObject({ deliveryMode: "self-paced-online", isFree: null, contact: { name: null, email: null } });
  });
});

describe("sessions for nominations", () => {
  it("stores seats per country, when applications open and close, and interpretation languages, and shows them", async () => {
    const listing = await createThroughTheForm();
    await editor.agent
      .post(`/workspace/listings/${listing.id}/sessions`)
      .type("form")
      .send({
        startDate: "2031-03-10",
        endDate: "2031-03-14",
        city: "Bangkok",
        countryCode: "THA",
        timeZone: "Asia/Bangkok",
        languageTag: "en",
        interpretationLanguages: ["th", "km"],
        seatsPerCountry: "3",
        applicationOpens: "2031-01-05",
        applicationDeadline: "2031-02-01",
        status: "open",
        _csrf: editor.token,
      })
      .expect(303);
    const [session] = await t.dataSource.getRepository(CourseSession).findBy({ resourceId: listing.id });
    expect(session).toMatchObject({ seatsPerCountry: 3, applicationOpens: "2031-01-05", applicationDeadline: "2031-02-01", interpretationLanguages: ["th", "km"], languageTag: "en" });
    const page = (await request(t.app).get(`/resources/${listing.slug}`).expect(200)).text;
    expect(page).toContain("3 seats per country");
    expect(page).toMatch(/Interpretation: Thai, Khmer/);
    const api = (await request(t.app).get(`/api/v1/resources/${listing.slug}`).expect(200)).body.data;
    expect(api.sessions[0]).toMatchObject({ seatsPerCountry: 3, applicationOpens: "2031-01-05", applicationDeadline: "2031-02-01", interpretation: ["th", "km"] });
  });

  it("refuses a session whose applications close before they open, in the form and in an import row, storing nothing", async () => {
    const listing = await createThroughTheForm();
    const res = await editor.agent.post(`/workspace/listings/${listing.id}/sessions`).type("form").send({
      startDate: "2031-03-10",
      endDate: "",
      city: "",
      countryCode: "",
      timeZone: "",
      languageTag: "",
      seatsPerCountry: "",
      applicationOpens: "2031-02-01",
      applicationDeadline: "2031-01-05",
      status: "open",
      _csrf: editor.token,
    });
    expect(res.status).toBe(400);
    expect(await t.dataSource.getRepository(CourseSession).countBy({ resourceId: listing.id })).toBe(0);
    const parsed = listingRowSchema.safeParse({
      externalId: "X-1",
      kind: "course",
      title: "Row with a session",
      topics: ["trafficking-in-persons"],
      sessions: [{ start: "2031-03-10", applicationOpens: "2031-02-01", applicationDeadline: "2031-01-05" }],
    });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain("must not be before applications open");
  });

  it("round-trips every new field through export and import, in JSON Lines and in CSV", async () => {
    const owner = await buildOrganisation(t, { slug: "round-trip-org" });
    await t.services.catalogue.create(
      {
        kind: "course",
        title: "Round trip course",
        externalId: "RT-1",
        ownerId: owner.id,
        status: "published",
        topicSlugs: ["trafficking-in-persons"],
        ...Object.fromEntries(LISTING_TEXT_FIELDS.map((f) => [f.name, valueOf(f.name, f.lines)])),
        sessions: [
          {
            startDate: "2031-05-01",
            endDate: "2031-05-03",
            languageTag: "en",
            interpretationLanguages: ["vi"],
            seatsPerCountry: 2,
            applicationOpens: "2031-03-01",
            applicationDeadline: "2031-04-01",
            status: "open",
          },
        ],
      },
      SYSTEM_ACTOR,
    );
    const rows = await t.services.exporter.rows(owner.id);
    for (const format of ["jsonl", "csv"] as const) {
      const file = writeListingFile(rows, format);
      const read = readListingFile(file, format);
      expect(read.every((r) => Object.keys(r.problems).length === 0)).toBe(true);
      const plan = await t.services.importer.plan(read, { kind: "organisation", organisation: owner });
      expect(plan.counts, format).toEqual({ create: 0, update: 0, unchanged: 1, reject: 0 });
    }
    expect(rows[0].sessions?.[0]).toMatchObject({ interpretation: ["vi"], seatsPerCountry: 2, applicationOpens: "2031-03-01", applicationDeadline: "2031-04-01" });
  });
});

describe("the search index and the document's shape", () => {
  it("rebuilds at start an index built for documents of another shape", async () => {
    const s = await createTestApp({ demo: false, search: true });
    try {
      // The worker makes the index ready as it starts (a new index: built for this shape); once it
      // has, it is stopped, so that the start below is the only one.
      for (const deadline = Date.now() + 60_000; (await s.services.outbox.builtShape(s.indexUid)) !== documentShape();) {
        if (Date.now() > deadline) throw new Error("the worker never built its index");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await s.services.worker!.stop(30_000);
      expect(await s.services.worker!.ensureReady()).toBe(true);
      expect(await s.services.outbox.builtShape(s.indexUid)).toBe(documentShape());
      await s.services.outbox.recordBuilt(s.indexUid, "1:an older shape");
      expect(await s.services.indexer!.shapeChanged()).toBe(true);
      expect(await s.services.worker!.ensureReady()).toBe(true);
      expect(await s.services.outbox.builtShape(s.indexUid)).toBe(documentShape());
      expect(await s.services.indexer!.shapeChanged()).toBe(false);
    } finally {
      await s.close();
    }
  });
});
