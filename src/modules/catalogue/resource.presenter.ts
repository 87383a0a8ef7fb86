import { LISTING_TEXT_FIELDS, textsOf } from "./listing-fields";
import { confirmedSince, isConfirmedWithinYear, isUpcomingSession, sessionPlace, shownSessionStatus } from "./listing-rules";
import { compareText } from "../../http/compare";
import { formatDayRange, formatTimestamp, todayUtc } from "../../http/dates";
import { renderMarkdown } from "../../http/markdown";
import type { Language } from "../reference/reference.entities";
import type { ReferenceService } from "../reference/reference.service";
import type { CourseSession } from "./course-session.entity";
import type { Resource } from "./resource.entity";
import { deliveryModeName, kindName } from "./vocabulary";

/** What presenters need to name codes: languages by tag, countries by code. */
export interface PresenterContext {
  languages: Map<string, Language>;
  countries: Map<string, string>;
  today?: string;
}

/** Reads the names of codes once per request (the reference service keeps them a while). */
export async function presenterContext(reference: Pick<ReferenceService, "languageMap" | "countryNames">): Promise<PresenterContext> {
  const [languages, countries] = await Promise.all([reference.languageMap(), reference.countryNames()]);
  return { languages, countries };
}

export const DEFAULT_OWNERSHIP_STATEMENT = "Listed by its owner, who keeps full ownership; contact them for access.";

const byLanguageName = (ctx: PresenterContext) => (a: string, b: string) => compareText(ctx.languages.get(a)?.name ?? a, ctx.languages.get(b)?.name ?? b);

/** Languages a listing is offered in: its editions' and its sessions' languages. */
function languageTags(resource: Resource): string[] {
  const tags = new Set<string>();
  if (resource.languageTag) tags.add(resource.languageTag);
  for (const e of resource.editions ?? []) tags.add(e.languageTag);
  for (const s of resource.sessions ?? []) if (s.languageTag) tags.add(s.languageTag);
  return [...tags];
}

function presentSession(session: CourseSession, ctx: PresenterContext) {
  const place = sessionPlace(session, (code) => ctx.countries.get(code) ?? code);
  return {
    dates: formatDayRange(session.startDate, session.endDate),
    startDate: session.startDate,
    endDate: session.endDate,
    timeZone: session.timeZone,
    place,
    online: session.online,
    countryCode: session.countryCode,
    country: session.countryCode ? (ctx.countries.get(session.countryCode) ?? session.countryCode) : null,
    language: session.languageTag ? (ctx.languages.get(session.languageTag)?.name ?? session.languageTag) : null,
    languageTag: session.languageTag,
    capacity: session.capacity,
    seatsPerCountry: session.seatsPerCountry,
    applicationOpensDay: session.applicationOpens,
    applicationDeadline: session.applicationDeadline ? formatDayRange(session.applicationDeadline, null) : null,
    applicationDeadlineDay: session.applicationDeadline,
    city: session.city,
    venue: session.venue,
    interpretation: (session.interpretationLanguages ?? []).map((tag) => ({ tag, name: ctx.languages.get(tag)?.name ?? tag })),
    status: shownSessionStatus(session, ctx.today ?? todayUtc()),
  };
}

export type SessionView = ReturnType<typeof presentSession>;

/** A listing as a card in a list. */
export function presentCard(resource: Resource, ctx: PresenterContext) {
  const today = ctx.today ?? todayUtc();
  const upcoming = (resource.sessions ?? []).filter((s) => isUpcomingSession(s, today)).sort((a, b) => a.startDate.localeCompare(b.startDate));
  return {
    slug: resource.slug,
    path: `/resources/${encodeURIComponent(resource.slug)}`,
    title: resource.title,
    acronym: resource.acronym,
    kind: resource.kind,
    kindName: kindName(resource.kind),
    summary: resource.summary,
    owner: resource.owner ? { slug: resource.owner.slug, name: resource.owner.name, shortName: resource.owner.shortName, path: `/organisations/${resource.owner.slug}` } : null,
    topics: (resource.topics ?? []).map((t) => ({ slug: t.slug, name: t.name, path: `/topics/${t.slug}` })).sort((a, b) => compareText(a.name, b.name)),
    languages: languageTags(resource)
      .sort(byLanguageName(ctx))
      .map((tag) => ({ tag, name: ctx.languages.get(tag)?.name ?? tag, path: `/languages/${tag}` })),
    deliveryMode: resource.deliveryMode,
    deliveryModeName: resource.deliveryMode ? deliveryModeName(resource.deliveryMode) : null,
    nextSession: upcoming[0] ? presentSession(upcoming[0], ctx) : null,
    visibility: resource.visibility,
    /** When it was last confirmed, if that is more than a year ago ("not confirmed since ..."). */
    notConfirmedSince: isConfirmedWithinYear(resource, new Date()) ? null : confirmedSince(resource),
  };
}

export type ResourceCard = ReturnType<typeof presentCard>;

/** A listing on its own page: everything about it. */
export function presentDetail(resource: Resource, ctx: PresenterContext) {
  const today = ctx.today ?? todayUtc();
  const sessions = [...(resource.sessions ?? [])].sort((a, b) => a.startDate.localeCompare(b.startDate));
  const owner = resource.owner;
  return {
    ...presentCard(resource, ctx),
    descriptionHtml: renderMarkdown(resource.description),
    audiences: (resource.audiences ?? []).sort((a, b) => a.position - b.position).map((a) => a.name),
    duration: resource.duration,
    /** The text fields with a section of their own on the page (learning outcomes, who may take part, ...), as written. */
    details: LISTING_TEXT_FIELDS.filter((f) => f.onPage && resource[f.name]).map((f) => ({ name: f.name, text: resource[f.name] as string, lines: f.lines })),
    cost: resource.isFree === null ? null : resource.isFree ? "Free of charge" : "Fee applies",
    isFree: resource.isFree,
    access: resource.access,
    url: resource.url,
    ownershipStatement: resource.ownershipStatement ?? DEFAULT_OWNERSHIP_STATEMENT,
    /** The owner's own statement, or null when the catalogue's default stands in (which pages translate). */
    ownStatement: resource.ownershipStatement ?? null,
    editions: (resource.editions ?? [])
      .map((e) => ({
        tag: e.languageTag,
        language: ctx.languages.get(e.languageTag)?.name ?? e.languageTag,
        nativeName: ctx.languages.get(e.languageTag)?.nativeName ?? null,
        title: e.title,
        url: e.url,
        format: e.format,
      }))
      .sort((a, b) => compareText(a.language, b.language)),
    upcomingSessions: sessions.filter((s) => isUpcomingSession(s, today)).map((s) => presentSession(s, ctx)),
    pastSessions: sessions
      .filter((s) => !isUpcomingSession(s, today))
      .reverse()
      .map((s) => presentSession(s, ctx)),
    contact: {
      name: resource.contactName ?? owner?.contactName ?? null,
      email: resource.contactEmail ?? owner?.contactEmail ?? null,
      website: owner?.website ?? null,
    },
    publishedOn: formatTimestamp(resource.publishedAt),
    updatedOn: formatTimestamp(resource.updatedAt),
    lastConfirmedOn: formatTimestamp(resource.lastConfirmedAt),
    publishedAt: resource.publishedAt ?? null,
    lastConfirmedAt: resource.lastConfirmedAt ?? null,
  };
}

export type ResourceDetail = ReturnType<typeof presentDetail>;

/** A listing in the read API. */
export function presentApiResource(resource: Resource, ctx: PresenterContext) {
  const detail = presentDetail(resource, ctx);
  return {
    slug: resource.slug,
    externalId: resource.externalId,
    kind: resource.kind,
    title: resource.title,
    language: resource.languageTag,
    ...textsOf(resource),
    owner: detail.owner ? { slug: detail.owner.slug, name: detail.owner.name, shortName: detail.owner.shortName } : null,
    topics: detail.topics.map((t) => ({ slug: t.slug, name: t.name })),
    audiences: detail.audiences,
    deliveryMode: resource.deliveryMode,
    isFree: resource.isFree,
    ownershipStatement: detail.ownershipStatement,
    url: resource.url,
    visibility: resource.visibility,
    languages: detail.languages.map((l) => l.tag),
    editions: detail.editions.map((e) => ({ language: e.tag, title: e.title, url: e.url, format: e.format })),
    sessions: [...(resource.sessions ?? [])]
      .sort((a, b) => a.startDate.localeCompare(b.startDate))
      .map((s) => ({
        start: s.startDate,
        end: s.endDate,
        timeZone: s.timeZone,
        venue: s.venue,
        city: s.city,
        country: s.countryCode,
        online: s.online,
        language: s.languageTag,
        capacity: s.capacity,
        seatsPerCountry: s.seatsPerCountry,
        applicationOpens: s.applicationOpens,
        applicationDeadline: s.applicationDeadline,
        interpretation: s.interpretationLanguages ?? [],
        // As the pages show it: a session that has ended is completed, whatever was stored.
        status: shownSessionStatus(s, ctx.today ?? todayUtc()),
      })),
    contact: detail.contact,
    publishedAt: resource.publishedAt?.toISOString() ?? null,
    updatedAt: resource.updatedAt.toISOString(),
    lastConfirmedAt: resource.lastConfirmedAt?.toISOString() ?? null,
  };
}
