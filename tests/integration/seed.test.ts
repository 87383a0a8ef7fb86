import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoCatalogue } from "../../src/modules/demo/demo-data";
import { buildServices, Services } from "../../src/services";
import { createTestDatabase, TestDatabase } from "../helpers/db";
import { TABLES } from "../helpers/tables";

/** Every row of every table, in a stable order. */
async function snapshot(db: TestDatabase): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    out[table] = await db.dataSource.query(table === "resource_search" ? "SELECT rowid, body FROM resource_search ORDER BY rowid" : `SELECT * FROM ${table} ORDER BY 1, 2`);
  }
  return out;
}

describe("seeding", () => {
  let db: TestDatabase;
  let services: Services;

  beforeAll(async () => {
    db = await createTestDatabase();
    services = buildServices(db.dataSource);
    await services.referenceData.load();
    await seedDemoCatalogue(services);
  });
  afterAll(async () => db.close());

  it("twice leaves exactly the same rows", async () => {
    const before = await snapshot(db);
    const reference = await services.referenceData.load();
    const demo = await seedDemoCatalogue(services);
    expect(Object.values(reference.created).every((n) => n === 0)).toBe(true);
    expect(demo.created.resources).toBe(0);
    expect(await snapshot(db)).toEqual(before);
  });

  it("loads the reference data: member states, languages, the two-level taxonomy with synonyms, the report's bodies", async () => {
    const [[{ n: countries }], [{ n: languages }], roots, children] = await Promise.all([
      db.dataSource.query("SELECT COUNT(*) AS n FROM countries WHERE is_member = 1"),
      db.dataSource.query("SELECT COUNT(*) AS n FROM languages"),
      db.dataSource.query("SELECT slug FROM topics WHERE parent_id IS NULL"),
      db.dataSource.query("SELECT slug, synonyms FROM topics WHERE parent_id IS NOT NULL"),
    ]);
    expect(countries).toBe(45);
    expect(languages).toBeGreaterThanOrEqual(30);
    expect(roots.length).toBe(6);
    const tip = children.find((c: { slug: string }) => c.slug === "trafficking-in-persons");
    expect(JSON.parse(tip.synonyms)).toContain("TIP");
    for (const slug of ["rso", "jclec", "cifal-jeju", "iom", "unhcr", "unodc", "ilo", "tips-wg"]) {
      expect(await services.organisations.findBySlug(slug), slug).not.toBeNull();
    }
    const jclec = await services.organisations.findBySlug("jclec");
    expect(jclec).toMatchObject({ kind: "training-institution", countryCode: "IDN" });
  });

  it("loads the resources the October 2017 report describes, each with its owner", async () => {
    const { total, resources } = await services.catalogue.list({ page: 1, pageSize: 100 });
    expect(total).toBeGreaterThanOrEqual(18);
    const owner = (slug: string) => resources.find((r) => r.slug === slug)?.owner?.slug;
    expect(owner("qrg-frontline-officers-assessing-travellers-and-documents")).toBe("rso");
    expect(owner("enhancing-victim-centred-approach-workshops")).toBe("cifal-jeju");
    expect(owner("voluntary-reporting-system-migrant-smuggling")).toBe("unodc");
    expect(owner("bidesh-jai-app")).toBe("iom");
    expect(owner("policy-guides-identifying-and-protecting-victims")).toBe("tips-wg");
  });

  it("gives the frontline officers' QRG its English, Khmer, Tetum and Vietnamese editions", async () => {
    const qrg = await services.catalogue.findVisibleBySlug("qrg-frontline-officers-assessing-travellers-and-documents");
    expect(qrg?.editions?.map((e) => e.languageTag).sort()).toEqual(["en", "km", "tet", "vi"]);
  });

  it("gives the QRG on interviewing victims its six named translations", async () => {
    const qrg = await services.catalogue.findVisibleBySlug("qrg-interviewing-victims-of-trafficking");
    expect(qrg?.editions?.map((e) => e.languageTag).sort()).toEqual(["id", "km", "si", "tet", "th", "vi"]);
  });

  it("dates CIFAL Jeju's workshops 4-7 April and 21-24 November 2017", async () => {
    const workshops = await services.catalogue.findVisibleBySlug("enhancing-victim-centred-approach-workshops");
    const sessions = (workshops?.sessions ?? []).map((s) => [s.startDate, s.endDate, s.countryCode]).sort();
    expect(sessions).toEqual([
      ["2017-04-04", "2017-04-07", "KOR"],
      ["2017-11-21", "2017-11-24", "KOR"],
    ]);
  });

  it("invents no editions where the report names no languages", async () => {
    const guides = await services.catalogue.findVisibleBySlug("policy-guides-identifying-and-protecting-victims");
    expect(guides?.editions).toEqual([]);
    expect(guides?.description).toMatch(/14 languages/);
  });

  it("writes a search outbox row and an audit event for every listing it creates", async () => {
    const [[{ n: resources }], [{ n: outbox }], [{ n: audit }]] = await Promise.all([
      db.dataSource.query("SELECT COUNT(*) AS n FROM resources"),
      db.dataSource.query("SELECT COUNT(DISTINCT entity_id) AS n FROM search_outbox"),
      db.dataSource.query("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'resource.created'"),
    ]);
    expect(outbox).toBe(resources);
    expect(audit).toBe(resources);
  });
});
