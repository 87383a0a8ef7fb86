import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { createTestApp, TestApp } from "../helpers/app";
import { BrowserRun, hasChromium, startBrowser } from "../helpers/browser";
import { buildOrganisation, buildResource } from "../helpers/factories";
import { focusRingContrast } from "../helpers/focus";
import { TEST_PASSWORD } from "../helpers/sessions";

/** Forms in a real browser (Debian's Chromium): text size, focus after a failed submit, the focus ring. */
const EDITOR = "editor@forms-e2e.example";
let t: TestApp;
let run: BrowserRun;
let listingId: number;

beforeAll(async () => {
  if (!hasChromium) return;
  t = await createTestApp({ demo: false });
  const org = await buildOrganisation(t, { slug: "forms-e2e", name: "Forms E2E" });
  await t.services.accounts.create({ email: EDITOR, displayName: "Forms editor", password: TEST_PASSWORD, organisationId: org.id, organisationRole: "editor", siteRole: "none" }, SYSTEM_ACTOR);
  listingId = (await buildResource(t, { ownerId: org.id, status: "draft", title: "Forms course" })).id;
  run = await startBrowser(t);
});

afterAll(async () => {
  await run?.close();
  await t?.close();
});

describe.runIf(hasChromium)("forms in a browser", () => {
  it("writes form text at the body's size on the sign-in form", async () => {
    const page = await run.browser.newPage();
    await page.goto(`${run.base}/sign-in`);
    const sizes = await page.evaluate(() =>
      ["body", "#email", "#password", "label[for=email]", "main button[type=submit]"].map((s) => parseFloat(getComputedStyle(document.querySelector(s)!).fontSize)),
    );
    for (const size of sizes) expect(size).toBeGreaterThanOrEqual(sizes[0] * 0.9);
    await page.close();
  });

  it("moves the focus to the error summary after a failed submit, with the values kept", async () => {
    const context = await run.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${run.base}/sign-in`);
    await page.fill("#email", EDITOR);
    await page.fill("#password", TEST_PASSWORD);
    await page.click("main button[type=submit]");
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
    await page.goto(`${run.base}/workspace/listings/${listingId}`);
    await page.click("summary:has-text('Add a session')");
    await page.fill("#session-startDate", "2027-05-10");
    await page.fill("#session-endDate", "2027-05-01");
    await page.fill("#session-city", "Bangkok");
    await page.click("button:has-text('Add session')");
    await page.waitForLoadState("load");
    await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toBe("error-summary");
    expect(await page.inputValue("#session-city")).toBe("Bangkok");
    expect(await page.inputValue("#session-endDate")).toBe("2027-05-01");
    // The summary's link takes the person to the field.
    await page.click(".error-summary a[href='#session-endDate']");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("session-endDate");
    await context.close();
  });

  it("draws a focus ring of at least 3:1 against its background, in the header and on the page", async () => {
    const page = await run.browser.newPage();
    await page.goto(`${run.base}/sign-in`);
    const seen: string[] = [];
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press("Tab");
      const ring = await focusRingContrast(page);
      expect(ring, `focus stop ${i + 1} has a visible ring`).not.toBeNull();
      expect(ring!.ratio, `${ring!.element}: ${ring!.ring} on ${ring!.background}`).toBeGreaterThanOrEqual(3);
      seen.push(ring!.element);
    }
    // The stops include the skip link, the header's links and the form's fields.
    expect(seen.join("|")).toMatch(/Skip to content/);
    expect(seen.join("|")).toMatch(/input#email/);
    await page.close();
  });
});
