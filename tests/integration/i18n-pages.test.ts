import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missingKeys } from "../../src/i18n/i18n";
import { INTERFACE_LANGUAGES } from "../../src/i18n/languages";
import { createTestApp, TestApp } from "../helpers/app";
import { type Agent, signedIn } from "../helpers/sessions";

let t: TestApp;
let curator: Agent;
let listingPath: string;
let workspaceListing: string;
let report: string;

beforeAll(async () => {
  t = await createTestApp();
  const rso = (await t.services.organisations.findBySlug("rso"))!;
  ({ agent: curator } = await signedIn(t, { email: "pages-curator@example.org", organisationId: rso.id, role: "admin", siteRole: "curator" }));
  const list = await request(t.app).get("/catalogue?pageSize=1").expect(200);
  listingPath = /href="(\/resources\/[a-z0-9-]+)"/.exec(list.text)![1];
  const workspace = await curator.get("/workspace").expect(200);
  workspaceListing = /href="(\/workspace\/listings\/\d+)"/.exec(workspace.text)![1];
  const reports = await request(t.app).get("/reports").expect(200);
  report = /href="(\/reports\/[a-z0-9-]+)"/.exec(reports.text)![1];
});
afterAll(async () => t.close());

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
