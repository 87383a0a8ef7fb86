import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { missingKeys } from "../../src/i18n/i18n";
import { INTERFACE_LANGUAGES } from "../../src/i18n/languages";
import { TestApp, withTestApp } from "../helpers/app";
import { type Agent, signedIn } from "../helpers/sessions";

let t: TestApp;
let curator: Agent;
let listingPath: string;
let workspaceListing: string;
let report: string;

/** The path of the first link on `page` that `pattern` finds (its first group). */
const firstLink = async (agent: Agent, page: string, pattern: RegExp) => pattern.exec((await agent.get(page).expect(200)).text)![1];

withTestApp({}, (app) => (t = app));
beforeAll(async () => {
  const rso = (await t.services.organisations.findBySlug("rso"))!;
  ({ agent: curator } = await signedIn(t, { email: "pages-curator@example.org", organisationId: rso.id, role: "admin", siteRole: "curator" }));
  listingPath = await firstLink(request(t.app), "/catalogue?pageSize=1", /href="(\/resources\/[a-z0-9-]+)"/);
  workspaceListing = await firstLink(curator, "/workspace", /href="(\/workspace\/listings\/\d+)"/);
  report = await firstLink(request(t.app), "/reports", /href="(\/reports\/[a-z0-9-]+)"/);
});

const PUBLIC = () => [
  "/",
  "/catalogue",
  "/catalogue?q=victim",
  "/catalogue?q=zzzznothing&kind=app",
  listingPath,
  "/topics",
  "/topics/trafficking-in-persons",
  "/languages",
  "/languages/km",
  "/organisations",
  "/organisations/rso",
  "/reports",
  report,
  "/coverage",
  "/sign-in",
];
const SIGNED_IN = () => [
  "/account",
  "/workspace",
  workspaceListing,
  `${workspaceListing}/edit`,
  "/workspace/listings/new?org=rso",
  "/workspace/audit",
  "/workspace/organisation",
  "/workspace/organisations",
  "/workspace/organisations/new",
  "/workspace/people",
  "/workspace/import",
  "/workspace/enquiries",
  "/workspace/enquiries/overdue",
  "/workspace/enquiries/erase",
  `${report}/items/1.1/link`,
  "/reports/import",
];

describe("every page in every interface language", () => {
  it.each(INTERFACE_LANGUAGES.map((l) => [l.tag, l.dir]))("renders in %s with no missing message", async (tag, dir) => {
    missingKeys.clear();
    for (const path of PUBLIC()) {
      const res = await request(t.app).get(path).set("Cookie", `lang=${tag}`);
      expect(res.status, path).toBe(200);
      expect(res.text, path).toContain(`<html lang="${tag}" dir="${dir}">`);
    }
    for (const path of SIGNED_IN()) {
      const res = await curator.get(`${path}${path.includes("?") ? "&" : "?"}lang=${tag}`);
      expect(res.status, path).toBe(200);
      expect(res.text, path).toContain(`<html lang="${tag}" dir="${dir}">`);
    }
    const notFound = await request(t.app).get("/no-such-page").set("Cookie", `lang=${tag}`).expect(404);
    expect(notFound.text).toContain(`<html lang="${tag}"`);
    const bad = await request(t.app).get("/catalogue?kind=spaceship").set("Cookie", `lang=${tag}`).expect(400);
    expect(bad.text).toContain(`<html lang="${tag}"`);
    expect([...missingKeys], "keys asked for that en.json lacks").toEqual([]);
  });
});
