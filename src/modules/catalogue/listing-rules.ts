/**
 * The rules about listings that both TypeScript and SQL apply, each written here once in each
 * language, side by side; `tests/integration/listing-rules.test.ts` checks that the two agree on
 * the same rows.
 */

/** Who is looking: members (signed-in people of contributing organisations) also see members-only listings. */
export interface VisibilityViewer {
  member: boolean;
}

/** The visibilities this viewer may see. */
export function visibilitiesFor(viewer: VisibilityViewer): Array<"public" | "members"> {
  return viewer.member ? ["public", "members"] : ["public"];
}

/**
 * A listing this viewer may see: published, and public or (for members) members only. A listing
 * awaiting a curator's review (`pending`) is not published, so nobody but its owner and the curators
 * sees it: not in pages, search, the API, feeds or coverage.
 */
export function isVisibleTo(listing: { status: string; visibility: string }, viewer: VisibilityViewer): boolean {
  return listing.status === "published" && (visibilitiesFor(viewer) as string[]).includes(listing.visibility);
}

/** The same in SQL, on the listing `alias`, with its parameters. */
export function visibleSql(alias: string, viewer: VisibilityViewer): { where: string; params: { visibilities: string[] } } {
  return { where: `${alias}.status = 'published' AND ${alias}.visibility IN (:...visibilities)`, params: { visibilities: visibilitiesFor(viewer) } };
}

/**
 * Whether publishing a listing now sends it to the curators' queue instead: its organisation is not
 * verified by the RSO, the listing was never public before (an approved listing that was
 * unpublished publishes again directly), and the one publishing it is not a curator.
 */
export function waitsForReview(listing: { publishedAt: Date | null }, owner: { verified: boolean }, byCurator: boolean): boolean {
  return !byCurator && !owner.verified && listing.publishedAt === null;
}

/** Statuses of sessions that are not offered, whatever their dates. */
const NOT_OFFERED = ["cancelled", "completed"] as const;

/** A session still ahead: not cancelled, not completed, and starting today (UTC) or later. */
export function isUpcomingSession(session: { startDate: string; status: string }, today: string): boolean {
  return session.startDate >= today && !(NOT_OFFERED as readonly string[]).includes(session.status);
}

/** The same in SQL, on the session `alias`, comparing with the parameter `:today`. */
export function upcomingSessionSql(alias: string): string {
  return `${alias}.start_date >= :today AND ${alias}.status NOT IN (${NOT_OFFERED.map((s) => `'${s}'`).join(", ")})`;
}

/** A session over: its last day (or its only day) is before today. */
export function isPastSession(session: { startDate: string; endDate: string | null }, today: string): boolean {
  return (session.endDate ?? session.startDate) < today;
}

/**
 * The status a session is shown with: one that has ended is "completed", whatever was stored (a
 * course announced as "planned" and never updated), unless it was cancelled.
 */
export function shownSessionStatus(session: { startDate: string; endDate: string | null; status: string }, today: string): string {
  return session.status !== "cancelled" && isPastSession(session, today) ? "completed" : session.status;
}

/** Where a session takes place, as one line: "Online", or its venue, city and country (those given). */
export function sessionPlace(session: { online: boolean; venue?: string | null; city: string | null; countryCode: string | null }, countryName: (code: string) => string): string | null {
  if (session.online) return "Online";
  return [session.venue, session.city, session.countryCode ? countryName(session.countryCode) : null].filter(Boolean).join(", ") || null;
}

/** An owner confirms each listing at least this often. */
export const CONFIRM_EVERY_MONTHS = 12;
/** A listing due within this many days shows on its owner's dashboard and in the weekly digest. */
export const CONFIRM_NOTICE_DAYS = 30;

/** When a listing was last known to be current: its last confirmation, or else when it was published or made. */
export function confirmedSince(listing: { lastConfirmedAt: Date | null; publishedAt: Date | null; createdAt: Date }): Date {
  return listing.lastConfirmedAt ?? listing.publishedAt ?? listing.createdAt;
}

/** The day a listing confirmed at `since` is due to be confirmed again. */
export function confirmationDueAt(since: Date): Date {
  const due = new Date(since);
  due.setUTCMonth(due.getUTCMonth() + CONFIRM_EVERY_MONTHS);
  return due;
}

/** Listings confirmed before this moment are past due ("not confirmed since ..."). */
export function confirmationCutoff(now: Date): Date {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - CONFIRM_EVERY_MONTHS);
  return cutoff;
}

/** Confirmed within the last twelve months. */
export function isConfirmedWithinYear(listing: { lastConfirmedAt: Date | null; publishedAt: Date | null; createdAt: Date }, now: Date): boolean {
  return confirmedSince(listing).getTime() >= confirmationCutoff(now).getTime();
}

/** `confirmedSince` in SQL, on the listing `alias`. */
export function confirmedSinceSql(alias: string): string {
  return `COALESCE(${alias}.last_confirmed_at, ${alias}.published_at, ${alias}.created_at)`;
}

/** The same in SQL, on the listing `alias`, comparing with the parameter `:confirmedCutoff` (`confirmationCutoff(now)`). */
export function confirmedWithinYearSql(alias: string): string {
  return `${confirmedSinceSql(alias)} >= :confirmedCutoff`;
}
