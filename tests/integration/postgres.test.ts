import { describe, expect, it } from "vitest";
import { TABLES } from "../helpers/tables";

/**
 * The same migrations and seeds on PostgreSQL, so that nothing SQLite-only creeps into the schema.
 * Runs when TEST_POSTGRES_URL points at a server; `.ci/run` sets it. This file imports no entity
 * statically: entity column types follow the process's database kind, read when they are first imported.
 */
const postgresUrl = process.env.TEST_POSTGRES_URL;

describe.runIf(Boolean(postgresUrl))("migrations and seeds on PostgreSQL", () => {
  it("run up, seed twice to the same rows, answer a list query, and run down to an empty schema", async () => {
    const { Client } = await import("pg");
    const admin = new Client({ connectionString: postgresUrl });
    await admin.connect();
    const name = `rtc_test_${process.pid}_${Date.now()}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(postgresUrl as string);
    url.pathname = `/${name}`;
    process.env.DATABASE_URL = url.toString();
    const { createDataSource } = await import("../../src/db/data-source");
    const { seedDemoCatalogue, seedDemoReport } = await import("../../src/modules/demo/demo-data");
    const { readListingFile, writeListingFile } = await import("../../src/modules/transfer/listing-file");
    const { SYSTEM_ACTOR } = await import("../../src/modules/audit/audit.service");
    const { buildServices } = await import("../../src/services");
    const dataSource = createDataSource({ kind: "postgres", url: url.toString() });
    try {
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: "each" });
      const tables = async () =>
        (
          (await dataSource.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY table_name")) as Array<{ table_name: string }>
        ).map((r) => r.table_name);
      expect(await tables()).toEqual(TABLES);

      const services = buildServices(dataSource);
      const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, Number((await dataSource.query(`SELECT COUNT(*) AS n FROM ${t}`))[0].n)])));
      await services.referenceData.load();
      await seedDemoCatalogue(services);
      await seedDemoReport(services);
      const first = await counts();
      expect(first.resources).toBeGreaterThan(15);
      expect(first.report_items).toBe(29);
      expect(first.report_item_links).toBeGreaterThan(20);
      await services.referenceData.load();
      await seedDemoCatalogue(services);
      await seedDemoReport(services);
      expect(await counts()).toEqual(first);

      // Reports and bulk import on Postgres: a report document with its links; an export that imports back unchanged.
      const doc = await services.reports.document("ahg-progress-report-2017-10", { linked: true }, { member: false });
      expect(doc.items.map((i) => i.item.number)).toContain("3.4");
      expect((await services.reports.list())[0]).toMatchObject({ items: 29, sections: 6 });
      const rso = (await services.organisations.findBySlug("rso"))!;
      const imported = await services.importer.commit(
        readListingFile('{"externalId":"PG-1","kind":"course","title":"Postgres course","topics":["TIP"],"languages":["Thai"],"sessions":[{"start":"2027-01-10","country":"Thailand"}]}\n', "jsonl"),
        { kind: "organisation", organisation: rso },
        SYSTEM_ACTOR,
      );
      expect(imported.counts.create).toBe(1);
      const rows = await services.exporter.rows(rso.id);
      expect(rows.length).toBeGreaterThan(5);
      const again = await services.importer.commit(readListingFile(writeListingFile(rows, "csv"), "csv"), { kind: "organisation", organisation: rso }, SYSTEM_ACTOR);
      expect(again.counts).toEqual({ create: 0, update: 0, unchanged: rows.length, reject: 0 });

      for (const sort of ["relevance", "title", "newest", "next-session", "updated"] as const) {
        const page = await services.catalogue.list({ q: "guide", topic: "protection-and-asylum", sort, page: 1, pageSize: 5 });
        expect(page.total).toBeGreaterThan(0);
      }
      const cifal = await services.catalogue.list({ country: "KOR", language: undefined, page: 1, pageSize: 50 });
      expect(cifal.resources.map((r) => r.slug)).toContain("enhancing-victim-centred-approach-workshops");
      expect((await services.catalogue.countByLanguage()).get("km")).toBeGreaterThan(0);
      // Search without an engine answers from the database: ILIKE on the search text, facet counts by SQL.
      const found = await services.search.search({ q: "interviewing victims", topic: "protection-and-asylum", page: 1, pageSize: 10 });
      expect(found.degraded).toBe(true);
      expect(found.hits.map((h) => h.slug)).toContain("qrg-interviewing-victims-of-trafficking");
      expect(found.facets.languages.find((f) => f.value === "km")?.count).toBe(1);
      expect(found.facets.topics.find((f) => f.value === "protection-and-asylum")).toMatchObject({ selected: true });
      expect((await services.catalogue.countByRootTopic()).size).toBeGreaterThan(0);

      // Coverage figures on Postgres agree with plain counts.
      const coverage = await services.coverage.overview();
      const [{ n: visible }] = await dataSource.query("SELECT COUNT(*) AS n FROM resources WHERE status = 'published' AND visibility = 'public'");
      expect(coverage.headline.listings).toBe(Number(visible));
      expect(coverage.organisations.reduce((sum, o) => sum + o.listings, 0)).toBe(Number(visible));
      const report = coverage.reports.find((r) => r.slug === "ahg-progress-report-2017-10")!;
      expect(report.total.items).toBe(29);
      const [{ n: linked }] = await dataSource.query(
        "SELECT COUNT(DISTINCT l.item_id) AS n FROM report_item_links l JOIN resources r ON r.id = l.resource_id WHERE r.status = 'published' AND r.visibility = 'public'",
      );
      expect(report.total.linked).toBe(Number(linked));

      for (const _ of dataSource.migrations) await dataSource.undoLastMigration({ transaction: "each" });
      expect(await tables()).toEqual([]);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      delete process.env.DATABASE_URL;
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    }
  });
});
