import { describe, expect, it } from "vitest";
import { postgresUrl, withPostgresApp } from "../helpers/postgres";

describe.runIf(Boolean(postgresUrl))("review and duplicate warnings on PostgreSQL", () => {
  it("finds the same address, title and owner, and title and start date, and approves and sends back listings", async () => {
    await withPostgresApp({ demo: false }, async (t) => {
      const { buildOrganisation, buildResource } = await import("../helpers/factories");
      const { SYSTEM_ACTOR } = await import("../../src/modules/audit/audit.service");
      const mine = await buildOrganisation(t, { name: "Pg Academy" });
      const other = await buildOrganisation(t, { name: "Pg College" });
      const own = await buildResource(t, { ownerId: mine.id, title: "Document Examination", status: "draft" });
      const theirs = await buildResource(t, { ownerId: other.id, title: "Sea Rescue Course", url: "https://www.example.org/rescue/", sessions: [{ startDate: "2027-05-03" }] });
      await buildResource(t, { ownerId: other.id, title: "Hidden draft", url: "https://example.org/hidden", status: "draft", sessions: [{ startDate: "2027-06-01" }] });

      const found = await t.services.duplicates.find([
        { title: "document examination!", url: null, ownerId: mine.id, startDates: [] },
        { title: "Another name", url: "http://example.org/RESCUE", ownerId: mine.id, startDates: [] },
        { title: "sea rescue course", url: null, ownerId: mine.id, startDates: ["2027-05-03"] },
        { title: "Hidden draft", url: "https://example.org/hidden", ownerId: mine.id, startDates: ["2027-06-01"] },
      ]);
      expect(found.map((f) => f.map((d) => [d.id, d.reason]))).toEqual([[[own.id, "title"]], [[theirs.id, "url"]], [[theirs.id, "title-date"]], []]);

      // Review: a listing sent for review, approved; another sent back with its reason.
      const unverified = await buildOrganisation(t, { name: "Pg Newcomer", verified: false });
      const first = await buildResource(t, { ownerId: unverified.id, title: "First listing", status: "draft" });
      const second = await buildResource(t, { ownerId: unverified.id, title: "Second listing", status: "draft" });
      for (const r of [first, second]) {
        const saved = await t.services.editor.setStatus(r.id, r.version, "publish", { id: null, label: "editor" });
        expect(saved.status).toBe("pending");
      }
      const queue = await t.services.review.queue();
      expect(queue.map((q) => q.resource.id)).toEqual([first.id, second.id]);
      const approved = await t.services.review.approve(first.id, queue[0].resource.version, SYSTEM_ACTOR);
      expect(approved).toMatchObject({ status: "published", publishedAt: expect.any(Date) });
      const sentBack = await t.services.review.sendBack(second.id, queue[1].resource.version, "Name the dates.", SYSTEM_ACTOR);
      expect(sentBack).toMatchObject({ status: "draft", reviewNote: "Name the dates." });
      await expect(t.services.review.sendBack(second.id, sentBack.version, "  ", SYSTEM_ACTOR)).rejects.toMatchObject({ status: 400 });
    });
  }, 120_000);
});
