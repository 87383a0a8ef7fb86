import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TestApp } from "../helpers/app";

/**
 * The search page in a real browser (Debian's Chromium): it works without JavaScript, and with it
 * results follow the words as they are typed. `.ci/run` installs Chromium, so CI always runs these;
 * on a machine without it they are reported as skipped (apt-get install chromium to run them).
 */
const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) process.stderr.write(`browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)\n`);
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let t: TestApp;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  t = await createTestApp({ search: true });
  await t.settle();
  server = t.app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
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
