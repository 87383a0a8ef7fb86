import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TestApp } from "../helpers/app";
import { seriousViolations, sidewaysOverflow } from "../helpers/axe";
import { BrowserRun, hasChromium, startBrowser } from "../helpers/browser";

/**
 * The search page in a real browser (Debian's Chromium): it works without JavaScript, and with it
 * results follow the words as they are typed, and the page after typing is the page the server
 * renders for the same address.
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

/** What the page shows: its main region, and the values of its controls. */
async function shown(page: Page) {
  return page.evaluate(() => {
    const form = document.querySelector("form[data-live-search]") as HTMLFormElement;
    return {
      title: document.title,
      main: document.querySelector("main")!.innerHTML,
      controls: [...new FormData(form).entries()].map(([k, v]) => `${k}=${String(v)}`),
    };
  });
}

/** Waits until the live page has the address of the last change (set once its results are in place). */
async function settled(page: Page, search: string) {
  await expect.poll(() => new URL(page.url()).search, { timeout: 10_000 }).toBe(search);
}

describe.runIf(hasChromium)("the search page in a browser", () => {
  it("works without JavaScript: the form submits, facets narrow the results", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/catalogue`);
    await page.fill("#q", "quick reference guide");
    await page.click("button[type=submit]");
    await expect.poll(() => page.url()).toContain("q=quick+reference+guide");
    // The default order is sent as an empty choice, never as "title".
    expect(page.url()).not.toContain("sort=title");
    expect(await page.textContent("[data-results-count]")).toMatch(/\d+ listings? matching/);
    await page.click(".facets a:has-text('Khmer')");
    const titles = await page.locator(".card-title a").allTextContents();
    expect(titles.length).toBe(2);
    expect(page.url()).toContain("language=km");
    expect(page.url()).toContain("q=quick+reference+guide");
    await context.close();
  });

  it("updates the results as you type, from the server's own page", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    await page.goto(`${base}/catalogue`);
    const before = await page.textContent("[data-results-count]");
    const call = page.waitForResponse((response) => response.url().includes("/catalogue?q=") && response.status() === 200);
    await page.type("#q", "RBDES", { delay: 30 });
    await call;
    await settled(page, "?q=RBDES");
    await expect.poll(() => page.textContent("[data-results-count]")).not.toBe(before);
    await expect.poll(() => page.locator(".card-title a").first().textContent()).toContain("Regional Biometric Data Exchange");
    // The engine marks the acronym, and its synonym from the taxonomy ("biometric data exchange").
    expect(await page.locator(".card-title").first().locator("mark").allTextContents()).toContain("RBDES");
    expect(page.url()).toContain("q=RBDES");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("after typing shows exactly the page the server renders for that address, facets and chips included", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/catalogue?topic=protection-and-asylum`);
    await page.type("#q", "trafficking", { delay: 20 });
    await settled(page, "?q=trafficking&topic=protection-and-asylum");
    const live = await shown(page);
    const fresh = await browser.newPage();
    await fresh.goto(page.url());
    expect(live).toEqual(await shown(fresh));
    expect(live.main).toContain("words: “trafficking”");
    await fresh.close();

    // A facet clicked after typing keeps the words.
    const facet = page.locator(".facet").filter({ hasText: "Kind" }).locator("a").first();
    await facet.click();
    await page.waitForLoadState("load");
    expect(new URL(page.url()).searchParams.get("q")).toBe("trafficking");
    await page.close();
  });

  it("applies sort, page size and 'upcoming' at once, keeps the typed words' default order, and follows history", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/catalogue`);
    expect(await page.inputValue("#sort")).toBe("");
    await page.type("#q", "guide", { delay: 20 });
    await settled(page, "?q=guide");
    await page.selectOption("#pageSize", "50");
    await settled(page, "?q=guide&pageSize=50");
    const byRelevance = await page.locator(".card-title a").allTextContents();
    await page.selectOption("#sort", "title");
    await settled(page, "?q=guide&sort=title&pageSize=50");
    expect(await page.locator(".card-title a").allTextContents()).not.toEqual(byRelevance);
    await page.check("#upcoming");
    await settled(page, "?q=guide&upcoming=true&sort=title&pageSize=50");
    expect(await shown(page)).toEqual(
      await (async () => {
        const fresh = await browser.newPage();
        await fresh.goto(page.url());
        const value = await shown(fresh);
        await fresh.close();
        return value;
      })(),
    );
    await page.goBack();
    await settled(page, "?q=guide&sort=title&pageSize=50");
    await expect.poll(() => page.isChecked("#upcoming")).toBe(false);
    expect(await page.inputValue("#sort")).toBe("title");
    await page.close();
  });

  it("on a phone shows results first, the filters behind a button that works without JavaScript, and a skip link to the results", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/catalogue`);
    const firstResult = await page.locator(".card").first().boundingBox();
    expect(firstResult!.y).toBeLessThan(844);
    expect(await page.locator(".facet").first().isVisible()).toBe(false);
    await page.click("summary:has-text('Filters')");
    expect(await page.locator(".facet").first().isVisible()).toBe(true);
    // Tab stops before the first result.
    await page.reload();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to results");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("results-heading");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.closest(".card") !== null)).toBe(true);
    const stops = await page.evaluate(() => {
      const first = document.querySelector(".card a")!;
      return [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, summary, [tabindex='0']")].filter(
        (el) => el.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING && (el as HTMLElement).checkVisibility(),
      ).length;
    });
    expect(stops).toBeLessThanOrEqual(20);
    // On a wide screen the filters are a column, with no button.
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await page.locator(".facet").first().isVisible()).toBe(true);
    expect(await page.locator("summary:has-text('Filters')").isVisible()).toBe(false);
    await context.close();
  });

  it("has no serious accessibility violation and no sideways scrolling, with filters open or closed", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/catalogue?q=trafficking&topic=protection-and-asylum&pageSize=50`);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.click("summary:has-text('Filters')");
    expect(await seriousViolations(page)).toEqual([]);
    expect(await sidewaysOverflow(page)).toBe(0);
    await context.close();
  });
});
