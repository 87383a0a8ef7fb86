import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TestApp } from "../helpers/app";
import { signedIn } from "../helpers/sessions";
import { User } from "../../src/modules/accounts/user.entity";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const htmlLang = (html: string) => /<html lang="([^"]+)" dir="([^"]+)">/.exec(html)?.slice(1, 3);

describe("choosing the interface language", () => {
  it("follows Accept-Language on a first visit: km-KH,km;q=0.9 gives Khmer", async () => {
    const res = await request(t.app).get("/").set("Accept-Language", "km-KH,km;q=0.9").expect(200);
    expect(htmlLang(res.text)).toEqual(["km", "ltr"]);
    expect(res.headers["content-language"]).toBe("km");
    expect(res.headers.vary).toMatch(/Accept-Language/);
  });

  it("takes the best offered language by quality, skipping those not offered", async () => {
    const res = await request(t.app).get("/").set("Accept-Language", "de-DE, fr;q=0.9, th;q=0.8, en;q=0.5").expect(200);
    expect(htmlLang(res.text)).toEqual(["th", "ltr"]);
  });

  it("gives Thai for ?lang=th, keeps it in the page's links and forms, and remembers it in a cookie", async () => {
    const res = await request(t.app).get("/catalogue?lang=th").expect(200);
    expect(htmlLang(res.text)).toEqual(["th", "ltr"]);
    expect(res.text).toContain('href="/topics?lang=th"');
    expect(res.text).toMatch(/href="\/resources\/[a-z0-9-]+\?lang=th"/);
    expect(res.text).toMatch(/<form class="search-form" action="\/catalogue" method="get"[^>]*><input type="hidden" name="lang" value="th">/);
    // Links that had a query keep it, with the language added.
    expect(res.text).toMatch(/href="\/catalogue\?topic=[a-z-]+&amp;lang=th"/);
    // Stylesheets and fonts are not pages.
    expect(res.text).toContain('href="/styles.css"');
    expect(String(res.headers["set-cookie"] ?? "")).toMatch(/lang=th;.*HttpOnly/);
  });

  it("keeps ?lang= on a page whose address has other parameters, without counting it as a filter", async () => {
    const res = await request(t.app).get("/catalogue?q=victim&lang=km&sort=title").expect(200);
    expect(htmlLang(res.text)).toEqual(["km", "ltr"]);
    expect(res.text).toContain('href="/catalogue?sort=title&amp;lang=km"');
  });

  it("lets the cookie win over the header", async () => {
    const res = await request(t.app).get("/").set("Cookie", "lang=vi").set("Accept-Language", "th").expect(200);
    expect(htmlLang(res.text)).toEqual(["vi", "ltr"]);
    // No ?lang=: the links stay as they are.
    expect(res.text).toContain('href="/topics"');
  });

  it.each([
    ["an unknown ?lang=", "/?lang=xx", {}],
    ["a malformed ?lang=", "/?lang=%3Cscript%3E", {}],
    ["a repeated ?lang=", "/?lang=th&lang=km", {}],
    ["an unknown cookie", "/", { Cookie: "lang=klingon" }],
    ["a malformed cookie", "/", { Cookie: "lang=%E0%A4%A" }],
    ["an unknown header", "/", { "Accept-Language": "de-DE,fr;q=0.8" }],
    ["a malformed header", "/", { "Accept-Language": ";;q=x,,*;q=2,@@" }],
  ])("falls back to English with no error for %s", async (_name, path, headers) => {
    const res = await request(t.app)
      .get(path)
      .set(headers as Record<string, string>)
      .expect(200);
    expect(htmlLang(res.text)).toEqual(["en", "ltr"]);
    expect(String(res.headers["set-cookie"] ?? "")).not.toMatch(/lang=/);
  });

  it("answers an unknown ?lang= on a page with a strict query as English, not as a bad parameter", async () => {
    await request(t.app).get("/catalogue?lang=zz").expect(200);
    await request(t.app).get("/coverage?lang=th").expect(200);
  });

  it("lays out the right-to-left language right to left", async () => {
    const res = await request(t.app).get("/?lang=ar").expect(200);
    expect(htmlLang(res.text)).toEqual(["ar", "rtl"]);
  });

  it("lists every language in its own name in a switcher that works without JavaScript, and hreflang alternates", async () => {
    const res = await request(t.app).get("/topics").expect(200);
    for (const [tag, name] of [
      ["km", "ភាសាខ្មែរ"],
      ["th", "ไทย"],
      ["vi", "Tiếng Việt"],
      ["id", "Bahasa Indonesia"],
      ["ar", "العربية"],
    ]) {
      expect(res.text).toContain(`<a href="/topics?lang=${tag}" lang="${tag}"`);
      expect(res.text).toContain(`>${name}</a>`);
      expect(res.text).toMatch(new RegExp(`<link rel="alternate" hreflang="${tag}" href="http[^"]+/topics\\?lang=${tag}">`));
    }
    expect(res.text).toMatch(/<link rel="alternate" hreflang="x-default" href="http[^"]+\/topics">/);
  });

  it("stores a signed-in person's choice in their account, which then wins over cookie and header", async () => {
    const { agent } = await signedIn(t, { email: "lang-chooser@example.org" });
    await agent.get("/account?lang=km").expect(200);
    const user = await t.dataSource.getRepository(User).findOneByOrFail({ email: "lang-chooser@example.org" });
    expect(user.language).toBe("km");
    const later = await agent.get("/").set("Cookie", "lang=th").set("Accept-Language", "vi").expect(200);
    expect(htmlLang(later.text)).toEqual(["km", "ltr"]);
  });

  it("answers error pages in the chosen language too", async () => {
    const res = await request(t.app).get("/no-such-page?lang=km").expect(404);
    expect(htmlLang(res.text)).toEqual(["km", "ltr"]);
  });

  it("says why a page was not found, and which filter names nothing, in the reader's language; the API keeps English", async () => {
    const listing = await request(t.app).get("/resources/no-such-listing?lang=id").expect(404);
    expect(listing.text).toContain("Tidak ada entri pada alamat ini. Entri tersebut mungkin telah diarsipkan, atau tautannya salah ketik.");
    expect(listing.text).not.toContain("No listing has this address");
    const topic = await request(t.app).get("/topics/no-such-topic?lang=vi").expect(404);
    expect(topic.text).toContain("Không có chủ đề nào tại địa chỉ này. Xem danh sách chủ đề.");
    const filter = await request(t.app).get("/catalogue?topic=no-such-topic&lang=ms").expect(400);
    expect(filter.text).toContain("tiada topik bernama &#34;no-such-topic&#34;; lihat senarai topik");
    const api = await request(t.app).get("/api/v1/resources?topic=no-such-topic&lang=fil").expect(400);
    expect(api.body.error.fields.topic).toBe('no topic is called "no-such-topic"; see the list of topics');
  });
});

describe("fonts for the region's scripts", () => {
  it("serves the Khmer, Thai, Lao, Burmese, Sinhala and Arabic fonts as WOFF2 from the app itself", async () => {
    const css = await request(t.app).get("/fonts.css").expect(200);
    const files = [...css.text.matchAll(/url\((\/fonts\/[^)]+\.woff2)\)/g)].map((m) => m[1]);
    expect(files.length).toBe(12);
    for (const file of files) {
      const res = await request(t.app).get(file).expect(200);
      expect(res.headers["content-type"]).toMatch(/font\/woff2/);
      expect(Number(res.headers["content-length"])).toBeGreaterThan(1000);
    }
  });

  it("serves nothing else from the font packages", async () => {
    await request(t.app).get("/fonts/noto-sans-khmer-khmer-400-normal.woff").expect(404);
    await request(t.app).get("/fonts/package.json").expect(404);
    await request(t.app).get("/fonts/..%2fpackage.json").expect(404);
  });
});
