import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation, buildResource, daysFromToday } from "../helpers/factories";
import pino from "pino";
import { SearchService } from "../../src/modules/search/search.service";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** Slugs of the listings a catalogue page links to, in order. */
function listedSlugs(html: string): string[] {
  return [...html.matchAll(/<h3 class="card-title"><a href="\/resources\/([a-z0-9-]+)"/g)].map((m) => m[1]);
}

async function slugsFor(query: string): Promise<string[]> {
  const res = await request(t.app).get(`/catalogue?${query}&pageSize=100`).expect(200);
  return listedSlugs(res.text);
}

describe("home page", () => {
  it("says what the catalogue is and shows a search box, counts, topics, languages and the latest listings", async () => {
    const res = await request(t.app).get("/").expect(200).expect("content-type", /html/);
    expect(res.text).toContain("Training for the Bali Process region");
    expect(res.text).toMatch(/<form class="search-box" action="\/catalogue" method="get" role="search">/);
    expect(res.text).toMatch(/<strong>22<\/strong> listings/);
    expect(res.text).toContain('href="/topics/protection-and-asylum"');
    expect(res.text).toContain('href="/languages/km"');
    expect(listedSlugs(res.text).length).toBe(6);
  });

  it("sends security headers and a content security policy without inline script", async () => {
    const res = await request(t.app).get("/").expect(200);
    expect(res.headers["content-security-policy"]).toMatch(/script-src 'self'/);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-powered-by"]).toBeUndefined();
    expect(res.text).not.toMatch(/<script(?![^>]*src=)/);
  });
});

describe("catalogue list", () => {
  it("lists every published listing, 20 a page, with links to the next page", async () => {
    const res = await request(t.app).get("/catalogue").expect(200);
    expect(res.text).toContain("22 listings");
    expect(listedSlugs(res.text).length).toBe(20);
    expect(res.text).toContain('href="/catalogue?page=2" rel="next"');
    const second = await request(t.app).get("/catalogue?page=2").expect(200);
    expect(listedSlugs(second.text).length).toBe(2);
  });

  it("sorts by title unless told otherwise", async () => {
    const slugs = await slugsFor("sort=title");
    const res = await request(t.app).get("/api/v1/resources?pageSize=100&sort=title").expect(200);
    const titles = res.body.data.map((r: { title: string }) => r.title.toLowerCase());
    expect([...titles].sort((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(titles);
    expect(slugs).toEqual(res.body.data.map((r: { slug: string }) => r.slug));
  });

  it("counts every match on every page, and on a page past the end", async () => {
    const [{ n }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM resources WHERE status = 'published' AND visibility = 'public'");
    for (const page of [1, 3, 50]) {
      const res = await request(t.app).get(`/api/v1/resources?pageSize=10&page=${page}`).expect(200);
      expect(res.body.meta).toMatchObject({ total: Number(n), totalPages: Math.ceil(Number(n) / 10) });
      expect(res.body.data.length).toBe(page === 50 ? 0 : Math.min(10, Number(n) - (page - 1) * 10));
    }
  });

  it("narrows by topic, including the sub-topics of a theme", async () => {
    const interviewing = await slugsFor("topic=interviewing-techniques");
    expect(interviewing).toContain("qrg-interviewing-victims-of-trafficking");
    expect(interviewing).not.toContain("rbdes-workshop");
    const theme = await slugsFor("topic=protection-and-asylum");
    expect(theme).toEqual(expect.arrayContaining(interviewing));
    expect(theme.length).toBeGreaterThan(interviewing.length);
  });

  it("narrows by language of an edition", async () => {
    const khmer = await slugsFor("language=km");
    expect(khmer.sort()).toEqual(["qrg-frontline-officers-assessing-travellers-and-documents", "qrg-interviewing-victims-of-trafficking"]);
    expect(await slugsFor("language=si")).toEqual(["qrg-interviewing-victims-of-trafficking"]);
  });

  it("narrows by kind, delivery mode and owner", async () => {
    const qrgs = await slugsFor("kind=quick-reference-guide");
    expect(qrgs.length).toBe(3);
    const inPerson = await slugsFor("mode=in-person");
    expect(inPerson).toContain("rbdes-workshop");
    expect(await slugsFor("org=cifal-jeju")).toEqual(["enhancing-victim-centred-approach-workshops"]);
    expect(await slugsFor("org=rso&kind=quick-reference-guide")).toEqual(qrgs);
  });

  it("narrows by country of the owner or of a session's venue", async () => {
    expect(await slugsFor("country=THA")).toEqual(["rbdes-workshop"]);
    expect((await slugsFor("country=kor")).sort()).toEqual(["enhancing-victim-centred-approach-workshops", "pilot-workshop-irregular-maritime-movements"]);
  });

  it("narrows to listings with upcoming sessions and sorts them by the next one", async () => {
    const owner = await buildOrganisation(t, { countryCode: "IDN" });
    const later = await buildResource(t, { ownerId: owner.id, title: "Later course", sessions: [{ startDate: daysFromToday(60), status: "open" }] });
    const sooner = await buildResource(t, { ownerId: owner.id, title: "Sooner course", sessions: [{ startDate: daysFromToday(10), endDate: daysFromToday(12), status: "open", languageTag: "lo" }] });
    await buildResource(t, { ownerId: owner.id, title: "Cancelled course", sessions: [{ startDate: daysFromToday(5), status: "cancelled" }] });
    expect(await slugsFor("upcoming=true&sort=next-session")).toEqual([sooner.slug, later.slug]);
    expect(await slugsFor("language=lo")).toEqual([sooner.slug]);
    const page = await request(t.app).get(`/resources/${sooner.slug}`).expect(200);
    expect(page.text).toContain("Upcoming");
  });

  it("matches words in titles, acronyms, summaries and owners", async () => {
    expect(await slugsFor("q=RBDES")).toEqual(["rbdes-workshop"]);
    const jeju = await slugsFor("q=jeju");
    expect(jeju).toContain("enhancing-victim-centred-approach-workshops");
    expect(await slugsFor("q=100%25")).toEqual([]);
  });

  it("shows an empty state that offers to remove the filters", async () => {
    const res = await request(t.app).get("/catalogue?q=zzzznothing&kind=app").expect(200);
    expect(res.text).toContain("No listing matches");
    expect(res.text).toContain("Try removing a filter");
    expect(res.text).toContain('href="/catalogue?q=zzzznothing"');
  });

  it("keeps the filters on the pagination links", async () => {
    const res = await request(t.app).get("/catalogue?org=rso&pageSize=5&sort=title").expect(200);
    expect(res.text).toContain('href="/catalogue?org=rso&amp;sort=title&amp;pageSize=5&amp;page=2" rel="next"');
    expect(res.text).toContain('href="/catalogue?sort=title&amp;pageSize=5"><span class="visually-hidden">Remove </span>owner: Regional Support Office of the Bali Process');
  });
});

describe("bad parameters", () => {
  it.each([
    ["page=abc", "page"],
    ["page=0", "page"],
    ["page=1000000000", "page"],
    ["pageSize=500", "pageSize"],
    ["kind=spaceship", "kind"],
    ["mode=telepathy", "mode"],
    ["sort=random", "sort"],
    ["topic=no-such-topic", "topic"],
    ["topic=%3Cscript%3E", "topic"],
    ["language=xx", "language"],
    ["org=nobody", "org"],
    ["country=ZZZ", "country"],
    ["country=12", "country"],
    ["upcoming=maybe", "upcoming"],
    ["colour=blue", "colour"],
    ["topic=a&topic=b", "topic"],
    [`q=${"x".repeat(201)}`, "q"],
  ])("refuses %s with a 400 that names the field", async (query, field) => {
    const res = await request(t.app).get(`/catalogue?${query}`).expect(400).expect("content-type", /html/);
    expect(res.text).toContain(`<strong>${field}</strong>`);
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it("answers the API with a JSON error naming each field", async () => {
    const res = await request(t.app).get("/api/v1/resources?page=0&kind=spaceship").expect(400);
    expect(res.body.error.code).toBe("validation_failed");
    expect(Object.keys(res.body.error.fields).sort()).toEqual(["kind", "page"]);
  });

  it("answers a page past the end with a 404 that says how many pages there are", async () => {
    const res = await request(t.app).get("/catalogue?page=50").expect(404);
    expect(res.text).toMatch(/Page 50 does not exist: this list has \d+ pages?\./);
  });

  it("answers a malformed percent-encoding with a 400, not a 500", async () => {
    await request(t.app).get("/resources/%E0%A4%A").expect(400);
  });
});

describe("resource page", () => {
  it("shows everything about a listing: editions, owner, contact and the ownership statement", async () => {
    const res = await request(t.app).get("/resources/qrg-frontline-officers-assessing-travellers-and-documents").expect(200);
    expect(res.text).toContain("Quick Reference Guide for Frontline Officers");
    for (const language of ["English", "Khmer", "Tetum", "Vietnamese"]) expect(res.text).toContain(`>${language}</a>`);
    expect(res.text).toContain('href="/organisations/rso"');
    expect(res.text).toContain("Listed by its owner, who keeps full ownership; contact them for access.");
    expect(res.text).toContain('href="/topics/document-examination"');
    expect(res.text).toContain("Printed and provided to member countries on request");
  });

  it("shows dated sessions with their place", async () => {
    const res = await request(t.app).get("/resources/enhancing-victim-centred-approach-workshops").expect(200);
    // Date ranges are formatted by Intl (en-GB), which sets the dash between thin spaces.
    expect(res.text).toMatch(/>4\s–\s7 April 2017</u);
    expect(res.text).toMatch(/>21\s–\s24 November 2017</u);
    expect(res.text).toContain("Republic of Korea");
  });

  it("answers an unknown or malformed slug with a helpful 404", async () => {
    for (const path of ["/resources/no-such-listing", "/resources/Not_A_Slug", `/resources/${"a".repeat(300)}`]) {
      const res = await request(t.app).get(path).expect(404);
      expect(res.text).toContain("No listing has this address");
      expect(res.text).toContain('href="/catalogue"');
    }
  });

  it("hides drafts and members-only listings from visitors", async () => {
    const draft = await buildResource(t, { status: "draft", title: "Draft course" });
    const members = await buildResource(t, { visibility: "members", title: "Members course" });
    await request(t.app).get(`/resources/${draft.slug}`).expect(404);
    await request(t.app).get(`/resources/${members.slug}`).expect(404);
    const all = await slugsFor("q=course");
    expect(all).not.toContain(draft.slug);
    expect(all).not.toContain(members.slug);
  });

  it("renders values with HTML in them escaped, and sanitises Markdown", async () => {
    const evil = await buildResource(t, {
      title: '<script>alert("t")</script> Course',
      summary: "<img src=x onerror=alert(1)>",
      description: '**Bold** <script>alert(\'d\')</script> [link](javascript:alert(1)) <a href="https://example.org" onclick="x()">ok</a>',
      acronym: "<b>X</b>",
    });
    const res = await request(t.app).get(`/resources/${evil.slug}`).expect(200);
    expect(res.text).not.toContain("<script>alert");
    expect(res.text).not.toContain("<img src=x");
    expect(res.text).not.toContain("onclick");
    expect(res.text).not.toContain("javascript:");
    expect(res.text).toContain("&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; Course");
    expect(res.text).toContain("&lt;b&gt;X&lt;/b&gt;");
    expect(res.text).toContain("<strong>Bold</strong>");
    const list = await request(t.app).get("/catalogue?q=onerror").expect(200);
    expect(list.text).not.toContain("<img src=x");
    expect(list.text).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("organisations, topics and languages", () => {
  it("lists the contributing organisations with their counts", async () => {
    const res = await request(t.app).get("/organisations").expect(200);
    expect(res.text).toContain("Contributing organisations");
    expect(res.text).toContain('href="/organisations/cifal-jeju"');
    expect(res.text).toMatch(/Jakarta Centre for Law Enforcement Cooperation/);
    // The count is one more fact on the organisation's line, after a separator like the others.
    expect(res.text).toMatch(/ · <span class="count">\d+ listings?<\/span><\/small>/);
    expect(res.text).not.toMatch(/Verified by the RSO<\/small>\s*<span class="count">/);
  });

  it("shows an organisation's profile and its listings", async () => {
    const res = await request(t.app).get("/organisations/cifal-jeju").expect(200);
    expect(res.text).toContain("CIFAL Jeju");
    expect(res.text).toContain("Republic of Korea");
    expect(listedSlugs(res.text)).toEqual(["enhancing-victim-centred-approach-workshops"]);
    await request(t.app).get("/organisations/nobody-at-all").expect(404);
  });

  it("shows the topic tree and a topic's listings with its synonyms", async () => {
    const index = await request(t.app).get("/topics").expect(200);
    expect(index.text).toContain('href="/topics/trafficking-in-persons"');
    const topic = await request(t.app).get("/topics/trafficking-in-persons").expect(200);
    expect(topic.text).toContain("Also known as: TIP");
    expect(topic.text).toContain('href="/topics/law-enforcement-cooperation"');
    expect(listedSlugs(topic.text).length).toBeGreaterThan(0);
    await request(t.app).get("/topics/no-such-topic").expect(404);
  });

  it("shows languages with listings and a language's listings", async () => {
    const index = await request(t.app).get("/languages").expect(200);
    expect(index.text).toContain('<span lang="km" class="native">ខ្មែរ</span>');
    const tetum = await request(t.app).get("/languages/tet").expect(200);
    expect(listedSlugs(tetum.text).sort()).toEqual(["qrg-frontline-officers-assessing-travellers-and-documents", "qrg-interviewing-victims-of-trafficking"]);
    await request(t.app).get("/languages/xx").expect(404);
    await request(t.app).get("/languages/NOT A TAG").expect(404);
  });
});

describe("read API", () => {
  it("lists listings with paging metadata", async () => {
    const res = await request(t.app).get("/api/v1/resources?language=km").expect(200).expect("content-type", /json/);
    expect(res.body.meta).toMatchObject({ total: 2, page: 1, pageSize: 20, totalPages: 1 });
    expect(res.body.data[0]).toHaveProperty("externalId");
  });

  it("returns one listing with its editions and sessions", async () => {
    const res = await request(t.app).get("/api/v1/resources/enhancing-victim-centred-approach-workshops").expect(200);
    expect(res.body.data.owner.slug).toBe("cifal-jeju");
    expect(res.body.data.sessions.map((s: { start: string }) => s.start)).toEqual(["2017-04-04", "2017-11-21"]);
  });

  it("lists topics, languages and organisations", async () => {
    expect((await request(t.app).get("/api/v1/topics").expect(200)).body.data).toHaveLength(6);
    const languages = (await request(t.app).get("/api/v1/languages").expect(200)).body.data;
    expect(languages.find((l: { tag: string }) => l.tag === "km").listings).toBe(2);
    const orgs = (await request(t.app).get("/api/v1/organisations").expect(200)).body.data;
    expect(orgs.find((o: { slug: string }) => o.slug === "rso").listings).toBeGreaterThan(5);
    await request(t.app).get("/api/v1/organisations/rso").expect(200);
  });

  it("answers unknown API paths and slugs with JSON 404s", async () => {
    const res = await request(t.app).get("/api/v1/nothing-here").expect(404).expect("content-type", /json/);
    expect(res.body).toEqual({ error: { code: "not_found", message: expect.any(String) } });
    expect((await request(t.app).get("/api/v1/resources/no-such").expect(404)).body.error.code).toBe("not_found");
  });
});

describe("errors and health", () => {
  it("answers unknown pages with a friendly 404 page", async () => {
    const res = await request(t.app).get("/no/such/page").expect(404).expect("content-type", /html/);
    expect(res.text).toContain("Page not found");
    expect(res.text).toContain('role="search"');
  });

  it("reports liveness and database readiness", async () => {
    expect((await request(t.app).get("/healthz").expect(200)).body).toEqual({ status: "ok" });
    expect((await request(t.app).get("/readyz").expect(200)).body).toEqual({
      status: "ok",
      checks: {
        database: "ok",
        search: { engine: "none", mode: "database", outbox: { pending: expect.any(Number), failing: 0, lastError: null } },
        mail: { transport: "log", state: "ok", outbox: { pending: 0, failing: 0, lastError: null } },
        // No scheduler in this process: no job has run.
        jobs: [],
      },
    });
  });

  it("serves the stylesheet", async () => {
    await request(t.app).get("/styles.css").expect(200).expect("content-type", /css/);
  });
});

describe("search from the database (no engine)", () => {
  it("answers with the filters and facet counts, and says it is degraded", async () => {
    const res = await request(t.app).get("/api/v1/search?q=interviewing&language=km").expect(200);
    expect(res.body).toMatchObject({ degraded: true, facetCounts: true, total: 1 });
    expect(res.body.hits[0].slug).toBe("qrg-interviewing-victims-of-trafficking");
    const page = await request(t.app).get("/catalogue?q=interviewing").expect(200);
    expect(page.text).toContain("Search is running in a reduced mode");
  });

  it("skips facet counts for broad searches, keeping the chosen values", async () => {
    const s = t.services;
    const search = new SearchService(null, "resources", s.catalogue, s.listings, s.topics, s.organisations, s.reference, pino({ level: "silent" }), 5);
    const narrow = await search.search({ kind: "quick-reference-guide", page: 1, pageSize: 20 });
    expect(narrow.facetCounts).toBe(true);
    const wide = await search.search({ topic: "protection-and-asylum", page: 1, pageSize: 20 });
    expect(wide.total).toBeGreaterThan(5);
    expect(wide.facetCounts).toBe(false);
    expect(wide.facets.topics).toEqual([{ value: "protection-and-asylum", name: "Protection and asylum", count: 0, selected: true }]);
    expect(wide.hits.length).toBe(Math.min(20, wide.total));
  });
});
