import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TestApp } from "../helpers/app";

/** The search page's form: its default order, and links that keep the words typed. */
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

function selectedSort(html: string): string | undefined {
  const select = html.match(/<select id="sort" name="sort">([\s\S]*?)<\/select>/)?.[1] ?? "";
  return select.match(/<option value="([^"]*)" selected>/)?.[1];
}

describe("the search page's sort menu", () => {
  it("starts at the default order, sent as an empty value, not at title", async () => {
    const res = await request(t.app).get("/catalogue").expect(200);
    expect(selectedSort(res.text)).toBe("");
    expect(res.text).toContain('<option value="" selected>Best match</option>');
  });

  it("sorts typed words by relevance when the form sends the default", async () => {
    const res = await request(t.app).get("/api/v1/search?q=interviewing&sort=").expect(200);
    expect(res.body.sort).toBe("relevance");
    const page = await request(t.app).get("/catalogue?q=interviewing&sort=&pageSize=20&upcoming=").expect(200);
    expect(selectedSort(page.text)).toBe("");
  });

  it("keeps an order the person chose", async () => {
    const res = await request(t.app).get("/catalogue?q=guide&sort=title").expect(200);
    expect(selectedSort(res.text)).toBe("title");
    expect((await request(t.app).get("/api/v1/search?q=guide&sort=title").expect(200)).body.sort).toBe("title");
  });

  it("keeps the typed words on facet links, chips and pagination", async () => {
    const res = await request(t.app).get("/catalogue?q=trafficking&pageSize=5").expect(200);
    const facetLinks = [...res.text.matchAll(/<a href="(\/catalogue\?[^"]*topic=[^"]*)"/g)].map((m) => m[1]);
    expect(facetLinks.length).toBeGreaterThan(0);
    for (const href of facetLinks) expect(href).toContain("q=trafficking");
    expect(res.text).toMatch(/href="\/catalogue\?q=trafficking&amp;pageSize=5&amp;page=2" rel="next"/);
  });

  it("puts the results before the filters, which wait behind a Filters button", async () => {
    const res = await request(t.app).get("/catalogue?topic=protection-and-asylum").expect(200);
    expect(res.text).toMatch(/<details class="facets-disclosure" id="filters" data-facets>\s*<summary>Filters \(1 on\)<\/summary>/);
    expect(res.text).toContain('<a class="skip-link" href="#results-heading">Skip to results</a>');
  });
});
