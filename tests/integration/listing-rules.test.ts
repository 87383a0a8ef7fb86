import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { todayUtc } from "../../src/http/dates";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { CourseSession, SESSION_STATUSES } from "../../src/modules/catalogue/course-session.entity";
import {
  confirmationCutoff,
  confirmedWithinYearSql,
  isConfirmedWithinYear,
  isPastSession,
  isUpcomingSession,
  isVisibleTo,
  sessionPlace,
  shownSessionStatus,
  upcomingSessionSql,
  visibleSql,
  waitsForReview,
} from "../../src/modules/catalogue/listing-rules";
import { Resource } from "../../src/modules/catalogue/resource.entity";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation, daysFromToday } from "../helpers/factories";
import { signedIn } from "../helpers/sessions";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ demo: false });
  const owner = await buildOrganisation(t);
  // Every status and visibility, each with sessions on every side of today in every status.
  for (const status of ["draft", "pending", "published", "archived"] as const) {
    for (const visibility of ["public", "members"] as const) {
      await t.services.catalogue.create(
        {
          kind: "course",
          title: `Rule probe ${status} ${visibility}`,
          ownerId: owner.id,
          status,
          visibility,
          sessions: SESSION_STATUSES.flatMap((sessionStatus) =>
            [-30, -1, 0, 1, 30].map((days) => ({ startDate: daysFromToday(days), endDate: days === -1 ? daysFromToday(2) : null, status: sessionStatus })),
          ),
        },
        SYSTEM_ACTOR,
      );
    }
  }
});
afterAll(async () => t.close());

describe("rules written in TypeScript and in SQL", () => {
  /** The rows' ids as numbers (a driver may give them as strings), in ascending order, to compare the two sides. */
  const sortedIds = (rows: Array<{ id: number }>) => rows.map((r) => Number(r.id)).sort((a, b) => a - b);

  it("agree on which listings each viewer may see", async () => {
    const all = await t.dataSource.getRepository(Resource).find();
    for (const viewer of [{ member: false }, { member: true }]) {
      const { where, params } = visibleSql("r", viewer);
      const bySql = sortedIds(await t.dataSource.getRepository(Resource).createQueryBuilder("r").select("r.id", "id").where(where, params).getRawMany<{ id: number }>());
      const byTs = sortedIds(all.filter((r) => isVisibleTo(r, viewer)));
      expect(bySql, JSON.stringify(viewer)).toEqual(byTs);
      expect(byTs.length).toBe(viewer.member ? 2 : 1);
    }
  });

  it("agree on which sessions are upcoming", async () => {
    const today = todayUtc();
    const all = await t.dataSource.getRepository(CourseSession).find();
    const bySql = sortedIds(await t.dataSource.getRepository(CourseSession).createQueryBuilder("cs").select("cs.id", "id").where(upcomingSessionSql("cs"), { today }).getRawMany<{ id: number }>());
    const byTs = sortedIds(all.filter((s) => isUpcomingSession(s, today)));
    expect(bySql).toEqual(byTs);
    // Today, tomorrow and in a month, for planned, open and full sessions: 3 × 3 per listing.
    expect(byTs.length).toBe(8 * 9);
  });
});

describe("review by the curators", () => {
  it("holds back a listing never public before, of an unverified organisation, unless a curator publishes it", () => {
    expect(waitsForReview({ publishedAt: null }, { verified: false }, false)).toBe(true);
    expect(waitsForReview({ publishedAt: null }, { verified: false }, true)).toBe(false);
    expect(waitsForReview({ publishedAt: null }, { verified: true }, false)).toBe(false);
    expect(waitsForReview({ publishedAt: new Date("2027-01-01") }, { verified: false }, false)).toBe(false);
    // Awaiting review is not published: nobody sees it.
    expect(isVisibleTo({ status: "pending", visibility: "public" }, { member: true })).toBe(false);
  });
});

describe("confirmation within a year", () => {
  it("is judged the same in TypeScript and SQL: by the last confirmation, else the publication, else the creation", async () => {
    const repo = t.dataSource.getRepository(Resource);
    const all = await repo.find({ order: { id: "ASC" } });
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    // Confirmed long ago or lately; never confirmed but published long ago or lately; neither, made long ago.
    const cases: Array<Partial<Resource>> = [
      { lastConfirmedAt: daysAgo(400), publishedAt: daysAgo(10) },
      { lastConfirmedAt: daysAgo(20), publishedAt: daysAgo(900) },
      { lastConfirmedAt: null, publishedAt: daysAgo(366) },
      { lastConfirmedAt: null, publishedAt: daysAgo(364) },
      { lastConfirmedAt: null, publishedAt: null, createdAt: daysAgo(500) },
      { lastConfirmedAt: null, publishedAt: null },
    ];
    for (const [i, change] of cases.entries()) await repo.update({ id: all[i].id }, change);
    const now = new Date();
    const fresh = await repo.find({ order: { id: "ASC" } });
    const byTs = fresh.filter((r) => isConfirmedWithinYear(r, now)).map((r) => r.id);
    const bySql = (
      await repo
        .createQueryBuilder("r")
        .select("r.id", "id")
        .where(confirmedWithinYearSql("r"), { confirmedCutoff: confirmationCutoff(now) })
        .orderBy("r.id")
        .getRawMany<{ id: number }>()
    ).map((r) => Number(r.id));
    expect(bySql).toEqual(byTs);
    const probed = new Set(all.slice(0, cases.length).map((r) => r.id));
    expect(byTs.filter((id) => probed.has(id))).toEqual([all[1].id, all[3].id, all[5].id]);
  });
});

describe("sessions as they are shown", () => {
  it("shows a session that has ended as completed, whatever was stored, unless it was cancelled", () => {
    const today = "2027-06-10";
    expect(shownSessionStatus({ startDate: "2027-06-01", endDate: "2027-06-05", status: "planned" }, today)).toBe("completed");
    expect(shownSessionStatus({ startDate: "2027-06-09", endDate: null, status: "open" }, today)).toBe("completed");
    expect(shownSessionStatus({ startDate: "2027-06-01", endDate: "2027-06-05", status: "cancelled" }, today)).toBe("cancelled");
    expect(shownSessionStatus({ startDate: "2027-06-08", endDate: "2027-06-12", status: "open" }, today)).toBe("open");
    expect(isPastSession({ startDate: "2027-06-10", endDate: null }, today)).toBe(false);
  });

  it("says where a session is the same way everywhere", () => {
    const name = (code: string) => ({ KOR: "Republic of Korea" })[code] ?? code;
    expect(sessionPlace({ online: false, venue: "CIFAL Jeju", city: "Jeju", countryCode: "KOR" }, name)).toBe("CIFAL Jeju, Jeju, Republic of Korea");
    expect(sessionPlace({ online: true, venue: "x", city: "y", countryCode: "KOR" }, name)).toBe("Online");
    expect(sessionPlace({ online: false, venue: null, city: null, countryCode: null }, name)).toBeNull();
  });

  it("shows a listing's past session as completed everywhere: its page, the workspace and the API", async () => {
    const owner = await buildOrganisation(t);
    const listing = await t.services.catalogue.create(
      { kind: "course", title: "Course held in 2017", ownerId: owner.id, status: "published", sessions: [{ startDate: "2017-11-21", endDate: "2017-11-24", status: "planned", city: "Jeju" }] },
      SYSTEM_ACTOR,
    );
    const { default: request } = await import("supertest");
    const page = (await request(t.app).get(`/resources/${listing.slug}`).expect(200)).text;
    expect(page).toContain("status-completed");
    expect(page).not.toContain("status-planned");
    const api = (await request(t.app).get(`/api/v1/resources/${listing.slug}`).expect(200)).body;
    expect(api.data.sessions.map((s: { status: string }) => s.status)).toEqual(["completed"]);
    const { agent } = await signedIn(t, { email: "rules-editor@example.org", organisationId: owner.id, role: "editor" });
    const workspace = (await agent.get(`/workspace/listings/${listing.id}`).expect(200)).text;
    const row = /<tr><th scope="row">21[^<]*<\/th>[\s\S]*?<\/tr>/.exec(workspace)?.[0] ?? "";
    expect(row).toContain("Completed");
    expect(row).not.toContain("Planned");
    // The export keeps what was stored, so that a round trip changes nothing.
    expect((await agent.get("/workspace/export?format=jsonl").expect(200)).text).toContain('"status":"planned"');
  });

  it("shows a session's country and status by name in the workspace, as the public page does", async () => {
    const owner = await buildOrganisation(t);
    const listing = await t.services.catalogue.create(
      {
        kind: "course",
        title: "Course in Jakarta",
        ownerId: owner.id,
        status: "published",
        sessions: [{ startDate: daysFromToday(40), endDate: daysFromToday(44), status: "open", city: "Jakarta", countryCode: "IDN" }],
      },
      SYSTEM_ACTOR,
    );
    const { default: request } = await import("supertest");
    const { agent } = await signedIn(t, { email: "names-editor@example.org", organisationId: owner.id, role: "editor" });
    const workspace = (await agent.get(`/workspace/listings/${listing.id}`).expect(200)).text;
    const publicPage = (await request(t.app).get(`/resources/${listing.slug}`).expect(200)).text;
    for (const html of [workspace, publicPage]) {
      expect(html).toContain("Jakarta, Indonesia");
      expect(html).toContain('class="status status-open"');
    }
    expect(workspace).toContain('<span class="status status-open">Open</span>');
    expect(workspace).not.toMatch(/>\s*(IDN|open)\s*</);
  });
});
