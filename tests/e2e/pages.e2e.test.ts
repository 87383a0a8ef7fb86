import { readFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_REPORT } from "../../src/modules/demo/demo-data";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation } from "../helpers/factories";
import { seriousViolations, sidewaysOverflow } from "../helpers/axe";
import { BrowserRun, hasChromium, startBrowser } from "../helpers/browser";
import { focusRingContrast } from "../helpers/focus";
import { TEST_PASSWORD } from "../helpers/sessions";

/**
 * Every main page in a real browser (Debian's Chromium), as a visitor and signed in as each role:
 * nothing scrolls sideways on a 390 px phone, and axe-core finds no serious or critical violation
 * (on the curator's report page, with links present). One browser and one page per role.
 */
type Role = "visitor" | "editor" | "admin" | "curator";
const EMAIL: Record<Exclude<Role, "visitor">, string> = { editor: "editor@pages-e2e.example", admin: "admin@pages-e2e.example", curator: "curator@pages-e2e.example" };

let t: TestApp;
let run: BrowserRun;
const contexts = {} as Record<Role, BrowserContext>;
const pages = {} as Record<Role, Page>;
let listing: { slug: string; id: number };
let unlinkPath: string;
/** The listing with the most sessions and editions: the widest management page. */
let richListingId: number;
let sentBackId: number;
const REPORT = `/reports/${DEMO_REPORT.slug}`;
const DEMO_REPORT_TITLE = "Ad Hoc Group Progress Report: October 2017";

const PUBLIC = () => [
  "/",
  "/catalogue",
  "/catalogue?q=trafficking",
  `/resources/${listing.slug}`,
  "/organisations",
  "/organisations/jclec",
  "/topics",
  "/topics/trafficking-in-persons",
  "/languages",
  "/languages/en",
  "/reports",
  REPORT,
  `${REPORT}?section=3&linked=yes`,
  "/coverage",
];
const CONTRIBUTOR = () => [
  "/account",
  "/workspace",
  `/workspace/listings/${listing.id}`,
  `/workspace/listings/${listing.id}/edit`,
  "/workspace/listings/new",
  "/workspace/import",
  "/workspace/enquiries",
];
const ADMIN = () => [...CONTRIBUTOR(), "/workspace/organisation", "/workspace/people", "/workspace/audit"];
const CURATOR = () => [
  "/workspace",
  "/workspace?org=rso",
  `/workspace/listings/${listing.id}`,
  `/workspace/listings/${richListingId}`,
  `/workspace/listings/${richListingId}/edit`,
  "/workspace/listings/new?org=rso",
  "/workspace/import?org=rso",
  "/workspace/organisations",
  "/workspace/organisations/new",
  "/workspace/review",
  "/workspace/links",
  `/workspace/listings/${sentBackId}`,
  "/workspace/audit",
  "/workspace/enquiries",
  "/workspace/enquiries/overdue",
  "/workspace/enquiries/erase",
  "/reports/import",
  REPORT,
  `${REPORT}/items/1.1/link?q=roadmap`,
  unlinkPath,
  `${REPORT}/delete`,
  "/coverage",
];
const PAGES: Record<Role, () => string[]> = { visitor: () => [...PUBLIC(), "/sign-in"], editor: CONTRIBUTOR, admin: ADMIN, curator: CURATOR };

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${run.base}/sign-in`);
  await page.fill("#email", email);
  await page.fill("#password", TEST_PASSWORD);
  await page.click("main button[type=submit]");
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
}

beforeAll(async () => {
  if (!hasChromium) return;
  t = await createTestApp();
  const rso = (await t.services.organisations.findBySlug("rso"))!;
  await t.services.accounts.create({ email: EMAIL.editor, displayName: "Pages editor", password: TEST_PASSWORD, organisationId: rso.id, organisationRole: "editor", siteRole: "none" }, SYSTEM_ACTOR);
  await t.services.accounts.create({ email: EMAIL.admin, displayName: "Pages admin", password: TEST_PASSWORD, organisationId: rso.id, organisationRole: "admin", siteRole: "none" }, SYSTEM_ACTOR);
  await t.services.accounts.create({ email: EMAIL.curator, displayName: "Pages curator", password: TEST_PASSWORD, organisationId: null, organisationRole: null, siteRole: "curator" }, SYSTEM_ACTOR);
  const [row] = await t.dataSource.query("SELECT r.id, r.slug FROM resources r JOIN organisations o ON o.id = r.owner_id WHERE o.slug = 'rso' AND r.status = 'published' ORDER BY r.id LIMIT 1");
  listing = { id: Number(row.id), slug: row.slug };
  const [rich] = await t.dataSource.query(
    "SELECT r.id FROM resources r ORDER BY (SELECT COUNT(*) FROM course_sessions s WHERE s.resource_id = r.id) + (SELECT COUNT(*) FROM editions e WHERE e.resource_id = r.id) DESC, r.id LIMIT 1",
  );
  richListingId = Number(rich.id);
  // A newcomer's listings: one awaiting review, one sent back with a long reason.
  const newcomer = await buildOrganisation(t, { name: "Pages newcomer institute", verified: false });
  await t.services.catalogue.create({ kind: "course", title: "Awaiting review on a phone", ownerId: newcomer.id, status: "pending", topicSlugs: ["trafficking-in-persons"] }, SYSTEM_ACTOR);
  const back = await t.services.catalogue.create({ kind: "course", title: "Sent back on a phone", ownerId: newcomer.id, status: "pending" }, SYSTEM_ACTOR);
  sentBackId = (
    await t.services.review.sendBack(back.id, back.version, "Please give the dates and who may take part: https://example.org/a-very-long-address-that-must-wrap-on-a-phone-screen", SYSTEM_ACTOR)
  ).id;
  const [link] = await t.dataSource.query("SELECT l.id, i.number FROM report_item_links l JOIN report_items i ON i.id = l.item_id ORDER BY l.id LIMIT 1");
  unlinkPath = `${REPORT}/items/${link.number}/links/${link.id}/delete`;
  run = await startBrowser(t);
  for (const role of ["visitor", "editor", "admin", "curator"] as const) {
    contexts[role] = await run.browser.newContext({ viewport: { width: 390, height: 844 } });
    pages[role] = await contexts[role].newPage();
    if (role !== "visitor") await signIn(pages[role], EMAIL[role]);
  }
}, 120_000);

afterAll(async () => {
  await run?.close();
  await t?.close();
});

describe.runIf(hasChromium)("every main page on a 390 px phone", () => {
  it.each(["visitor", "editor", "admin", "curator"] as const)(
    "scrolls no page sideways and has no serious accessibility violation, as %s",
    async (role) => {
      const page = pages[role];
      const problems: string[] = [];
      for (const path of PAGES[role]()) {
        const response = await page.goto(`${run.base}${path}`);
        expect(response?.status(), path).toBe(200);
        const overflow = await sidewaysOverflow(page);
        if (overflow > 0) {
          const wide = await page.evaluate(() =>
            [...document.querySelectorAll("body *")]
              .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest(".table-scroll, .visually-hidden"))
              .slice(0, 3)
              .map((e) => `${e.tagName.toLowerCase()}.${(e as HTMLElement).className}`),
          );
          problems.push(`${path}: ${overflow} px sideways (${wide.join(", ")})`);
        }
        for (const v of await seriousViolations(page)) problems.push(`${path}: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(" | ")}`);
      }
      expect(problems).toEqual([]);
    },
    180_000,
  );
});

describe.runIf(hasChromium)("a curator importing a report the catalogue has already, on a phone", () => {
  it("is offered to update it, sees what would change, and updates it", async () => {
    const page = pages.curator;
    const text = readFileSync(path.resolve(__dirname, "../..", "seeds", DEMO_REPORT.file), "utf8").replace("Conduct pilot, joint information campaign", "Conduct a pilot, joint information campaign");
    await page.goto(`${run.base}/reports/import`);
    await page.setInputFiles("#file", { name: "report.txt", mimeType: "text/plain", buffer: Buffer.from(text) });
    await page.click("main button[type=submit]");
    expect(await page.locator("h1").textContent()).toBe(`Update “${DEMO_REPORT_TITLE}”?`);
    expect(await page.locator("main").textContent()).toMatch(/Change: [^.]*2\.3/);
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.click("button:has-text('Update the report')");
    expect(await page.locator("h1").textContent()).toBe("Progress report imported");
    expect(Number((await t.dataSource.query("SELECT COUNT(*) AS n FROM reports"))[0].n)).toBe(1);
  });
});

describe.runIf(hasChromium)("the keyboard", () => {
  it.each(["visitor", "curator"] as const)(
    "skips to the content first on every page, as %s",
    async (role) => {
      const page = pages[role];
      for (const path of PAGES[role]()) {
        await page.goto(`${run.base}${path}`);
        await page.keyboard.press("Tab");
        expect(await page.evaluate(() => document.activeElement?.textContent?.trim()), path).toBe("Skip to content");
        await page.keyboard.press("Enter");
        expect(await page.evaluate(() => document.activeElement?.id), path).toBe("main");
      }
    },
    120_000,
  );

  it("draws a focus ring of at least 3:1 on every stop of the curator's report page, workspace and coverage", async () => {
    const page = pages.curator;
    for (const path of [REPORT, "/workspace", "/coverage", unlinkPath]) {
      await page.goto(`${run.base}${path}`);
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press("Tab");
        // A short page runs out of stops: focus leaves the document.
        if (await page.evaluate(() => !document.hasFocus() || document.activeElement === document.body)) break;
        const ring = await focusRingContrast(page);
        expect(ring, `${path}: focus stop ${i + 1} has a visible ring`).not.toBeNull();
        expect(ring!.ratio, `${path}: ${ring!.element}: ${ring!.ring} on ${ring!.background}`).toBeGreaterThanOrEqual(3);
      }
    }
  }, 120_000);
});

describe.runIf(hasChromium)("coverage charts on a phone", () => {
  it("writes no chart text smaller than 12 px, and keeps every chart's table in view", async () => {
    const page = pages.visitor;
    await page.goto(`${run.base}/coverage`);
    const sizes = await page.evaluate(() =>
      [...document.querySelectorAll<SVGSVGElement>("svg.chart")]
        .filter((svg) => svg.getBoundingClientRect().width > 0)
        .flatMap((svg) => {
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return [...svg.querySelectorAll("text")].map((text) => parseFloat(getComputedStyle(text).fontSize) * scale);
        }),
    );
    for (const size of sizes) expect(size).toBeGreaterThanOrEqual(12);
    const tables = await page.evaluate(() => [...document.querySelectorAll("table.chart-table")].map((table) => table.getBoundingClientRect().height > 0));
    expect(tables.length).toBeGreaterThan(0);
    expect(tables.every(Boolean)).toBe(true);
  });
});

describe.runIf(hasChromium)("the page's frame on a wide screen", () => {
  it("ends a short page with its footer at the window's bottom, with no band below it", async () => {
    const page = await run.browser.newPage({ viewport: { width: 1280, height: 1400 } });
    for (const path of ["/sign-in", "/languages/tet", "/no-such-page"]) {
      await page.goto(`${run.base}${path}`);
      const { footerBottom, height } = await page.evaluate(() => ({ footerBottom: document.querySelector(".site-footer")!.getBoundingClientRect().bottom, height: window.innerHeight }));
      expect(Math.abs(footerBottom - height), path).toBeLessThanOrEqual(1);
    }
    await page.close();
  });

  it("leaves room between the breadcrumbs and the heading", async () => {
    const page = await run.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${run.base}${REPORT}`);
    const gap = await page.evaluate(() => document.querySelector("main h1")!.getBoundingClientRect().top - document.querySelector(".breadcrumbs")!.getBoundingClientRect().bottom);
    expect(gap).toBeGreaterThanOrEqual(16);
    await page.close();
  });

  it("serves the icon every page names", async () => {
    const page = await run.browser.newPage();
    await page.goto(`${run.base}/`);
    const href = await page.getAttribute("link[rel=icon]", "href");
    expect(href).toBe("/favicon.ico");
    const icon = await page.request.get(`${run.base}${href}`);
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toMatch(/^image\//);
    expect((await icon.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    await page.close();
  });
});
