import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TestApp } from "../helpers/app";
import { BrowserRun, hasChromium, startBrowser } from "../helpers/browser";

/**
 * The search page in a real browser (Debian's Chromium): it works without JavaScript, and with it
 * results follow the words as they are typed.
 */
let t: TestApp;
let run: BrowserRun;
let base: string;
let browser: BrowserRun["browser"];

beforeAll(async () => {
  if (!hasChromium) return;
  t = await createTestApp({ search: true });
  await t.settle();
  run = await startBrowser(t);
  ({ base, browser } = run);
});

afterAll(async () => {
  await run?.close();
  await t?.close();
});

describe.runIf(hasChromium)("the search page in a browser", () => {
  it("works without JavaScript: the form submits, facets narrow the results", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/catalogue`);
    await page.fill("#q", "quick reference guide");
    await page.click("button[type=submit]");
    await expect.poll(() => page.url()).toContain("q=quick+reference+guide");
    expect(await page.textContent("[data-results-count]")).toMatch(/\d+ listings? matching/);
    await page.click(".facets a:has-text('Khmer')");
    const titles = await page.locator(".card-title a").allTextContents();
    expect(titles.length).toBe(2);
    expect(page.url()).toContain("language=km");
    await context.close();
  });

  it("updates the results as you type, through the search API", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    await page.goto(`${base}/catalogue`);
    const before = await page.textContent("[data-results-count]");
    const apiCall = page.waitForResponse((response) => response.url().includes("/api/v1/search?") && response.status() === 200);
    await page.type("#q", "RBDES", { delay: 30 });
    await apiCall;
    await expect.poll(() => page.textContent("[data-results-count]")).not.toBe(before);
    await expect.poll(() => page.locator(".card-title a").first().textContent()).toContain("Regional Biometric Data Exchange");
    // The engine marks the acronym, and its synonym from the taxonomy ("biometric data exchange").
    expect(await page.locator(".card-title").first().locator("mark").allTextContents()).toContain("RBDES");
    expect(page.url()).toContain("q=RBDES");
    expect(errors).toEqual([]);
    await page.close();
  });
});
