import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TestApp } from "../helpers/app";
import { BrowserRun, hasChromium, startBrowser } from "../helpers/browser";

/**
 * The interface's languages in a real browser (Debian's Chromium): the region's scripts render
 * with the app's own fonts, the Khmer pages pass axe-core, right-to-left pages fit a phone.
 * Screenshots are kept in tests/artifacts/ (ignored by git) for a person to look at.
 */
const ARTIFACTS = path.resolve(__dirname, "../artifacts");
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

let t: TestApp;
let run: BrowserRun;
let base: string;
let listing: string;

beforeAll(async () => {
  if (!hasChromium) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await createTestApp();
  run = await startBrowser(t);
  base = run.base;
  const page = await run.browser.newPage();
  await page.goto(`${base}/catalogue?q=victim`);
  listing = (await page.locator(".card-title a").first().getAttribute("href"))!.replace(/\?.*$/, "");
  await page.close();
});

afterAll(async () => {
  await run?.close();
  await t?.close();
});

/** Whether the app's font of a family has been loaded for the page (not a system font). */
const fontLoaded = (family: string) => `document.fonts.ready.then(() => [...document.fonts].some((f) => f.family.replace(/"/g, "") === ${JSON.stringify(family)} && f.status === "loaded"))`;

describe.runIf(hasChromium)("the region's scripts in a browser", () => {
  it.each([
    ["km", "Noto Sans Khmer"],
    ["th", "Noto Sans Thai"],
  ])("renders the home and a listing page in %s with the app's %s font", async (tag, family) => {
    const context = await run.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const [name, address] of [
      ["home", "/"],
      ["listing", listing],
    ]) {
      const response = await page.goto(`${base}${address}?lang=${tag}`);
      expect(response?.status()).toBe(200);
      expect(await page.getAttribute("html", "lang")).toBe(tag);
      expect(await page.evaluate(fontLoaded(family)), `${family} on ${name}`).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, `${tag}-${name}.png`), fullPage: true });
    }
    await context.close();
  });

  it("updates the results as one types in the page's language: Khmer digits in the count", async () => {
    const page = await run.browser.newPage();
    await page.goto(`${base}/catalogue?lang=km`);
    const before = await page.textContent("[data-results-count]");
    await page.fill("#q", "victim");
    await expect.poll(() => page.textContent("[data-results-count]"), { timeout: 10_000 }).not.toBe(before);
    expect(await page.textContent("[data-results-count]")).toMatch(/[០-៩]/u);
    expect(await page.textContent("[data-results-count]")).not.toMatch(/[0-9]/);
    await page.close();
  });

  it.each([
    ["home", "/"],
    ["search", "/catalogue?q=victim"],
  ])("finds no serious or critical accessibility violation on the Khmer %s page", async (_name, address) => {
    // axe is injected by the test; the page's own policy allows only its own scripts.
    const context = await run.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}${address}${address.includes("?") ? "&" : "?"}lang=km`);
    await page.evaluate(AXE);
    const violations = (await page.evaluate(
      "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))",
    )) as Array<{ id: string; impact: string; nodes: number }>;
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
    await context.close();
  });

  it.each([
    ["home", "/"],
    ["search", "/catalogue?q=victim"],
    ["listing", null],
    ["topics", "/topics"],
    ["coverage", "/coverage"],
  ])("lays out the Arabic %s page right to left with nothing wider than a 390 px phone", async (name, address) => {
    const context = await run.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    const where = address ?? listing;
    await page.goto(`${base}${where}${where.includes("?") ? "&" : "?"}lang=ar`);
    expect(await page.getAttribute("html", "dir")).toBe("rtl");
    const overflowing = (await page.evaluate(`(() => {
      const width = document.documentElement.clientWidth;
      const out = [];
      for (const el of document.querySelectorAll("body *")) {
        // Tables and charts scroll inside their own region, which is the element to check.
        if (el.closest(".table-scroll, .chart-box, .visually-hidden, .skip-link")) continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        if (box.right > width + 1 || box.left < -1) out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ")[0] : "") + " " + Math.round(box.left) + ".." + Math.round(box.right));
      }
      return { width, scroll: document.documentElement.scrollWidth, out: out.slice(0, 30) };
    })()`)) as { width: number; scroll: number; out: string[] };
    await page.screenshot({ path: path.join(ARTIFACTS, `ar-${name}-390.png`), fullPage: true });
    expect(overflowing.out).toEqual([]);
    expect(overflowing.scroll).toBeLessThanOrEqual(overflowing.width);
    await context.close();
  });
});
