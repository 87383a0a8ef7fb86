import { readFileSync } from "node:fs";
import path from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_REPORT } from "../../src/modules/demo/demo-data";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { ReportExistsError, ReportUnreadableError } from "../../src/modules/reports/report.service";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation } from "../helpers/factories";
import { Agent, signedIn, visitor } from "../helpers/sessions";
import { TABLES } from "../helpers/tables";

const ROOT = path.resolve(__dirname, "../..");
const REPORT_TEXT = readFileSync(path.join(ROOT, "seeds", DEMO_REPORT.file), "utf8");
const fixture = (name: string) => readFileSync(path.join(ROOT, "tests/fixtures/reports", name), "utf8");
const SLUG = DEMO_REPORT.slug;

let t: TestApp;
const people = {} as Record<"visitor" | "editor" | "admin" | "curator", { agent: Agent; token: string }>;

async function tableCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    if (table === "http_sessions" || table === "sign_in_limits") continue;
    counts[table] = Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  }
  return counts;
}

/** The items of a report in order, as stored. */
async function storedItems(slug: string) {
  return t.dataSource.query(
    `SELECT i.number, i.action, i.who, i.details, i.footnotes, s.title AS section, s.position AS section_position
       FROM report_items i JOIN report_sections s ON s.id = i.section_id JOIN reports r ON r.id = i.report_id
      WHERE r.slug = ? ORDER BY i.position`,
    [slug],
  ) as Promise<Array<{ number: string; action: string; who: string | null; details: string | null; footnotes: string | null; section: string; section_position: number }>>;
}

async function linksOf(slug: string, number: string) {
  return t.dataSource.query(
    "SELECT res.slug, l.relation, l.note FROM report_item_links l JOIN report_items i ON i.id = l.item_id JOIN reports r ON r.id = i.report_id JOIN resources res ON res.id = l.resource_id WHERE r.slug = ? AND i.number = ? ORDER BY l.id",
    [slug, number],
  ) as Promise<Array<{ slug: string; relation: string; note: string | null }>>;
}

beforeAll(async () => {
  t = await createTestApp();
  const jclec = (await t.services.organisations.findBySlug("jclec"))!;
  people.visitor = await visitor(t);
  people.editor = await signedIn(t, { email: "editor@reports.example", organisationId: jclec.id, role: "editor" });
  people.admin = await signedIn(t, { email: "admin@reports.example", organisationId: jclec.id, role: "admin" });
  people.curator = await signedIn(t, { email: "curator@reports.example", siteRole: "curator" });
});
afterAll(async () => t.close());

describe("the 2017 report, imported by the seed", () => {
  it("has exactly 6 sections and 29 items, numbered 1.1 to 6.5 in order", async () => {
    const sections = await t.dataSource.query("SELECT s.position, s.number, s.title FROM report_sections s JOIN reports r ON r.id = s.report_id WHERE r.slug = ? ORDER BY s.position", [SLUG]);
    expect(sections.map((s: { title: string }) => s.title)).toEqual([
      "Law enforcement cooperation and capacity building",
      "Information and intelligence sharing",
      "Border Management",
      "Cooperation on returns and reintegration",
      "Protection and asylum management",
      "Member Engagement and Outreach",
    ]);
    const items = await storedItems(SLUG);
    const expected = [6, 6, 6, 2, 4, 5].flatMap((count, s) => Array.from({ length: count }, (_, i) => `${s + 1}.${i + 1}`));
    expect(items.map((i) => i.number)).toEqual(expected);
    expect(items).toHaveLength(29);
    for (const item of items) expect(item.section_position).toBe(Number(item.number.split(".")[0]));
  });

  it("keeps whole texts: the item split by the footnote, the empty who, cells continued after page breaks, the HTML lists", async () => {
    const items = new Map((await storedItems(SLUG)).map((i) => [i.number, i]));
    expect(items.get("4.1")!.action).toBe(
      "Encourage countries of origin to undertake voluntary repatriation and/or the return of those found not to be in need of international protection. Consider expanding the AVRR project.",
    );
    expect(JSON.parse(items.get("4.1")!.footnotes!)).toEqual(["¹ https://thailand.iom.int/sites/default/files/Infosheets/IOM%20Infosheet%20-%20AVRR%20%28For%20Donors%29.pdf"]);
    expect(items.get("4.1")!.details).not.toContain("thailand.iom.int");
    expect(items.get("6.1")!.who).toBeNull();
    expect(items.get("1.1")!.details).toContain("courses and training materials in the Catalogue. Contributors retain full ownership of all training listed in the Catalogue");
    expect(items.get("1.6")!.details).toMatch(/promotion of best practices\. The RSR can be accessed at www\.baliprocess-rso-roadmap\.net$/);
    const list = items.get("6.2")!.details!;
    expect(list).toContain("<ul>");
    expect(list).toContain("Afghanistan 2013 Secondment – included developing a document examination manual for Afghan border officials");
    expect(list).not.toMatch(/style=/);
  });

  it("resolves who is responsible to organisations and countries, and keeps the rest as text", async () => {
    const parties = async (number: string) =>
      (
        await t.dataSource.query(
          "SELECT COALESCE(o.short_name, c.name) AS name FROM report_item_parties p JOIN report_items i ON i.id = p.item_id LEFT JOIN organisations o ON o.id = p.organisation_id LEFT JOIN countries c ON c.code = p.country_code WHERE i.number = ? ORDER BY p.id",
          [number],
        )
      ).map((r: { name: string }) => r.name);
    expect(await parties("2.3")).toEqual(["Bangladesh", "Australia", "IOM"]);
    expect(await parties("1.2")).toEqual(["TIPs WG"]);
    expect(await parties("2.1")).toEqual(["UNODC"]);
    expect(await parties("5.3")).toEqual(["RSO", "CIFAL-Jeju"]);
    expect(await parties("6.1")).toEqual([]);
    expect(await parties("6.3")).toEqual([]);
    const page = await request(t.app).get(`/reports/${SLUG}?org=iom`).expect(200);
    expect(page.text).toContain('id="item-2-3"');
    expect(page.text).toContain('id="item-3-3"');
    expect(page.text).not.toContain('id="item-1-1"');
    expect(page.text).toContain("Affected/interested Bali Process members, RSO, IOM, UNHCR");
  });

  it("links the items to the demo listings they name", async () => {
    expect(await linksOf(SLUG, "3.4")).toEqual([{ slug: "qrg-frontline-officers-assessing-travellers-and-documents", relation: "delivers", note: null }]);
    expect((await linksOf(SLUG, "5.4")).map((l) => l.slug)).toEqual(["qrg-interviewing-victims-of-trafficking", "qrg-interviewing-child-victims-of-trafficking"]);
    const resource = await request(t.app).get("/resources/qrg-frontline-officers-assessing-travellers-and-documents").expect(200);
    expect(resource.text).toContain("In the Bali Process progress reports");
    expect(resource.text).toContain(`href="/reports/${SLUG}#item-3-4"`);
    const api = await request(t.app).get("/api/v1/resources/qrg-frontline-officers-assessing-travellers-and-documents").expect(200);
    expect(api.body.data.reportItems.map((r: { number: string; relation: string }) => `${r.number}:${r.relation}`)).toEqual(["3.4:delivers", "6.2:supports", "6.5:supports"]);
  });
});

describe("importing reports", () => {
  it("reads the same table as HTML and as CSV to the same items", async () => {
    await t.services.reports.importReport(fixture("ahg-2017-10.html"), { slug: "from-html", format: "html" }, SYSTEM_ACTOR);
    await t.services.reports.importReport(fixture("ahg-2017-10.csv"), { slug: "from-csv", format: "csv", title: "Ad Hoc Group Progress Report: October 2017" }, SYSTEM_ACTOR);
    const text = await storedItems(SLUG);
    expect(await storedItems("from-html")).toEqual(text);
    expect(await storedItems("from-csv")).toEqual(text);
  });

  it("refuses malformed input with its line number and leaves the database as it was", async () => {
    const before = await tableCounts();
    const lines = REPORT_TEXT.split("\n");
    const broken = [...lines.slice(0, 20), "3.x\tNot a number\tRSO\tdetails", ...lines.slice(20)].join("\n");
    await expect(t.services.reports.importReport(broken, { slug: "broken" }, SYSTEM_ACTOR)).rejects.toThrow(ReportUnreadableError);
    await expect(t.services.reports.importReport(broken, { slug: "broken" }, SYSTEM_ACTOR)).rejects.toThrow(/line 21: expected/);
    await expect(t.services.reports.importReport("just a title\n\nno table here\n", { slug: "broken" }, SYSTEM_ACTOR)).rejects.toThrow(/line \d+/);
    await expect(t.services.reports.importReport("<html><body><p>No table</p></body></html>", { slug: "broken", format: "html" }, SYSTEM_ACTOR)).rejects.toThrow(ReportUnreadableError);
    await expect(t.services.reports.importReport("number,action,who,status\n1.1,Only an item,RSO,\n", { slug: "broken", format: "csv", title: "x" }, SYSTEM_ACTOR)).rejects.toThrow(/line 2/);
    const deep = `<table><tr><td>${"<div>".repeat(200_000)}x</td></tr></table>`;
    await expect(t.services.reports.importReport(deep, { slug: "broken", format: "html" }, SYSTEM_ACTOR)).rejects.toThrow(ReportUnreadableError);
    expect(await tableCounts()).toEqual(before);
  });

  it("updates a revised report by item number and keeps its links", async () => {
    const before = await linksOf(SLUG, "3.4");
    const revised = REPORT_TEXT.replace(
      "Quick Reference Guide for Frontline Officers – Assessing Travellers and Documents",
      "Quick Reference Guide for Frontline Officers – Assessing Travellers and Documents (revised)",
    );
    expect(revised).not.toBe(REPORT_TEXT);
    const result = await t.services.reports.importReport(revised, { slug: SLUG }, SYSTEM_ACTOR);
    expect(result.updated).toEqual(["3.4"]);
    expect(result.created).toEqual([]);
    expect(result.unchanged).toHaveLength(28);
    expect(await linksOf(SLUG, "3.4")).toEqual(before);
    expect((await storedItems(SLUG)).find((i) => i.number === "3.4")!.action).toMatch(/\(revised\)$/);
    const again = await t.services.reports.importReport(revised, { slug: SLUG }, SYSTEM_ACTOR);
    expect(again.updated).toEqual([]);
  });

  it("never replaces nor duplicates a report whose title matches unless its address is given, and says what updating it would change", async () => {
    const before = await tableCounts();
    const refused = await t.services.reports.importReport(REPORT_TEXT, {}, SYSTEM_ACTOR).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ReportExistsError);
    const exists = refused as ReportExistsError;
    expect(exists.existing.slug).toBe(SLUG);
    expect(exists.fields?.slug).toMatch(new RegExp(`/reports/${SLUG}`));
    // The plan is what the update would do: the revision made above (3.4) goes back.
    expect(exists.plan.updated).toEqual(["3.4"]);
    expect(exists.plan.created).toEqual([]);
    expect(await tableCounts()).toEqual(before);
    // Given another address, the same file is a new report, as asked.
    await expect(t.services.reports.importReport(REPORT_TEXT, { slug: "a-second-copy" }, SYSTEM_ACTOR)).resolves.toMatchObject({ report: { slug: "a-second-copy" } });
    expect((await tableCounts()).report_items).toBe(before.report_items + 29);
    await t.services.reports.deleteReport("a-second-copy", SYSTEM_ACTOR);
  });

  it("offers a curator who uploads a report of the same title to update it, showing what would change", async () => {
    const { agent, token } = people.curator;
    const revised = REPORT_TEXT.replace("Conduct pilot, joint information campaign", "Conduct a pilot, joint information campaign");
    const before = await tableCounts();
    const offer = await agent.post("/reports/import").field("_csrf", token).attach("file", Buffer.from(revised), "report.txt").expect(409);
    expect(offer.text).toContain("Update “Ad Hoc Group Progress Report: October 2017”?");
    expect(offer.text).toMatch(/Change: [^<]*2\.3/);
    expect(offer.text).toContain(`<input type="hidden" name="slug" value="${SLUG}">`);
    expect(await tableCounts()).toEqual(before);
    // Only the person who uploaded has the file at hand.
    await people.admin.agent.post("/reports/import/update").type("form").send({ _csrf: people.admin.token, slug: SLUG }).expect(404);
    await agent.post("/reports/import/update").type("form").send({ _csrf: token, slug: "another-report" }).expect(400);
    const done = await agent.post("/reports/import/update").type("form").send({ _csrf: token, slug: SLUG }).expect(200);
    expect(done.text).toContain("Progress report imported");
    expect((await storedItems(SLUG)).find((i) => i.number === "2.3")!.action).toBe("Conduct a pilot, joint information campaign");
    expect(await t.dataSource.query("SELECT slug FROM reports WHERE title = 'Ad Hoc Group Progress Report: October 2017' ORDER BY slug")).toEqual(expect.arrayContaining([{ slug: SLUG }]));
    expect((await tableCounts()).reports).toBe(before.reports);
    // Once used, the file is gone from the session.
    await agent.post("/reports/import/update").type("form").send({ _csrf: token, slug: SLUG }).expect(400);
  });

  it("lets curators archive a report, out of the list and of coverage, and bring it back, audited", async () => {
    await t.services.reports.importReport(fixture("ahg-2017-10.csv"), { slug: "to-archive", format: "csv", title: "A report to archive" }, SYSTEM_ACTOR);
    const { agent, token } = people.curator;
    const offer = await agent.get("/reports/to-archive/delete").expect(200);
    expect(offer.text).toContain('action="/reports/to-archive/archive"');
    await people.editor.agent.post("/reports/to-archive/archive").type("form").send({ _csrf: people.editor.token, archived: "yes" }).expect(404);
    await agent.post("/reports/to-archive/archive").type("form").send({ _csrf: token, archived: "maybe" }).expect(400);
    expect((await agent.post("/reports/to-archive/archive").type("form").send({ _csrf: token, archived: "yes" }).expect(303)).headers.location).toBe("/reports/to-archive");
    const [event] = await t.dataSource.query("SELECT action FROM audit_events ORDER BY id DESC LIMIT 1");
    expect(event.action).toBe("report.archived");
    expect((await request(t.app).get("/reports").expect(200)).text).not.toContain('href="/reports/to-archive"');
    expect((await request(t.app).get("/api/v1/reports").expect(200)).body.data.map((r: { slug: string }) => r.slug)).not.toContain("to-archive");
    expect((await request(t.app).get("/coverage").expect(200)).text).not.toContain("A report to archive");
    expect((await agent.get("/reports").expect(200)).text).toMatch(/href="\/reports\/to-archive">A report to archive<\/a> <span class="status status-archived">archived<\/span>/);
    // Its page and its items' links stay, and say it is archived.
    const page = (await request(t.app).get("/reports/to-archive").expect(200)).text;
    expect(page).toContain("This report is archived");
    expect((await request(t.app).get("/api/v1/reports/to-archive").expect(200)).body.data.archived).toBe(true);
    expect(page).not.toContain('name="archived" value="no"');
    expect((await agent.get("/reports/to-archive").expect(200)).text).toContain('name="archived" value="no"');
    await agent.post("/reports/to-archive/archive").type("form").send({ _csrf: token, archived: "no" }).expect(303);
    expect((await request(t.app).get("/reports").expect(200)).text).toContain('href="/reports/to-archive"');
    expect((await request(t.app).get("/coverage").expect(200)).text).toContain("A report to archive");
    expect((await request(t.app).get("/api/v1/reports/to-archive").expect(200)).body.data.archived).toBe(false);
    const [back] = await t.dataSource.query("SELECT action FROM audit_events ORDER BY id DESC LIMIT 1");
    expect(back.action).toBe("report.unarchived");
  });

  it("lets curators delete a report with its items and links, after a confirmation, and audits it", async () => {
    await t.services.reports.importReport(fixture("ahg-2017-10.csv"), { slug: "to-delete", format: "csv", title: "A report to delete" }, SYSTEM_ACTOR);
    const { report, item } = await t.services.reports.item("to-delete", "1.1");
    const listing = (await t.services.catalogue.findAnyBySlug("immlo-training-program"))!;
    await t.services.reports.link(item.id, listing.id, "supports", null, SYSTEM_ACTOR);
    const { agent, token } = people.curator;
    expect((await agent.get("/reports/to-delete").expect(200)).text).toContain('href="/reports/to-delete/delete"');
    expect((await request(t.app).get("/reports/to-delete").expect(200)).text).not.toContain("/delete");
    const confirm = await agent.get("/reports/to-delete/delete").expect(200);
    expect(confirm.text).toContain("Delete “A report to delete”?");
    expect(confirm.text).toContain("6 sections, 29 items and 1 link to a listing go with it.");
    for (const other of ["editor", "admin"] as const) {
      await people[other].agent.get("/reports/to-delete/delete").expect(404);
      await people[other].agent.post("/reports/to-delete/delete").type("form").send({ _csrf: people[other].token }).expect(404);
    }
    await people.visitor.agent.post("/reports/to-delete/delete").type("form").send({ _csrf: people.visitor.token }).expect(303);
    expect(await t.services.reports.findBySlug("to-delete")).not.toBeNull();
    const deleted = await agent.post("/reports/to-delete/delete").type("form").send({ _csrf: token }).expect(303);
    expect(deleted.headers.location).toBe("/reports?deleted=1");
    expect((await agent.get(deleted.headers.location).expect(200)).text).toContain("The report was deleted");
    await request(t.app).get("/reports/to-delete").expect(404);
    for (const table of ["report_sections", "report_items"]) expect(Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table} WHERE report_id = ?`, [report.id]))[0].n)).toBe(0);
    expect(Number((await t.dataSource.query("SELECT COUNT(*) AS n FROM report_item_links WHERE item_id = ?", [item.id]))[0].n)).toBe(0);
    expect(await t.services.catalogue.findAnyBySlug("immlo-training-program")).not.toBeNull();
    const [event] = await t.dataSource.query("SELECT action, actor_label, entity_type FROM audit_events ORDER BY id DESC LIMIT 1");
    expect(event).toEqual({ action: "report.deleted", actor_label: "curator@reports.example", entity_type: "report" });
    await agent.post("/reports/to-delete/delete").type("form").send({ _csrf: token }).expect(404);
  });

  it("refuses item numbers it could not keep or link to, and dates that do not exist", async () => {
    const long = REPORT_TEXT.replace("\n6.5\t", "\n6.12345\t");
    await expect(t.services.reports.importReport(long, { slug: "long-numbers" }, SYSTEM_ACTOR)).rejects.toThrow(/expected an item number of at most five parts/);
    const { agent, token } = people.curator;
    const res = await agent.post("/reports/import").field("_csrf", token).field("slug", "bad-date").field("publishedOn", "2017-02-30").attach("file", Buffer.from(REPORT_TEXT), "r.txt").expect(400);
    expect(res.text).toContain("Date is not a real date");
    expect(await t.services.reports.findBySlug("bad-date")).toBeNull();
  });

  it("refuses a revision that drops an item that has links, and changes nothing", async () => {
    const before = await tableCounts();
    const dropped = REPORT_TEXT.split("\n")
      .filter((line) => !line.startsWith("3.4\t"))
      .join("\n");
    await expect(t.services.reports.importReport(dropped, { slug: SLUG }, SYSTEM_ACTOR)).rejects.toThrow(/leaves out items that are linked/);
    expect(await tableCounts()).toEqual(before);
  });

  it("lets curators upload a report table in the browser, and shows what is wrong with a bad one", async () => {
    const { agent, token } = people.curator;
    const ok = await agent
      .post("/reports/import")
      .field("_csrf", token)
      .field("slug", "uploaded-csv")
      .field("title", "Uploaded report")
      .attach("file", Buffer.from(fixture("ahg-2017-10.csv")), "report.csv")
      .expect(200);
    expect(ok.text).toContain("Progress report imported");
    expect(ok.text).toMatch(/<strong>29<\/strong> items added/);
    const bad = await agent
      .post("/reports/import")
      .field("_csrf", token)
      .field("slug", "bad-upload")
      .attach("file", Buffer.from("Title\n\n\tAction/Recommendation\tWho\tStatus/Details\nSection\t\t\t\nX.1\tbad\t\t\n"), "report.txt")
      .expect(400);
    expect(bad.text).toContain("line 5");
    expect(await t.services.reports.findBySlug("bad-upload")).toBeNull();
    const editor = await people.editor.agent
      .post("/reports/import")
      .field("_csrf", people.editor.token)
      .attach("file", Buffer.from(fixture("ahg-2017-10.csv")), "r.csv");
    expect(editor.status).toBe(404);
  });
});

describe("report tables saved from a spreadsheet", () => {
  it("reads a CSV whose section headings sit in the first column, as the printed table has them", async () => {
    const headingsFirst = fixture("ahg-2017-10.csv")
      .split("\n")
      .map((line) => line.replace(/^,([^,"]+),,$/, "$1,,,"))
      .join("\n");
    expect(headingsFirst).toMatch(/^Border Management,,,$/m);
    await t.services.reports.importReport(headingsFirst, { slug: "headings-first", format: "csv", title: "Ad Hoc Group Progress Report: October 2017" }, SYSTEM_ACTOR);
    expect(await storedItems("headings-first")).toEqual(await storedItems("from-csv"));
  });

  it("reads an HTML table whose section headings are the only filled cell of a row, in any column", async () => {
    const html = `<h1>Small report</h1><table><tr><th>#</th><th>Action</th><th>Who</th><th>Status</th></tr>
      <tr><td>Border Management</td><td></td><td></td><td></td></tr><tr><td>1.1</td><td>Train officers</td><td>RSO</td><td><p>Done.</p></td></tr>
      <tr><td></td><td>Returns</td><td></td><td></td></tr><tr><td>2.1</td><td>Return</td><td>IOM</td><td><p>Under way.</p></td></tr></table>`;
    await t.services.reports.importReport(html, { slug: "html-headings", format: "html" }, SYSTEM_ACTOR);
    expect((await storedItems("html-headings")).map((i) => [i.section, i.number, i.action])).toEqual([
      ["Border Management", "1.1", "Train officers"],
      ["Returns", "2.1", "Return"],
    ]);
  });

  it("asks for the title of a CSV that has none, next to the title field, and imports nothing", async () => {
    const before = await tableCounts();
    await expect(t.services.reports.importReport(fixture("ahg-2017-10.csv"), { slug: "no-title", format: "csv" }, SYSTEM_ACTOR)).rejects.toMatchObject({
      fields: { title: expect.stringMatching(/give the report's title/) },
    });
    const { agent, token } = people.curator;
    const res = await agent
      .post("/reports/import")
      .field("_csrf", token)
      .field("slug", "no-title")
      .attach("file", Buffer.from(fixture("ahg-2017-10.csv")), "report.csv")
      .expect(400);
    expect(res.text).toContain('id="title-error"');
    expect(res.text).toContain("this file does not carry one");
    expect(res.text).not.toContain("line 1");
    expect(await tableCounts()).toEqual(before);
  });
});

describe("report pages and API", () => {
  it("lists reports and shows one as a document, with filters", async () => {
    const list = await request(t.app).get("/reports").expect(200);
    expect(list.text).toContain(`href="/reports/${SLUG}"`);
    const page = await request(t.app).get(`/reports/${SLUG}`).expect(200);
    expect(page.text).toContain("29 items.");
    expect(page.text).toContain('href="/resources/qrg-frontline-officers-assessing-travellers-and-documents"');
    expect(page.text).not.toContain('/link"'); // visitors get no linking tools
    const border = await request(t.app).get(`/reports/${SLUG}?section=3`).expect(200);
    expect(border.text).toContain("Showing 6 of 29 items.");
    expect(border.text).not.toContain('id="item-2-1"');
    const gaps = await request(t.app).get(`/reports/${SLUG}?linked=no`).expect(200);
    const unlinked = Number(
      (
        await t.dataSource.query(
          "SELECT COUNT(*) AS n FROM report_items i JOIN reports r ON r.id = i.report_id WHERE r.slug = ? AND NOT EXISTS (SELECT 1 FROM report_item_links l WHERE l.item_id = i.id)",
          [SLUG],
        )
      )[0].n,
    );
    expect(gaps.text).toContain(`Showing ${unlinked} of 29 items.`);
    expect(gaps.text).toContain('id="item-1-1"');
    expect(gaps.text).not.toContain('id="item-3-4"');
    await request(t.app).get(`/reports/${SLUG}?linked=maybe`).expect(400);
    await request(t.app).get(`/reports/${SLUG}?section=3&section=4`).expect(400);
    await request(t.app).get("/reports/no-such-report").expect(404);
  });

  it("shows lists stored before they were mended (text straight inside <ul>) as real list items", async () => {
    await t.services.reports.importReport(fixture("ahg-2017-10.csv"), { slug: "stored-before", format: "csv", title: "Stored before the mend" }, SYSTEM_ACTOR);
    await t.dataSource.query("UPDATE report_items SET details = ? WHERE number = '6.2' AND report_id = (SELECT id FROM reports WHERE slug = 'stored-before')", [
      "<ul> - Jordan 2015 Secondment - UNHCR Ongoing Secondments</ul>",
    ]);
    const page = await request(t.app).get("/reports/stored-before").expect(200);
    expect(page.text).toContain("<ul><li>Jordan 2015 Secondment</li><li>UNHCR Ongoing Secondments</li></ul>");
    await t.services.reports.deleteReport("stored-before", SYSTEM_ACTOR);
  });

  it("answers the API with sections, items and links", async () => {
    const list = await request(t.app).get("/api/v1/reports").expect(200);
    expect(list.body.data.find((r: { slug: string }) => r.slug === SLUG)).toMatchObject({ sections: 6, items: 29 });
    const one = await request(t.app).get(`/api/v1/reports/${SLUG}`).expect(200);
    expect(one.body.data.sections).toHaveLength(6);
    const items = one.body.data.sections.flatMap((s: { items: Array<{ number: string }> }) => s.items);
    expect(items).toHaveLength(29);
    const item34 = items.find((i: { number: string }) => i.number === "3.4");
    expect(item34.links[0]).toMatchObject({ relation: "delivers", resource: { slug: "qrg-frontline-officers-assessing-travellers-and-documents" } });
    const parties = items.find((i: { number: string }) => i.number === "2.3").parties;
    expect(parties.map((p: { kind: string; matched: string }) => `${p.kind}:${p.matched}`)).toEqual(["country:Bangladesh", "country:Australia", "organisation:IOM"]);
    await request(t.app).get("/api/v1/reports/nope").expect(404);
  });

  it("hides links to listings a visitor may not see", async () => {
    const org = await buildOrganisation(t);
    const draft = await t.services.catalogue.create({ ownerId: org.id, kind: "course", title: "Draft linked course", status: "draft" }, SYSTEM_ACTOR);
    const linkedItems = async () => (await request(t.app).get("/api/v1/reports").expect(200)).body.data.find((r: { slug: string }) => r.slug === SLUG).itemsWithLinks;
    const before = await linkedItems();
    const { item } = await t.services.reports.item(SLUG, "1.1");
    await t.services.reports.link(item.id, draft.id, "supports", null, SYSTEM_ACTOR);
    expect(await linkedItems()).toBe(before);
    expect((await request(t.app).get(`/reports/${SLUG}`).expect(200)).text).not.toContain("Draft linked course");
    expect((await people.curator.agent.get(`/reports/${SLUG}`).expect(200)).text).toContain("Draft linked course");
  });
});

describe("linking items to listings", () => {
  const who = ["visitor", "editor", "admin", "curator"] as const;

  it("offers a search picker that works without JavaScript", async () => {
    const page = await people.curator.agent.get(`/reports/${SLUG}/items/1.1/link?q=roadmap`).expect(200);
    expect(page.text).toContain('value="regional-strategic-roadmap-anti-trafficking-policies"');
    expect(page.text).toContain('<script src="/report-picker.js" defer></script>');
    const empty = await people.curator.agent.get(`/reports/${SLUG}/items/1.1/link?q=zzzzqqq`).expect(200);
    expect(empty.text).toContain("No listing matches");
    await people.curator.agent.get(`/reports/${SLUG}/items/9.9/link`).expect(404);
    // A listing linked already says with which relation, and that linking it again changes it.
    const linked = await people.curator.agent.get(`/reports/${SLUG}/items/3.4/link?q=frontline`).expect(200);
    expect(linked.text).toContain("linked already, as “delivers”: linking it again changes its relation and note");
  });

  for (const person of who) {
    it(`${person === "curator" ? "lets" : "refuses"} ${person} link and unlink`, async () => {
      const { agent, token } = people[person];
      const before = await tableCounts();
      const linked = await agent.post(`/reports/${SLUG}/items/1.1/links`).type("form").send({ resource: "immlo-training-program", relation: "supports", note: "Pilot at JCLEC", _csrf: token });
      if (person !== "curator") {
        expect(linked.status).toBe(person === "visitor" ? 303 : 404);
        await agent.get(`/reports/${SLUG}/items/1.1/link`).expect(person === "visitor" ? 303 : 404);
        expect(await tableCounts()).toEqual(before);
        return;
      }
      expect(linked.status).toBe(303);
      expect(linked.headers.location).toBe(`/reports/${SLUG}?done=added&item=1.1&listing=immlo-training-program#item-1-1`);
      const linkedPage = await agent.get(linked.headers.location.replace(/#.*/, "")).expect(200);
      expect(linkedPage.text).toMatch(/<p class="notice" role="status">“Immigration Liaison Officer \(IMMLO\) training program” is now linked to item 1.1, as “supports”.<\/p>/);
      expect(await linksOf(SLUG, "1.1")).toContainEqual({ slug: "immlo-training-program", relation: "supports", note: "Pilot at JCLEC" });
      const [event] = await t.dataSource.query("SELECT action, actor_label FROM audit_events ORDER BY id DESC LIMIT 1");
      expect(event).toEqual({ action: "report.link_added", actor_label: "curator@reports.example" });
      const trail = await agent.get("/workspace/audit").expect(200);
      expect(trail.text).toContain(`<a href="/reports/${SLUG}#item-1-1">report item 1.1</a>`);
      const [{ id }] = await t.dataSource.query(
        "SELECT l.id FROM report_item_links l JOIN resources r ON r.id = l.resource_id JOIN report_items i ON i.id = l.item_id WHERE r.slug = 'immlo-training-program' AND i.number = '1.1'",
      );
      for (const other of ["editor", "admin", "visitor"] as const) {
        const res = await people[other].agent.post(`/reports/${SLUG}/items/1.1/links/${id}/delete`).type("form").send({ _csrf: people[other].token });
        expect(res.status).toBe(other === "visitor" ? 303 : 404);
      }
      expect((await linksOf(SLUG, "1.1")).map((l) => l.slug)).toContain("immlo-training-program");
      // Linking it again with another relation changes the link, and says so.
      const relinked = await agent
        .post(`/reports/${SLUG}/items/1.1/links`)
        .type("form")
        .send({ resource: "immlo-training-program", relation: "delivers", note: "Pilot at JCLEC", _csrf: token })
        .expect(303);
      expect(relinked.headers.location).toContain("done=relation-changed");
      expect((await agent.get(relinked.headers.location.replace(/#.*/, "")).expect(200)).text).toMatch(/linked to item 1.1 already: its relation changed from “supports” to “delivers”/);
      expect((await linksOf(SLUG, "1.1")).filter((l) => l.slug === "immlo-training-program")).toEqual([{ slug: "immlo-training-program", relation: "delivers", note: "Pilot at JCLEC" }]);
      const same = await agent
        .post(`/reports/${SLUG}/items/1.1/links`)
        .type("form")
        .send({ resource: "immlo-training-program", relation: "delivers", note: "Pilot at JCLEC", _csrf: token })
        .expect(303);
      expect((await agent.get(same.headers.location.replace(/#.*/, "")).expect(200)).text).toContain("with this relation and note: nothing changed");
      // The report's page offers to unlink; the confirmation page asks first and changes nothing.
      const page = await agent.get(`/reports/${SLUG}`).expect(200);
      expect(page.text).toContain(`href="/reports/${SLUG}/items/1.1/links/${id}/delete"`);
      const confirm = await agent.get(`/reports/${SLUG}/items/1.1/links/${id}/delete`).expect(200);
      expect(confirm.text).toMatch(/Unlink “Immigration Liaison Officer \(IMMLO\) training program” from item 1.1\?/);
      expect(confirm.text).toContain(`action="/reports/${SLUG}/items/1.1/links/${id}/delete" method="post"`);
      expect((await linksOf(SLUG, "1.1")).map((l) => l.slug)).toContain("immlo-training-program");
      await agent.get(`/reports/${SLUG}/items/1.1/links/999999/delete`).expect(404);
      await people.editor.agent.get(`/reports/${SLUG}/items/1.1/links/${id}/delete`).expect(404);
      const unlinked = await agent.post(`/reports/${SLUG}/items/1.1/links/${id}/delete`).type("form").send({ _csrf: token }).expect(303);
      expect(unlinked.headers.location).toBe(`/reports/${SLUG}?done=unlinked&item=1.1&listing=immlo-training-program#item-1-1`);
      expect((await agent.get(unlinked.headers.location.replace(/#.*/, "")).expect(200)).text).toMatch(/“Immigration Liaison Officer \(IMMLO\) training program” is no longer linked to item 1.1./);
      expect((await linksOf(SLUG, "1.1")).map((l) => l.slug)).not.toContain("immlo-training-program");
      // A stale or hand-made address says nothing false, and a visitor never sees such notices.
      expect((await agent.get(`/reports/${SLUG}?done=added&item=1.1&listing=immlo-training-program`).expect(200)).text).not.toContain('class="notice"');
      expect((await request(t.app).get(`/reports/${SLUG}?done=unlinked&item=1.1&listing=immlo-training-program`).expect(200)).text).not.toContain('class="notice"');
      const [removed] = await t.dataSource.query("SELECT action FROM audit_events ORDER BY id DESC LIMIT 1");
      expect(removed.action).toBe("report.link_removed");
    });
  }

  it("names the wrong field of a bad link and stores nothing", async () => {
    const { agent, token } = people.curator;
    const before = await tableCounts();
    const bad = await agent.post(`/reports/${SLUG}/items/1.1/links`).type("form").send({ resource: "no-such-listing", relation: "owns", q: "roadmap", _csrf: token }).expect(400);
    expect(bad.text).toContain("Relation choose one of delivers, supports, mentions");
    const unknown = await agent.post(`/reports/${SLUG}/items/1.1/links`).type("form").send({ resource: "no-such-listing", relation: "delivers", _csrf: token }).expect(400);
    expect(unknown.text).toContain("Listing is not a listing of the catalogue");
    const noCsrf = await agent.post(`/reports/${SLUG}/items/1.1/links`).type("form").send({ resource: "immlo-training-program", relation: "delivers" });
    expect(noCsrf.status).toBe(403);
    expect(await tableCounts()).toEqual(before);
  });
});
