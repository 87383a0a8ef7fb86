import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { TestApp } from "./app";
import { fuzzEveryRoute } from "./fuzz";

/** Path parameter values that exist in the demo catalogue, read from the database. */
async function knownValues(t: TestApp): Promise<Record<string, string[]>> {
  const column = async (sql: string) => ((await t.dataSource.query(sql)) as Array<{ v: string | number }>).map((r) => String(r.v));
  return {
    slug: [
      ...(await column("SELECT slug AS v FROM resources ORDER BY id LIMIT 3")),
      ...(await column("SELECT slug AS v FROM reports LIMIT 1")),
      ...(await column("SELECT slug AS v FROM organisations ORDER BY id LIMIT 2")),
      ...(await column("SELECT slug AS v FROM topics ORDER BY id LIMIT 2")),
    ],
    id: await column("SELECT id AS v FROM resources ORDER BY id LIMIT 3"),
    partId: [...(await column("SELECT id AS v FROM editions ORDER BY id LIMIT 2")), ...(await column("SELECT id AS v FROM course_sessions ORDER BY id LIMIT 2"))],
    number: ["1.1", "2.3", "6.2"],
    tag: ["en", "km", "th"],
  };
}

/** Fuzzes every route of a demo catalogue and expects no 5xx at all. */
export async function expectNoServerErrorOnAnyRoute(t: TestApp, runs: number): Promise<void> {
  const known = await knownValues(t);
  const [listing] = known.id;
  const [organisation] = (await t.dataSource.query("SELECT slug FROM organisations ORDER BY id LIMIT 1")) as Array<{ slug: string }>;
  const [report] = (await t.dataSource.query("SELECT slug FROM reports ORDER BY id LIMIT 1")) as Array<{ slug: string }>;
  const formPages = [
    `/workspace/listings/new?org=${organisation.slug}`,
    `/workspace/listings/${listing}/edit`,
    `/workspace/listings/${listing}`,
    `/workspace/organisation?org=${organisation.slug}`,
    "/workspace/organisations/new",
    `/workspace/people?org=${organisation.slug}`,
    `/reports/${report.slug}/items/1.1/link`,
    "/reports/import",
    `/workspace/import?org=${organisation.slug}`,
    "/account",
  ];
  const files = {
    "/reports/import": { name: "report.csv", content: readFileSync(path.join(__dirname, "../fixtures/reports/ahg-2017-10.csv"), "utf8") },
    [`/workspace/import?org=${organisation.slug}`]: { name: "listings.jsonl", content: '{"externalId":"FUZZ-1","kind":"course","title":"Fuzz a\\u0000b","topics":["trafficking-in-persons"]}\n' },
  };
  const result = await fuzzEveryRoute(t, { runs, known, formPages, files });
  expect(result.routes).toBeGreaterThan(50);
  expect(result.formRequests).toBeGreaterThan(300);
  expect(result.requests - result.formRequests).toBe(result.routes * runs);
  expect(result.failures).toEqual([]);
}
