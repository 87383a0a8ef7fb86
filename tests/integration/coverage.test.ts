import { parse as parseCsv } from "csv-parse/sync";
import type { Express } from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoverageOverview, CoverageService, NO_COUNTRY_NAME, REGION_LANGUAGES } from "../../src/modules/coverage/coverage.service";
import { Report, ReportItem, ReportItemLink, ReportSection } from "../../src/modules/reports/report.entities";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation, buildResource } from "../helpers/factories";

let t: TestApp;
let app: Express;
let coverage: CoverageService;
/** Coverage before and after a draft and a members-only listing were added. */
let beforeHidden: CoverageOverview;
let afterHidden: CoverageOverview;

const REPORT_SLUG = "test-progress-report";

/** The app the requests go to: the real one. */
const appUnderTest = (t: TestApp): Express => t.app;

beforeAll(async () => {
  t = await createTestApp();
  app = appUnderTest(t);
  coverage = t.services.coverage;

  // Listings the public does not see, in a language and topic and country of their own.
  beforeHidden = await coverage.overview();
  const hiddenOwner = await buildOrganisation(t, { name: "Hidden Listings Agency", countryCode: "KHM" });
  const draft = await buildResource(t, { ownerId: hiddenOwner.id, status: "draft", topicSlugs: ["people-smuggling"], editions: [{ languageTag: "km" }] });
  await buildResource(t, { ownerId: hiddenOwner.id, visibility: "members", topicSlugs: ["people-smuggling"], editions: [{ languageTag: "km" }] });
  afterHidden = await coverage.overview();

  // An owner whose name a spreadsheet would read as a formula, and a page as markup.
  const trickyOwner = await buildOrganisation(t, { name: "=SUM(1+1) <script>alert(1)</script>", countryCode: "THA" });
  await buildResource(t, { ownerId: trickyOwner.id, topicSlugs: ["trafficking-in-persons"], editions: [{ languageTag: "th" }], sessions: [{ startDate: "2031-03-01", languageTag: "km" }] });

  // A progress report: two sections, three items; one item answered by two listings, one only by a draft.
  const reports = t.dataSource.getRepository(Report);
  const sections = t.dataSource.getRepository(ReportSection);
  const items = t.dataSource.getRepository(ReportItem);
  const links = t.dataSource.getRepository(ReportItemLink);
  const report = await reports.save(reports.create({ slug: REPORT_SLUG, title: "Test progress report", publishedOn: "2024-06-30", introduction: null }));
  const border = await sections.save(sections.create({ reportId: report.id, position: 1, title: "Border management" }));
  const protection = await sections.save(sections.create({ reportId: report.id, position: 2, title: "=Protection" }));
  const [first, , third] = await items.save([
    items.create({ reportId: report.id, sectionId: border.id, number: "1.1", position: 1, action: "Train frontline officers", who: null, details: null }),
    items.create({ reportId: report.id, sectionId: border.id, number: "1.2", position: 2, action: "Share alerts", who: null, details: null }),
    items.create({ reportId: report.id, sectionId: protection.id, number: "2.1", position: 3, action: "Identify victims", who: null, details: null }),
  ]);
  const published = await t.dataSource.query("SELECT id FROM resources WHERE status = 'published' AND visibility = 'public' ORDER BY id LIMIT 2");
  await links.save([
    links.create({ itemId: first.id, resourceId: Number(published[0].id), relation: "delivers", note: null, createdById: null }),
    links.create({ itemId: first.id, resourceId: Number(published[1].id), relation: "supports", note: null, createdById: null }),
    links.create({ itemId: third.id, resourceId: draft.id, relation: "delivers", note: null, createdById: null }),
  ]);
});
afterAll(async () => t.close());

interface Expected {
  /** `${topicSlug}|${languageTag}` → listings */
  cells: Map<string, number>;
  /** topic slug → listings in any language */
  topicTotals: Map<string, number>;
  topicSlugs: string[];
  /** language tag → listings */
  languages: Map<string, number>;
  /** every tag of the languages table */
  knownTags: Set<string>;
  listings: number;
  /** organisation slug → listings */
  organisations: Map<string, number>;
  /** country code (or "") → listings */
  countries: Map<string, number>;
  /** report slug → sections in order */
  reports: Map<string, Array<{ title: string; items: number; linked: number }>>;
}

/** Coverage worked out in plain code from the raw rows, without the service's grouping queries. */
async function expectedCoverage(): Promise<Expected> {
  const rows = (sql: string) => t.dataSource.query(sql) as Promise<Array<Record<string, string | number | null>>>;
  const [resources, topics, resourceTopics, editions, sessions, organisations, languages, sections, items, links] = await Promise.all([
    rows("SELECT id, owner_id, status, visibility, language_tag FROM resources"),
    rows("SELECT id, slug, parent_id FROM topics"),
    rows("SELECT resource_id, topic_id FROM resource_topics"),
    rows("SELECT resource_id, language_tag FROM editions"),
    rows("SELECT resource_id, language_tag FROM course_sessions"),
    rows("SELECT id, slug, country_code FROM organisations"),
    rows("SELECT tag FROM languages"),
    rows("SELECT s.id, s.title, s.position, r.slug FROM report_sections s JOIN reports r ON r.id = s.report_id"),
    rows("SELECT id, section_id FROM report_items"),
    rows("SELECT item_id, resource_id FROM report_item_links"),
  ]);
  const visible = resources.filter((r) => r.status === "published" && r.visibility === "public");
  const visibleIds = new Set(visible.map((r) => Number(r.id)));
  const topicById = new Map(topics.map((tp) => [Number(tp.id), tp]));
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  const cells = new Map<string, number>();
  const topicTotals = new Map<string, number>();
  const languageCounts = new Map<string, number>();
  for (const r of visible) {
    const id = Number(r.id);
    const tags = new Set([...editions, ...sessions].filter((e) => Number(e.resource_id) === id && e.language_tag !== null).map((e) => String(e.language_tag)));
    // The language of the listing's own text counts as one of its languages too.
    if (r.language_tag !== null) tags.add(String(r.language_tag));
    const slugs = new Set<string>();
    for (const link of resourceTopics.filter((rt) => Number(rt.resource_id) === id)) {
      const topic = topicById.get(Number(link.topic_id))!;
      slugs.add(String(topic.slug));
      if (topic.parent_id !== null) slugs.add(String(topicById.get(Number(topic.parent_id))!.slug));
    }
    for (const tag of tags) add(languageCounts, tag);
    for (const slug of slugs) {
      add(topicTotals, slug);
      for (const tag of tags) add(cells, `${slug}|${tag}`);
    }
  }

  const ownerOf = new Map(organisations.map((o) => [Number(o.id), o]));
  const organisationCounts = new Map<string, number>();
  const countryCounts = new Map<string, number>();
  for (const r of visible) {
    const owner = ownerOf.get(Number(r.owner_id))!;
    add(organisationCounts, String(owner.slug));
    add(countryCounts, owner.country_code === null ? "" : String(owner.country_code));
  }

  const reports = new Map<string, Array<{ title: string; items: number; linked: number; position: number }>>();
  for (const s of sections) {
    const own = items.filter((i) => Number(i.section_id) === Number(s.id));
    const linked = own.filter((i) => links.some((l) => Number(l.item_id) === Number(i.id) && visibleIds.has(Number(l.resource_id))));
    const list = reports.get(String(s.slug)) ?? [];
    list.push({ title: String(s.title), items: own.length, linked: linked.length, position: Number(s.position) });
    reports.set(String(s.slug), list);
  }
  for (const list of reports.values()) list.sort((a, b) => a.position - b.position);

  return {
    cells,
    topicTotals,
    topicSlugs: topics.map((tp) => String(tp.slug)),
    languages: languageCounts,
    knownTags: new Set(languages.map((l) => String(l.tag))),
    listings: visible.length,
    organisations: organisationCounts,
    countries: countryCounts,
    reports,
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The matrix cell of a topic and a language, by the header ids it names. */
function matrixCell(html: string, topicSlug: string, tag: string): { className: string; content: string } {
  const pattern = new RegExp(`<td class="([^"]*)" headers="(?:[^"]* )?cov-topic-${escapeRegExp(topicSlug)} cov-lang-${escapeRegExp(tag)}">(.*?)</td>`);
  const match = pattern.exec(html);
  if (!match) throw new Error(`no cell for ${topicSlug} × ${tag}`);
  return { className: match[1], content: match[2] };
}

const numberIn = (content: string) => Number(/(\d+)/.exec(content.replace(/<[^>]+>/g, ""))?.[1]);

describe("coverage figures", () => {
  it("count each listing under each of its topics and languages, themes once, as the raw rows say", async () => {
    const expected = await expectedCoverage();
    const matrix = await coverage.topicLanguageMatrix();
    const rows = matrix.groups.flatMap((g) => [g.theme, ...g.topics]);
    expect(rows.map((r) => r.slug).sort()).toEqual([...expected.topicSlugs].sort());
    for (const row of rows) {
      expect(row.total, row.slug).toBe(expected.topicTotals.get(row.slug) ?? 0);
      for (const l of matrix.languages) expect(row.counts[l.tag], `${row.slug} × ${l.tag}`).toBe(expected.cells.get(`${row.slug}|${l.tag}`) ?? 0);
    }
    expect(matrix.listings).toBe(expected.listings);
    expect(typeof matrix.listings).toBe("number");
  });

  it("show every language with a listing and the region's main languages, which come first", async () => {
    const expected = await expectedCoverage();
    const matrix = await coverage.topicLanguageMatrix();
    const region = REGION_LANGUAGES.filter((tag) => expected.knownTags.has(tag));
    expect(matrix.languages.map((l) => l.tag).sort()).toEqual([...new Set([...region, ...expected.languages.keys()])].sort());
    expect(matrix.languages.slice(0, region.length).map((l) => l.tag)).toEqual(region);
    for (const l of matrix.languages) expect(l.listings, l.tag).toBe(expected.languages.get(l.tag) ?? 0);
  });

  it("count listings per organisation and per country of the owner, most first", async () => {
    const expected = await expectedCoverage();
    const organisations = await coverage.byOrganisation();
    expect(new Map(organisations.map((o) => [o.slug, o.listings]))).toEqual(expected.organisations);
    expect(organisations.map((o) => o.listings)).toEqual([...organisations.map((o) => o.listings)].sort((a, b) => b - a));

    const countries = await coverage.byCountry();
    expect(new Map(countries.map((c) => [c.code ?? "", c.listings]))).toEqual(expected.countries);
    expect(countries.find((c) => c.code === null)?.name).toBe(NO_COUNTRY_NAME);
    expect(countries.find((c) => c.code === "THA")?.name).toBe("Thailand");
  });

  it("give each report section's items and those a published listing is linked to", async () => {
    const expected = await expectedCoverage();
    const reports = await coverage.reportCoverage();
    expect(reports.map((r) => r.slug).sort()).toEqual([...expected.reports.keys()].sort());
    for (const r of reports) {
      const sections = expected.reports.get(r.slug)!;
      expect(
        r.sections.map((s) => ({ title: s.title, items: s.items, linked: s.linked })),
        r.slug,
      ).toEqual(sections.map(({ title, items, linked }) => ({ title, items, linked })));
      expect(r.total.items).toBe(sections.reduce((n, s) => n + s.items, 0));
      expect(r.total.linked).toBe(sections.reduce((n, s) => n + s.linked, 0));
    }
    const report = reports.find((r) => r.slug === REPORT_SLUG)!;
    // An item linked to two listings counts once; one linked only to a draft does not count.
    expect(report.sections.map((s) => s.percent)).toEqual([50, 0]);
    expect(report.total).toEqual({ items: 3, linked: 1, percent: 33 });
    expect(await coverage.reportCoverageFor("no-such-report")).toBeNull();
  });

  it("leave drafts and members-only listings out", () => {
    expect(afterHidden).toEqual(beforeHidden);
    expect(afterHidden.organisations.map((o) => o.name)).not.toContain("Hidden Listings Agency");
  });

  it("sum up to the headline figures", async () => {
    const expected = await expectedCoverage();
    const { headline, matrix } = await coverage.overview();
    expect(headline.listings).toBe(expected.listings);
    expect(headline.organisations).toBe(expected.organisations.size);
    expect(headline.languages).toBe(expected.languages.size);
    const rows = matrix.groups.flatMap((g) => [g.theme, ...g.topics]);
    expect(headline.topics).toBe(expected.topicSlugs.length);
    expect(headline.topicGaps).toBe(expected.topicSlugs.filter((slug) => !expected.topicTotals.has(slug)).length);
    expect(headline.topicGaps).toBe(rows.filter((r) => r.total === 0).length);
  });
});

describe("coverage page", () => {
  it("shows the headline figures and the matrix with the counts of the database", async () => {
    const expected = await expectedCoverage();
    const res = await request(app).get("/coverage").expect(200).expect("content-type", /html/);
    const html = res.text;
    expect(html).toContain("<h1>Coverage at a glance</h1>");
    expect(html).toContain(`<strong>${expected.listings}</strong> published listings`);
    expect(html).toContain(`<strong>${expected.organisations.size}</strong> organisations with listings`);
    expect(html).toContain(`<strong>${expected.languages.size}</strong> languages covered`);

    const matrix = await coverage.topicLanguageMatrix();
    for (const row of matrix.groups.flatMap((g) => [g.theme, ...g.topics])) {
      for (const l of matrix.languages) {
        const count = expected.cells.get(`${row.slug}|${l.tag}`) ?? 0;
        const cell = matrixCell(html, row.slug, l.tag);
        expect(numberIn(cell.content), `${row.slug} × ${l.tag}`).toBe(count);
        if (count > 0) expect(cell.content).toContain(`href="/catalogue?topic=${row.slug}&amp;language=${l.tag}"`);
      }
    }
  });

  it("marks a topic and language without listings as a gap, for eyes and for screen readers", async () => {
    const expected = await expectedCoverage();
    const html = (await request(app).get("/coverage").expect(200)).text;
    const matrix = await coverage.topicLanguageMatrix();
    const [slug, tag] = matrix.groups
      .flatMap((g) => [g.theme, ...g.topics])
      .flatMap((r) => matrix.languages.map((l) => [r.slug, l.tag]))
      .find(([s, l]) => !expected.cells.has(`${s}|${l}`))!;
    const gap = matrixCell(html, slug, tag);
    expect(gap.className).toBe("heat heat-gap");
    expect(gap.content).toBe('0<span class="visually-hidden"> gap</span>');
    expect(gap.content).not.toContain("<a ");
    const filled = matrixCell(html, "trafficking-in-persons", "th");
    expect(filled.className).not.toContain("heat-gap");
  });

  it("charts organisations, countries and report sections as labelled images next to tables of their numbers", async () => {
    const expected = await expectedCoverage();
    const html = (await request(app).get("/coverage").expect(200)).text;
    const reports = await coverage.reportCoverage();
    expect(html.match(/<svg [^>]*role="img"[^>]*aria-labelledby="[^"]+"/g)?.length).toBe(2 + reports.length);
    for (const r of reports) expect(html).toContain(`<a href="/reports/${r.slug}">`);
    expect(html).toContain('<title id="chart-organisations-title">Listings per organisation</title>');
    expect(html).toContain('<caption id="organisations-caption">');

    for (const o of await coverage.byOrganisation()) {
      const row = new RegExp(`<a href="/organisations/${escapeRegExp(o.slug)}">[^<]*</a></th><td>[^<]*</td><td class="number">(\\d+)</td>`).exec(html);
      expect(Number(row?.[1]), o.slug).toBe(expected.organisations.get(o.slug));
    }
    for (const c of await coverage.byCountry()) {
      const row = new RegExp(`<tr><th scope="row">${escapeRegExp(c.name)}</th><td class="number">\\d+</td><td class="number">(\\d+)</td></tr>`).exec(html);
      expect(Number(row?.[1]), c.name).toBe(expected.countries.get(c.code ?? ""));
    }
    expect(html).toContain(`<tr><th scope="row">${NO_COUNTRY_NAME}</th>`);

    expect(html).toContain(`<a href="/reports/${REPORT_SLUG}">Test progress report</a>`);
    expect(html).toContain('<tr><th scope="row">Border management</th><td class="number">2</td><td class="number">1</td><td class="number">50%</td></tr>');
    expect(html).toContain('<tr><th scope="row">=Protection</th><td class="number">1</td><td class="number">0</td><td class="number">0%</td></tr>');
    expect(html).toContain('<tr><th scope="row">Whole report</th><td class="number">3</td><td class="number">1</td><td class="number">33%</td></tr>');
    expect(html).toContain(`href="/coverage/reports/${REPORT_SLUG}.csv"`);
    expect(html).not.toContain("No progress reports imported yet");
  });

  it("shows an empty catalogue as all gaps, empty charts and no report", async () => {
    const bare = await createTestApp({ demo: false });
    try {
      const html = (await request(appUnderTest(bare)).get("/coverage").expect(200)).text;
      expect(html).toContain("No progress reports imported yet");
      expect(html).toContain("<strong>0</strong> published listings");
      expect(html).toContain("No listings yet");
      expect(html).not.toMatch(/NaN|undefined/);
      const cells = [...html.matchAll(/<td class="heat ([^"]*)" headers="[^"]*cov-lang-[^"]*">/g)].map((m) => m[1]);
      expect(cells.length).toBeGreaterThan(0);
      expect(new Set(cells)).toEqual(new Set(["heat-gap"]));
    } finally {
      await bare.close();
    }
  });

  it("escapes names, needs no script and uses no inline style", async () => {
    const html = (await request(app).get("/coverage").expect(200)).text;
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("=SUM(1+1) &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toMatch(/<script/);
    expect(html).not.toMatch(/style=/);
    expect(html).not.toMatch(/<style/);
  });

  it("refuses query parameters", async () => {
    const res = await request(app).get("/coverage?x=1").expect(400);
    expect(res.text).toContain("is not a known parameter");
    await request(app).get("/coverage/organisations.csv?x=1").expect(400);
  });
});

describe("coverage downloads", () => {
  const csv = (text: string) => {
    expect(text.startsWith("\uFEFF")).toBe(true);
    return parseCsv(text, { columns: true, bom: true }) as Array<Record<string, string>>;
  };
  const today = new Date().toISOString().slice(0, 10);

  it("give the topic and language matrix as CSV, with the service's numbers", async () => {
    const res = await request(app).get("/coverage/topics-languages.csv").expect(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toMatch(new RegExp(`^attachment; filename="?coverage-topics-languages-${today}\\.csv"?$`));
    const matrix = await coverage.topicLanguageMatrix();
    const records = csv(res.text);
    const bySlug = new Map(records.map((r) => [r.slug, r]));
    for (const g of matrix.groups) {
      for (const row of [g.theme, ...g.topics]) {
        const record = bySlug.get(row.slug)!;
        expect(record.level).toBe(row === g.theme ? "theme" : "topic");
        expect(Number(record.any_language)).toBe(row.total);
        for (const l of matrix.languages) expect(Number(record[l.tag]), `${row.slug} × ${l.tag}`).toBe(row.counts[l.tag]);
      }
    }
    const all = records.find((r) => r.level === "all")!;
    expect(Number(all.any_language)).toBe(matrix.listings);
    for (const l of matrix.languages) expect(Number(all[l.tag])).toBe(l.listings);
  });

  it("give listings per organisation and per country as CSV, formulas neutralised", async () => {
    const organisations = await request(app).get("/coverage/organisations.csv").expect(200);
    expect(organisations.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(organisations.headers["content-disposition"]).toMatch(new RegExp(`^attachment; filename="?coverage-organisations-${today}\\.csv"?$`));
    const records = csv(organisations.text);
    expect(records.map((r) => [r.slug, Number(r.listings)])).toEqual((await coverage.byOrganisation()).map((o) => [o.slug, o.listings]));
    expect(records.map((r) => r.organisation)).toContain("'=SUM(1+1) <script>alert(1)</script>");

    const countries = await request(app).get("/coverage/countries.csv").expect(200);
    expect(countries.headers["content-disposition"]).toMatch(new RegExp(`^attachment; filename="?coverage-countries-${today}\\.csv"?$`));
    expect(csv(countries.text).map((r) => [r.country_code || null, r.country, Number(r.organisations), Number(r.listings)])).toEqual(
      (await coverage.byCountry()).map((c) => [c.code, c.name, c.organisations, c.listings]),
    );
  });

  it("give a report's coverage as CSV, with its total", async () => {
    const res = await request(app).get(`/coverage/reports/${REPORT_SLUG}.csv`).expect(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toMatch(new RegExp(`^attachment; filename="?coverage-report-${REPORT_SLUG}-${today}\\.csv"?$`));
    expect(csv(res.text)).toEqual([
      { position: "1", section: "Border management", items: "2", items_linked: "1", percent_linked: "50" },
      { position: "2", section: "'=Protection", items: "1", items_linked: "0", percent_linked: "0" },
      { position: "total", section: "All sections", items: "3", items_linked: "1", percent_linked: "33" },
    ]);
  });

  it("answer 404 for a report that does not exist", async () => {
    await request(app).get("/coverage/reports/no-such-report.csv").expect(404);
    await request(app).get("/coverage/reports/Not_A_Slug.csv").expect(404);
  });
});
