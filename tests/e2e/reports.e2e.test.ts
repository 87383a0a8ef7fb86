import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_REPORT } from "../../src/modules/demo/demo-data";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { createTestApp, TestApp } from "../helpers/app";
import { BrowserRun, hasChromium, startBrowser } from "../helpers/browser";
import { TEST_PASSWORD } from "../helpers/sessions";

/**
 * A curator links a listing to a report item in a real browser (Debian's Chromium): with
 * JavaScript the picker's results follow the words typed; without it the search form does the same.
 */
const CURATOR = "curator@e2e.example";

let t: TestApp;
let run: BrowserRun;
let base: string;
let browser: BrowserRun["browser"];

async function signedInContext(javaScriptEnabled: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.fill("#email", CURATOR);
  await page.fill("#password", TEST_PASSWORD);
  await page.click("main button[type=submit]");
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
  await page.close();
  return context;
}

async function linkedSlugs(number: string): Promise<string[]> {
  const rows = await t.dataSource.query(
    "SELECT res.slug FROM report_item_links l JOIN report_items i ON i.id = l.item_id JOIN resources res ON res.id = l.resource_id WHERE i.number = ? ORDER BY l.id",
    [number],
  );
  return rows.map((r: { slug: string }) => r.slug);
}

beforeAll(async () => {
  if (!hasChromium) return;
  t = await createTestApp({ search: true });
  await t.settle();
  await t.services.accounts.create({ email: CURATOR, displayName: "E2E curator", password: TEST_PASSWORD, organisationId: null, organisationRole: null, siteRole: "curator" }, SYSTEM_ACTOR);
  run = await startBrowser(t);
  ({ base, browser } = run);
});

afterAll(async () => {
  await run?.close();
  await t?.close();
});

describe.runIf(hasChromium)("linking a report item to a listing in a browser", () => {
  it("works without JavaScript: search, choose, link, and unlink", async () => {
    const context = await signedInContext(false);
    const page = await context.newPage();
    await page.goto(`${base}/reports/${DEMO_REPORT.slug}#item-1-1`);
    await page.click("#item-1-1 a:has-text('Link a listing')");
    await page.fill("#picker-q", "roadmap");
    await page.click("form[role=search] button[type=submit]");
    await page.check("input[name=resource][value='regional-strategic-roadmap-anti-trafficking-policies']");
    await page.selectOption("#relation", "supports");
    await page.fill("#note", "The roadmap's training workshop");
    await page.click("button:has-text('Link the listing')");
    await page.waitForURL((url) => url.pathname === `/reports/${DEMO_REPORT.slug}` && url.hash === "#item-1-1");
    expect(await page.locator("#item-1-1 .item-links").textContent()).toContain("Regional Strategic Roadmap");
    expect(await page.locator("#item-1-1 .notice[role=status]").textContent()).toMatch(/is now linked to item 1.1, as “supports”/);
    expect(await linkedSlugs("1.1")).toEqual(["regional-strategic-roadmap-anti-trafficking-policies"]);
    // Unlinking asks first; keeping the link changes nothing.
    await page.click("#item-1-1 a.unlink");
    expect(await page.locator("h1").textContent()).toBe("Unlink a listing from item 1.1");
    await page.click("a:has-text('Keep the link')");
    expect(await linkedSlugs("1.1")).toEqual(["regional-strategic-roadmap-anti-trafficking-policies"]);
    await page.click("#item-1-1 a.unlink");
    await page.click("main button:has-text('Unlink')");
    await page.waitForURL((url) => url.pathname === `/reports/${DEMO_REPORT.slug}` && url.hash === "#item-1-1");
    expect(await page.locator("#item-1-1 .item-links").textContent()).toContain("No training linked yet");
    expect(await page.locator("#item-1-1 .notice[role=status]").textContent()).toMatch(/is no longer linked to item 1.1/);
    expect(await linkedSlugs("1.1")).toEqual([]);
    await context.close();
  });

  it("shows results as you type, through the search API", async () => {
    const context = await signedInContext(true);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${base}/reports/${DEMO_REPORT.slug}/items/4.1/link`);
    const apiCall = page.waitForResponse((response) => response.url().includes("/api/v1/search?") && response.status() === 200);
    await page.type("#picker-q", "RBDES", { delay: 30 });
    await apiCall;
    await expect.poll(() => page.locator("ul.picker label").first().textContent()).toContain("Regional Biometric Data Exchange");
    await page.locator("ul.picker input[type=radio]").first().check();
    await page.click("button:has-text('Link the listing')");
    await page.waitForURL((url) => url.pathname === `/reports/${DEMO_REPORT.slug}` && url.hash === "#item-4-1");
    expect(await linkedSlugs("4.1")).toEqual(["rbdes-workshop"]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
