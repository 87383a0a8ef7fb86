import { describe, expect, it } from "vitest";
import { postgresUrl, withPostgresApp } from "../helpers/postgres";

/** Re-confirmation and link checks on PostgreSQL: the same queries and claims as on SQLite. */
describe.runIf(Boolean(postgresUrl))("re-confirmation and link checks on PostgreSQL", () => {
  it("finds what is due, confirms once by link, filters stale listings, and warns after two failed checks", async () => {
    const { startLinkTarget } = await import("../helpers/link-target");
    const target = await startLinkTarget();
    try {
      await withPostgresApp({ demo: false, env: { LINK_CHECK_ALLOW_LOOPBACK: "true", LINK_CHECK_TIMEOUT_MS: "600", LINK_CHECK_PAUSE_MS: "0" } }, async (t) => {
        const { buildOrganisation, buildResource } = await import("../helpers/factories");
        const { Resource } = await import("../../src/modules/catalogue/resource.entity");
        const { User } = await import("../../src/modules/accounts/user.entity");
        const { SYSTEM_ACTOR } = await import("../../src/modules/audit/audit.service");
        const { default: request } = await import("supertest");
        const org = await buildOrganisation(t);
        const stale = await buildResource(t, { ownerId: org.id, title: "Postgres stale course", url: `${target.origin}/missing` });
        const fresh = await buildResource(t, { ownerId: org.id, title: "Postgres fresh course", url: `${target.origin}/ok` });
        await t.dataSource.getRepository(Resource).update({ id: stale.id }, { lastConfirmedAt: new Date(Date.now() - 400 * 86_400_000) });
        await t.services.accounts.create(
          { email: "pg@upkeep.example", displayName: "PG", password: "correct horse battery staple 42", organisationId: org.id, organisationRole: "editor", siteRole: "none" },
          SYSTEM_ACTOR,
        );
        const person = await t.dataSource.getRepository(User).findOneByOrFail({ email: "pg@upkeep.example" });

        expect((await t.services.confirmation.due(org.id)).map((d) => d.id)).toEqual([stale.id]);
        const filtered = (await request(t.app).get("/api/v1/search?q=postgres+course&confirmed=true").expect(200)).body as { hits: Array<{ slug: string }> };
        expect(filtered.hits.map((h) => h.slug)).toEqual([fresh.slug]);
        const sent = await t.services.confirmation.sendDigests();
        expect(sent).toMatchObject({ mails: 1, listings: 1 });
        const token = t.services.confirmLinks.make(stale.id, person.id, new Date(Date.now() - 1000));
        // Two clicks at once: one confirms, the other is told the link was used.
        const outcomes = await Promise.all([t.services.confirmation.confirm(token), t.services.confirmation.confirm(token)]);
        expect(outcomes.map((o) => o.kind).sort()).toEqual(["confirmed", "used"]);
        expect(await t.services.confirmation.due(org.id)).toEqual([]);

        await t.services.links.checkAll();
        expect(await t.services.links.failing(org.id)).toEqual([]);
        await t.services.links.checkAll();
        expect((await t.services.links.failing(org.id)).map((f) => [f.type, f.id, f.statusCode])).toEqual([["resource", stale.id, 404]]);
        expect((await t.services.links.warningsForListing(stale)).website).toBeInstanceOf(Date);
      });
    } finally {
      await target.close();
    }
  }, 120_000);
});
