import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import type { Organisation } from "../../src/modules/organisations/organisation.entity";
import { ImportBatch } from "../../src/modules/transfer/import-batch.entity";
import { readListingFile, writeListingFile } from "../../src/modules/transfer/listing-file";
import { ImportOptions, ImportRejectedError, ImportScope } from "../../src/modules/transfer/listing-importer.service";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation } from "../helpers/factories";
import { runEntry } from "../helpers/process";
import { Agent, csrfTokenIn, signedIn } from "../helpers/sessions";
import { TABLES } from "../helpers/tables";

let t: TestApp;
let orgA: Organisation;
let orgB: Organisation;

const jsonl = (...rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

const course = (externalId: string, fields: Record<string, unknown> = {}) => ({
  externalId,
  kind: "course",
  title: `Course ${externalId}`,
  topics: ["trafficking-in-persons"],
  ...fields,
});

/** Row counts of every table: what "changes nothing" is checked against. */
async function tableCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    if (table === "http_sessions" || table === "sign_in_limits") continue;
    const [row] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
    counts[table] = Number(row.n);
  }
  return counts;
}

async function importText(content: string, scope: ImportScope, format: "jsonl" | "csv" = "jsonl", options: ImportOptions = {}) {
  return t.services.importer.commit(readListingFile(content, format), scope, SYSTEM_ACTOR, options);
}

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  orgA = await buildOrganisation(t, { slug: "org-a", name: "Organisation A", shortName: "ORGA" });
  orgB = await buildOrganisation(t, { slug: "org-b", name: "Organisation B", shortName: "ORGB" });
});
afterAll(async () => t.close());

describe("bulk import", () => {
  const scopeA = (): ImportScope => ({ kind: "organisation", organisation: orgA });

  it("dry run lists what would happen and changes nothing; commit writes it all; a second import is a no-op", async () => {
    const file = jsonl(
      course("A-1", {
        title: "Victim identification for frontline officers",
        topics: ["Trafficking in persons", "TIP"],
        audiences: ["Immigration officers"],
        deliveryMode: "In person",
        languages: ["English", "km"],
        editions: [{ language: "Thai", title: "คู่มือ", url: "https://example.org/th" }],
        sessions: [{ start: "2027-03-01", end: "2027-03-05", city: "Phnom Penh", country: "Cambodia", language: "Khmer" }],
        status: "published",
        contact: { name: "Training desk", email: "Training@Example.org" },
        isFree: true,
      }),
      course("A-2", { kind: "Quick reference guide", status: "draft" }),
    );
    const before = await tableCounts();
    const plan = await t.services.importer.plan(readListingFile(file, "jsonl"), scopeA());
    expect(plan.ok).toBe(true);
    expect(plan.counts).toEqual({ create: 2, update: 0, unchanged: 0, reject: 0 });
    expect(plan.rows.map((r) => [r.line, r.externalId, r.action])).toEqual([
      [1, "A-1", "create"],
      [2, "A-2", "create"],
    ]);
    expect(await tableCounts()).toEqual(before);

    const result = await importText(file, scopeA());
    expect(result.counts.create).toBe(2);
    const listing = await t.services.editor.find(result.changedIds[0]);
    expect(listing).toMatchObject({
      title: "Victim identification for frontline officers",
      ownerId: orgA.id,
      externalId: "A-1",
      deliveryMode: "in-person",
      status: "published",
      contactEmail: "training@example.org",
      isFree: true,
    });
    expect(listing!.topics!.map((x) => x.slug)).toEqual(["trafficking-in-persons"]);
    expect(listing!.audiences!.map((x) => x.slug)).toEqual(["immigration-officers"]);
    expect(listing!.editions!.map((e) => e.languageTag).sort()).toEqual(["en", "km", "th"]);
    expect(listing!.sessions![0]).toMatchObject({ startDate: "2027-03-01", endDate: "2027-03-05", countryCode: "KHM", languageTag: "km" });
    const second = await t.services.editor.find(result.changedIds[1]);
    expect(second!.kind).toBe("quick-reference-guide");

    const afterFirst = await tableCounts();
    const again = await importText(file, scopeA());
    expect(again.counts).toEqual({ create: 0, update: 0, unchanged: 2, reject: 0 });
    expect(again.changedIds).toEqual([]);
    expect(await tableCounts()).toEqual(afterFirst);
    expect((await t.services.editor.find(result.changedIds[0]))!.version).toBe(listing!.version);
  });

  it("a bad row rejects the whole file, naming its line and the values it would accept", async () => {
    const before = await tableCounts();
    const file = jsonl(course("B-1"), course("B-2", { topics: ["Smugling"] }), course("B-3", { sessions: [{ start: "2027-05-02", end: "2027-05-01" }] }), course("B-4", { ownerId: 99 }));
    const plan = await t.services.importer.plan(readListingFile(file, "jsonl"), scopeA());
    expect(plan.ok).toBe(false);
    expect(plan.counts).toEqual({ create: 1, update: 0, unchanged: 0, reject: 3 });
    const rejected = plan.rows.filter((r) => r.action === "reject");
    expect(rejected.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(rejected[0].errors.topics).toMatch(/^"Smugling" is not a known topic; accepted: .*people-smuggling.*trafficking-in-persons/);
    expect(rejected[1].errors["sessions.0.end"]).toBe("must not be before the start date");
    expect(rejected[2].errors.ownerId).toBe("is not a known field");
    await expect(importText(file, scopeA())).rejects.toThrow(ImportRejectedError);
    await expect(importText(file, scopeA())).rejects.toThrow(/line 2, topics/);
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses unknown languages and countries, bad addresses, __proto__ keys and broken lines, each on its line", async () => {
    const before = await tableCounts();
    const file = [
      JSON.stringify(course("C-1", { languages: ["Klingon"] })),
      JSON.stringify(course("C-2", { sessions: [{ start: "2027-01-01", country: "Atlantis" }] })),
      JSON.stringify(course("C-3", { url: "javascript:alert(1)" })),
      '{"__proto__": {"admin": true}, "externalId": "C-4", "kind": "course", "title": "Polluted", "topics": ["trafficking-in-persons"]}',
      "{not json",
      JSON.stringify(course("C-6", { title: "x".repeat(301) })),
      JSON.stringify(course("C-1")),
    ].join("\n");
    const plan = await t.services.importer.plan(readListingFile(file, "jsonl"), scopeA());
    const errors = Object.fromEntries(plan.rows.map((r) => [r.line, r.errors]));
    expect(errors[1].languages).toMatch(/^"Klingon" is not a known language; accepted: .*\bkm\b/);
    expect(errors[2]["sessions.0.country"]).toMatch(/^"Atlantis" is not a known country; accepted: .*KHM/);
    expect(errors[3].url).toBe("must be an address starting with http:// or https://");
    expect(errors[4].row).toMatch(/__proto__/);
    expect(errors[5].row).toMatch(/^is not valid JSON/);
    expect(errors[6].title).toBe("must be at most 300 characters");
    expect(plan.rows[6].action).toBe("create");
    expect(await tableCounts()).toEqual(before);
    expect(Object.prototype).not.toHaveProperty("admin");
  });

  it("updates a listing matched by externalId, moving its version on and auditing the change", async () => {
    const created = await importText(jsonl(course("D-1", { summary: "First summary", sessions: [{ start: "2027-02-01" }] })), scopeA());
    const id = created.changedIds[0];
    const before = (await t.services.editor.find(id))!;
    const updated = await importText(jsonl(course("D-1", { summary: "Second summary", sessions: [{ start: "2027-02-01" }, { start: "2027-06-01", online: true }] })), scopeA());
    expect(updated.counts).toEqual({ create: 0, update: 1, unchanged: 0, reject: 0 });
    expect(updated.rows[0].changes).toEqual(["summary", "sessions"]);
    const after = (await t.services.editor.find(id))!;
    expect(after.summary).toBe("Second summary");
    expect(after.sessions).toHaveLength(2);
    expect(after.version).toBe(before.version + 1);
    const [event] = await t.dataSource.query("SELECT action, changes FROM audit_events WHERE entity_type = 'resource' AND entity_id = ? ORDER BY id DESC LIMIT 1", [String(id)]);
    expect(event.action).toBe("resource.updated");
    expect(JSON.parse(event.changes).summary).toEqual(["First summary", "Second summary"]);
  });

  it("keeps organisations apart: the same externalId in two organisations is two listings, and a row may not name another owner", async () => {
    await importText(jsonl(course("E-1")), { kind: "organisation", organisation: orgB });
    const plan = await t.services.importer.plan(readListingFile(jsonl(course("E-1"), course("E-2", { organisation: "ORGB" })), "jsonl"), scopeA());
    expect(plan.rows[0].action).toBe("create");
    expect(plan.rows[1].errors.organisation).toBe('"ORGB" is not Organisation A; this import is for Organisation A only');
  });

  it("lets a curator import for several organisations, creating unknown ones unverified", async () => {
    const file = jsonl(
      course("F-1", { organisation: "ORGA" }),
      course("F-2", { organisation: "Pacific Immigration Academy" }),
      course("F-3", { organisation: "Pacific Immigration Academy" }),
      course("F-4"),
    );
    const plan = await t.services.importer.plan(readListingFile(file, "jsonl"), { kind: "several" });
    expect(plan.rows[3].errors.organisation).toMatch(/is required when importing for several organisations/);
    const valid = jsonl(course("F-1", { organisation: "ORGA" }), course("F-2", { organisation: "Pacific Immigration Academy" }), course("F-3", { organisation: "Pacific Immigration Academy" }));
    const dry = await t.services.importer.plan(readListingFile(valid, "jsonl"), { kind: "several" });
    expect(dry.newOrganisations).toEqual(["Pacific Immigration Academy"]);
    expect(await t.services.organisations.findBySlug("pacific-immigration-academy")).toBeNull();
    const result = await importText(valid, { kind: "several" });
    expect(result.counts.create).toBe(3);
    const created = await t.services.organisations.findBySlug("pacific-immigration-academy");
    expect(created).toMatchObject({ name: "Pacific Immigration Academy", verified: false });
    const owners = await t.dataSource.query("SELECT external_id, owner_id FROM resources WHERE external_id IN ('F-1','F-2','F-3') ORDER BY external_id");
    expect(owners.map((o: { owner_id: number }) => Number(o.owner_id))).toEqual([orgA.id, created!.id, created!.id]);
    const again = await importText(valid, { kind: "several" });
    expect(again.counts).toEqual({ create: 0, update: 0, unchanged: 3, reject: 0 });
  });

  it("reads CSV to the same listings as JSON Lines", async () => {
    const csv = [
      "externalId,kind,title,topics,languages,sessions,editions,isFree,contactEmail",
      'G-1,Course,"Interviewing, with care",trafficking-in-persons; people-smuggling,English; Thai,2027-04-04/2027-04-07,"[{""language"":""km"",""title"":""Khmer edition""}]",yes,desk@example.org',
    ].join("\r\n");
    const fromCsv = await t.services.importer.plan(readListingFile(csv, "csv"), scopeA());
    expect(fromCsv.ok).toBe(true);
    await importText(csv, scopeA(), "csv");
    const same = jsonl(
      course("G-1", {
        kind: "course",
        title: "Interviewing, with care",
        topics: ["people-smuggling", "trafficking-in-persons"],
        languages: ["en", "th"],
        editions: [{ language: "km", title: "Khmer edition" }],
        sessions: [{ start: "2027-04-04", end: "2027-04-07" }],
        isFree: true,
        contact: { email: "desk@example.org" },
      }),
    );
    const plan = await t.services.importer.plan(readListingFile(same, "jsonl"), scopeA());
    expect(plan.rows[0]).toMatchObject({ action: "unchanged", line: 1 });
  });

  it("refuses a CSV it cannot read, naming the line", () => {
    expect(() => readListingFile("externalId,kind,title\nx,course,Title", "csv")).toThrow(/Line 1: the header must name the columns topics/);
    expect(() => readListingFile("externalId,kind,title,topics,colour\n", "csv")).toThrow(/Line 1: unknown column "colour"/);
    expect(() => readListingFile('externalId,kind,title,topics\nx,course,"Unclosed,tip\n', "csv")).toThrow(/Line \d+: the CSV cannot be read/);
    expect(() => readListingFile("externalId,kind,title,topics\nx,course,Title\n", "csv")).toThrow(/Line 2/);
  });

  it("exports in both formats, neutralising formulas, and the export imports back unchanged", async () => {
    await importText(jsonl(course("H-1", { title: '=HYPERLINK("http://evil.example","click")', summary: "+1 for you", description: "- a list item\n- another", acronym: "@ME" })), scopeA());
    const rows = await t.services.exporter.rows(orgA.id);
    expect(rows.length).toBeGreaterThan(5);
    const csv = writeListingFile(rows, "csv");
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csv).toContain("'+1 for you");
    expect(csv).toContain("'@ME");
    expect(csv).not.toMatch(/(^|,)[=+@]/m);
    const before = await tableCounts();
    for (const format of ["csv", "jsonl"] as const) {
      const plan = await importText(writeListingFile(rows, format), scopeA(), format);
      expect(plan.counts).toEqual({ create: 0, update: 0, unchanged: rows.length, reject: 0 });
    }
    expect(await tableCounts()).toEqual(before);
    // Into a fresh organisation, the same file gives listings whose export is the same file.
    const orgC = await buildOrganisation(t, { slug: "org-c", name: "Organisation C" });
    // Copies of another organisation's listings, sessions and all: the importer says they are meant.
    await importText(writeListingFile(rows, "jsonl"), { kind: "organisation", organisation: orgC }, "jsonl", { distinct: true });
    expect(writeListingFile(await t.services.exporter.rows(orgC.id), "jsonl")).toBe(writeListingFile(rows, "jsonl"));
  });

  it("exports listings that have no externalId as listing-<id>, and that file re-imports without copies", async () => {
    const orgD = await buildOrganisation(t, { slug: "org-d", name: "Organisation D" });
    const resource = await t.services.catalogue.create({ ownerId: orgD.id, kind: "course", title: "Made in the workspace", topicSlugs: ["people-smuggling"] }, SYSTEM_ACTOR);
    const rows = await t.services.exporter.rows(orgD.id);
    expect(rows.map((r) => r.externalId)).toEqual([`listing-${resource.id}`]);
    const plan = await importText(writeListingFile(rows, "jsonl"), { kind: "organisation", organisation: orgD });
    expect(plan.counts).toEqual({ create: 0, update: 0, unchanged: 1, reject: 0 });
  });

  it("renders stored HTML and javascript: links of imported descriptions harmless", async () => {
    await importText(
      jsonl(course("J-1", { title: "Imported with markup", status: "published", description: "**Bold** <script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3))" })),
      scopeA(),
    );
    const page = await request(t.app).get("/resources/imported-with-markup").expect(200);
    expect(page.text).toContain("<strong>Bold</strong>");
    expect(page.text).not.toMatch(/<script>alert|onerror=|javascript:/);
  });

  it("queues every imported listing for the search index and the database search text", async () => {
    const result = await importText(jsonl(course("I-1", { title: "Zanzibar border seminar", status: "published" })), scopeA());
    const [outbox] = await t.dataSource.query("SELECT COUNT(*) AS n FROM search_outbox WHERE entity_id = ?", [result.changedIds[0]]);
    expect(Number(outbox.n)).toBe(1);
    const found = await t.services.search.search({ q: "Zanzibar", page: 1, pageSize: 10 }, { member: false });
    expect(found.hits.map((h) => h.slug)).toEqual(["zanzibar-border-seminar"]);
  });
});

describe("what a round trip must survive", () => {
  let org: Organisation;
  const scope = (): ImportScope => ({ kind: "organisation", organisation: org });
  beforeAll(async () => {
    org = await buildOrganisation(t, { slug: "org-round-trip", name: "Round Trip Institute", shortName: "RTI" });
  });

  it("keeps every field of sessions and editions, apostrophes, and listings without topics", async () => {
    const created = await t.services.catalogue.create(
      {
        ownerId: org.id,
        kind: "course",
        title: "'=Not a formula",
        summary: "''+two apostrophes",
        topicSlugs: [],
        editions: [
          { languageTag: "en", title: "Print", format: "PDF" },
          { languageTag: "en", title: "Print", format: "EPUB" },
        ],
        sessions: [{ startDate: "2027-05-01", endDate: "2027-05-03", timeZone: "Asia/Bangkok", venue: "Hall A", capacity: 30, applicationDeadline: "2027-04-01", city: "Bangkok", countryCode: "THA" }],
      },
      SYSTEM_ACTOR,
    );
    const rows = await t.services.exporter.rows(org.id);
    expect(rows[0].sessions![0]).toMatchObject({ venue: "Hall A", timeZone: "Asia/Bangkok", capacity: 30, applicationDeadline: "2027-04-01" });
    const before = await tableCounts();
    for (const format of ["csv", "jsonl"] as const) {
      const result = await importText(writeListingFile(rows, format), scope(), format);
      expect(result.counts).toEqual({ create: 0, update: 0, unchanged: 1, reject: 0 });
    }
    // The same file with its editions in the other order changes nothing either.
    const swapped = [{ ...rows[0], editions: [...rows[0].editions!].reverse() }];
    expect((await importText(writeListingFile(swapped, "jsonl"), scope())).counts.unchanged).toBe(1);
    expect(await tableCounts()).toEqual(before);
    // A session added by import leaves the others' venue, time zone and capacity as they were.
    const more = [{ ...rows[0], sessions: [...rows[0].sessions!, { start: "2027-09-01", status: "planned" }] }];
    expect((await importText(writeListingFile(more, "jsonl"), scope())).counts.update).toBe(1);
    const saved = (await t.services.editor.find(created.id))!.sessions!.find((x) => x.startDate === "2027-05-01")!;
    expect(saved).toMatchObject({ venue: "Hall A", timeZone: "Asia/Bangkok", capacity: 30, applicationDeadline: "2027-04-01" });
    // A new listing still needs a topic, and may not take an id of the export's own form.
    const plan = await t.services.importer.plan(readListingFile(jsonl(course("R-1", { topics: [] }), course("listing-424242")), "jsonl"), scope());
    expect(plan.rows[0].errors.topics).toBe("must name at least one topic");
    expect(plan.rows[1].errors.externalId).toMatch(/ids of the form listing-<number> are given by exports/);
  });

  it("answers a collision with a change saved at the same moment with 409, and keeps nothing", async () => {
    // What a unique index says when another import saved the same listing in between (Postgres runs
    // imports side by side); a trigger stands in for that other import here.
    await t.dataSource.query(
      "CREATE TRIGGER collide BEFORE INSERT ON resources WHEN NEW.external_id = 'COLLIDE-2' BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: resources.owner_id, resources.external_id'); END",
    );
    try {
      const before = await tableCounts();
      const attempt = importText(jsonl(course("COLLIDE-1"), course("COLLIDE-2")), scope());
      await expect(attempt).rejects.toMatchObject({ status: 409, code: "import_collision" });
      expect(await tableCounts()).toEqual(before);
    } finally {
      await t.dataSource.query("DROP TRIGGER collide");
    }
  });

  it("refuses a row nested too deeply instead of failing", async () => {
    const deep = `{"externalId":"D-1","kind":"course","title":"Deep","topics":["TIP"],"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const plan = await t.services.importer.plan(readListingFile(deep + "\n", "jsonl"), scope());
    expect(plan.rows[0].errors.row).toMatch(/nested more than 8 levels deep/);
  });

  it("creates one organisation per name whatever its case, and refuses a name several organisations share", async () => {
    const file = jsonl(course("N-1", { organisation: "Mekong Skills Network" }), course("N-2", { organisation: "mekong  skills network" }));
    expect((await importText(file, { kind: "several" })).counts.create).toBe(2);
    expect((await t.dataSource.query("SELECT COUNT(*) AS n FROM organisations WHERE LOWER(name) = 'mekong skills network'"))[0].n).toBe(1);
    expect((await importText(file, { kind: "several" })).counts.unchanged).toBe(2);
    await buildOrganisation(t, { slug: "twin-one", name: "Twin Academy", shortName: "TA1" });
    await buildOrganisation(t, { slug: "twin-two", name: "Twin academy", shortName: "TA2" }).catch(() => undefined);
    const plan = await t.services.importer.plan(readListingFile(jsonl(course("T-1", { organisation: "twin academy" }), course("T-2", { organisation: "twin-two" })), "jsonl"), { kind: "several" });
    expect(plan.rows[0].errors.organisation).toMatch(/names several organisations \(twin-one, twin-two\); give the slug/);
    expect(plan.rows[1].action).toBe("create");
  });

  it("does not let an organisation take another's acronym", async () => {
    await expect(t.services.organisations.update(org.id, { shortName: "orga" }, SYSTEM_ACTOR)).rejects.toMatchObject({ fields: { shortName: "is already used by Organisation A" } });
    await expect(t.services.organisations.update(org.id, { shortName: "Organisation B" }, SYSTEM_ACTOR)).rejects.toMatchObject({ fields: { shortName: "is already used by Organisation B" } });
  });
});

describe("import and export in the browser", () => {
  const agents: Record<string, Agent> = {};
  const tokenIn = csrfTokenIn;

  beforeAll(async () => {
    agents.editorA = (await signedIn(t, { email: "importer.a@example.org", organisationId: orgA.id, role: "editor" })).agent;
    agents.editorB = (await signedIn(t, { email: "importer.b@example.org", organisationId: orgB.id, role: "editor" })).agent;
    agents.curator = (await signedIn(t, { email: "importer.curator@example.org", siteRole: "curator" })).agent;
  });

  async function upload(agent: Agent, content: string | Buffer, name: string, fields: Record<string, string> = {}, query = "") {
    const token = tokenIn((await agent.get(`/workspace/import${query}`)).text);
    let req = agent.post(`/workspace/import${query}`).field("_csrf", token);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req.attach("file", Buffer.isBuffer(content) ? content : Buffer.from(content), name);
  }

  it("uploads a file to a dry run page, then commits it", async () => {
    const before = await tableCounts();
    const res = await upload(agents.editorA, jsonl(course("W-1", { title: "Uploaded course" }), course("W-2")), "listings.jsonl");
    expect(res.status).toBe(303);
    const page = await agents.editorA.get(res.headers.location).expect(200);
    expect(page.text).toContain("Dry run");
    expect(page.text).toContain("Uploaded course");
    expect(page.text).toMatch(/<strong>2<\/strong> to create/);
    const { import_batches: _b, ...listingTables } = await tableCounts();
    const { import_batches: _a, ...beforeTables } = before;
    expect(listingTables).toEqual(beforeTables);

    // Someone else cannot see or commit it.
    await agents.editorB.get(res.headers.location).expect(404);
    const foreign = tokenIn((await agents.editorB.get("/workspace/import")).text);
    await agents.editorB.post(`${res.headers.location}/commit`).type("form").send({ _csrf: foreign }).expect(404);

    const token = tokenIn(page.text);
    await agents.editorA.post(`${res.headers.location}/commit`).type("form").send({}).expect(403);
    const commit = await agents.editorA.post(`${res.headers.location}/commit`).type("form").send({ _csrf: token }).expect(303);
    const done = await agents.editorA.get(commit.headers.location).expect(200);
    expect(done.text).toContain("Imported");
    expect(done.text).toMatch(/<strong>2<\/strong> created/);
    const [row] = await t.dataSource.query("SELECT COUNT(*) AS n FROM resources WHERE external_id IN ('W-1', 'W-2') AND owner_id = ?", [orgA.id]);
    expect(Number(row.n)).toBe(2);
    // Committing twice imports nothing more.
    await agents.editorA.post(`${res.headers.location}/commit`).type("form").send({ _csrf: token }).expect(303);
    const [again] = await t.dataSource.query("SELECT COUNT(*) AS n FROM resources WHERE external_id IN ('W-1', 'W-2')");
    expect(Number(again.n)).toBe(2);
  });

  it("shows rejected rows with their line and stores nothing, not even the upload", async () => {
    const before = await tableCounts();
    const page = await upload(agents.editorA, "externalId,kind,title,topics\nX-1,course,Fine title,trafficking-in-persons\nX-2,spaceship,Odd,trafficking-in-persons\n", "sheet.csv");
    expect(page.status).toBe(400);
    expect(page.text).toContain("Rejected (1)");
    expect(page.text).toMatch(/<td>3<\/td>\s*<td><code>X-2<\/code>/);
    expect(page.text).toContain("&#34;spaceship&#34; is not a known kind");
    expect(page.text).not.toContain("/commit");
    expect(await tableCounts()).toEqual(before);
  });

  it("asks a curator whose listings the file holds, next to the field", async () => {
    const res = await upload(agents.curator, jsonl(course("Q-1")), "x.jsonl");
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="several-error"');
    expect(res.text).toContain("Organisations tick this");
  });

  it("drops uploads left uncommitted for more than a week, and refuses one older than a day", async () => {
    const [{ id: userId }] = await t.dataSource.query("SELECT id FROM users WHERE email = 'importer.a@example.org'");
    const old = (days: number) => new Date(Date.now() - days * 86_400_000);
    await t.dataSource
      .getRepository(ImportBatch)
      .insert({ token: "a".repeat(32), userId, organisationId: orgA.id, fileName: "old.jsonl", format: "jsonl", content: jsonl(course("OLD-1")), plan: null, committedAt: null, createdAt: old(2) });
    await t.dataSource
      .getRepository(ImportBatch)
      .insert({ token: "b".repeat(32), userId, organisationId: orgA.id, fileName: "older.jsonl", format: "jsonl", content: "", plan: null, committedAt: null, createdAt: old(10) });
    const stale = await agents.editorA.get(`/workspace/import/${"a".repeat(32)}`).expect(404);
    expect(stale.text).toContain("This upload has expired");
    await upload(agents.editorA, jsonl(course("FRESH-1")), "fresh.jsonl");
    const tokens = (await t.dataSource.getRepository(ImportBatch).find()).map((b) => b.token);
    expect(tokens).toContain("a".repeat(32));
    expect(tokens).not.toContain("b".repeat(32));
  });

  it("names an unreadable file next to the field", async () => {
    const res = await upload(agents.editorA, "externalId;kind\n1;course\n", "bad.csv");
    expect(res.status).toBe(400);
    expect(res.text).toContain("line 1: unknown column &#34;externalId;kind&#34;");
    const binary = await upload(agents.editorA, Buffer.from([0xff, 0xfe, 0x00, 0x41]), "data.csv");
    expect(binary.status).toBe(400);
    expect(binary.text).toContain("is not UTF-8 text");
  });

  it("refuses an upload over 20 MB with 413", async () => {
    const res = await upload(agents.editorA, Buffer.alloc(20 * 1024 * 1024 + 1, 0x20), "huge.jsonl");
    expect(res.status).toBe(413);
    expect(res.text).toContain("larger than 20 MB");
  });

  it("keeps imports for several organisations to curators", async () => {
    const refused = await upload(agents.editorA, jsonl(course("S-1", { organisation: "ORGB" })), "x.jsonl", { several: "yes" });
    expect(refused.status).toBe(404);
    const res = await upload(agents.curator, jsonl(course("S-1", { organisation: "Mekong Training Network" })), "x.jsonl", { several: "yes" });
    expect(res.status).toBe(303);
    const page = await agents.curator.get(res.headers.location).expect(200);
    expect(page.text).toContain("Mekong Training Network");
    expect(page.text).toContain("unverified");
  });

  it("downloads an organisation's export as CSV or JSON Lines, and refuses visitors", async () => {
    const csv = await agents.editorA.get("/workspace/export?format=csv").expect(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    expect(csv.headers["content-disposition"]).toMatch(/^attachment; filename="?org-a-listings-\d{4}-\d{2}-\d{2}\.csv"?$/);
    expect(csv.text.split("\n")[0]).toMatch(/^\uFEFFexternalId,organisation,kind,title/);
    const lines = (await agents.editorA.get("/workspace/export?format=jsonl").expect(200)).text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.every((l: { externalId: string }) => l.externalId)).toBe(true);
    expect(lines.some((l: { externalId: string }) => l.externalId === "E-1")).toBe(false);
    await agents.editorA.get("/workspace/export?format=xlsx").expect(400);
    const visitor = await request(t.app).get("/workspace/export?format=csv");
    expect(visitor.status).toBe(303);
  });
});

describe("npm run import", { timeout: 180_000 }, () => {
  it("dry-runs and imports a file from the command line", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "rtc-import-"));
    const seed = runEntry("src/cli/seed.ts", { DATA_DIR: dataDir });
    expect(await seed.exited).toBe(0);
    const file = path.join(dataDir, "listings.jsonl");
    writeFileSync(file, jsonl(course("CLI-1"), course("CLI-2", { topics: ["Nope"] })));
    const refused = runEntry("src/cli/import.ts", { DATA_DIR: dataDir }, ["--org", "jclec", file]);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain("Nothing was imported");
    expect(refused.output()).toContain('line 2 (CLI-2): topics "Nope" is not a known topic');
    writeFileSync(file, jsonl(course("CLI-1"), course("CLI-2")));
    const dry = runEntry("src/cli/import.ts", { DATA_DIR: dataDir }, ["--org", "jclec", "--dry-run", file]);
    expect(await dry.exited).toBe(0);
    expect(dry.output()).toContain("Dry run");
    expect(dry.output()).toContain("2 to create, 0 to update, 0 unchanged, 0 rejected");
    const run = runEntry("src/cli/import.ts", { DATA_DIR: dataDir }, ["--org", "jclec", file]);
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain("2 to create");
    const again = runEntry("src/cli/import.ts", { DATA_DIR: dataDir }, ["--org", "jclec", file]);
    expect(await again.exited).toBe(0);
    expect(again.output()).toContain("0 to create, 0 to update, 2 unchanged, 0 rejected");
    const usage = runEntry("src/cli/import.ts", { DATA_DIR: dataDir }, [file]);
    expect(await usage.exited).toBe(2);
    expect(usage.output()).toContain("Usage:");
  });
});
