import { describe, expect, it } from "vitest";
import { formatDay, formatDayRange, todayUtc } from "../../src/http/dates";
import { renderMarkdown } from "../../src/http/markdown";
import { hrefWith, paginate } from "../../src/http/pagination";
import { slugify } from "../../src/modules/catalogue/slug";

describe("slugify", () => {
  it("makes lowercase ASCII kebab-case from any title", () => {
    expect(slugify("Quick Reference Guide (QRG) – Interviewing Victims")).toBe("quick-reference-guide-qrg-interviewing-victims");
    expect(slugify("Tiếng Việt & Khmer")).toBe("tieng-viet-and-khmer");
    expect(slugify("ខ្មែរ")).toBe("");
  });

  it("cuts long titles at a word boundary", () => {
    const slug = slugify("word ".repeat(40), 30);
    expect(slug.length).toBeLessThanOrEqual(30);
    expect(slug.endsWith("-")).toBe(false);
  });
});

describe("pagination", () => {
  it("keeps the other parameters and leaves out empty ones and page 1", () => {
    expect(hrefWith("/catalogue", { q: "a b", topic: undefined, upcoming: false, page: 2 })).toBe("/catalogue?q=a+b&page=2");
    const p = paginate("/catalogue", { kind: "course" }, 1, 3);
    expect(p.previous).toBeNull();
    expect(p.next).toBe("/catalogue?kind=course&page=2");
    expect(p.links.map((l) => l?.href)).toEqual(["/catalogue?kind=course", "/catalogue?kind=course&page=2", "/catalogue?kind=course&page=3"]);
  });

  it("shows gaps between far pages", () => {
    const p = paginate("/x", {}, 10, 20);
    expect(p.links.map((l) => (l ? l.number : "…"))).toEqual([1, "…", 8, 9, 10, 11, 12, "…", 20]);
    expect(p.links.find((l) => l?.current)?.number).toBe(10);
  });
});

describe("markdown", () => {
  it("keeps formatting and links, drops scripts, handlers and javascript: links", () => {
    const html = renderMarkdown('# Title\n\n**bold** [ok](https://example.org) [bad](javascript:alert(1)) <script>x()</script> <b onclick="x()">b</b>');
    expect(html).toContain("<h3>Title</h3>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain('<a href="https://example.org" rel="nofollow noopener">ok</a>');
    expect(html).not.toMatch(/script|onclick|javascript:/);
    expect(renderMarkdown(null)).toBe("");
  });
});

describe("dates", () => {
  it("formats calendar days and ranges without shifting them by time zone", () => {
    expect(formatDay("2017-04-04")).toBe("4 April 2017");
    expect(formatDayRange("2017-04-04", null)).toBe("4 April 2017");
    expect(formatDayRange("2017-04-04", "2017-04-04")).toBe("4 April 2017");
    expect(formatDayRange("2015-09-28", "2015-10-28")).toMatch(/^28 September\s–\s28 October 2015$/u);
    expect(todayUtc(new Date("2026-01-02T23:59:00Z"))).toBe("2026-01-02");
  });
});
