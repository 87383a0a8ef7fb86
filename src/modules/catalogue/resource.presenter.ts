import { apiScalarsOf, fieldsIn, LISTING_FIELDS, LISTING_TEXT_FIELDS, type ListingField } from "./listing-fields";
import { i18n } from "../../i18n/i18n";
import { confirmedSince, isConfirmedWithinYear, isUpcomingSession, sessionPlace, shownSessionStatus } from "./listing-rules";
import { compareText } from "../../http/compare";
import { formatDayRange, formatTimestamp, todayUtc } from "../../http/dates";
import { renderMarkdown } from "../../http/markdown";
import type { Language } from "../reference/reference.entities";
import type { ReferenceService } from "../reference/reference.service";
import type { CourseSession } from "./course-session.entity";
import type { Edition } from "./edition.entity";
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

/** A listing's sessions, earliest first. */
const sessionsByStart = (resource: Resource) => [...(resource.sessions ?? [])].sort((a, b) => a.startDate.localeCompare(b.startDate));

function presentEdition(edition: Edition, ctx: PresenterContext) {
  return {
    id: edition.id,
    tag: edition.languageTag,
    language: ctx.languages.get(edition.languageTag)?.name ?? edition.languageTag,
    nativeName: ctx.languages.get(edition.languageTag)?.nativeName ?? null,
    title: edition.title,
    url: edition.url,
    format: edition.format,
  };
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
  const sessions = sessionsByStart(resource);
  const owner = resource.owner;
  return {
    ...presentCard(resource, ctx),
    descriptionHtml: renderMarkdown(resource.description),
    audiences: (resource.audiences ?? []).sort((a, b) => a.position - b.position).map((a) => a.name),
    duration: resource.duration,
    /** The text fields with a section of their own on the page (learning outcomes, who may take part, ...), as written. */
    details: LISTING_TEXT_FIELDS.filter((f) => f.onPage && resource[f.name]).map((f) => ({ name: f.name, text: resource[f.name] as string, lines: f.lines })),
    /** The other fields shown on the page (cost, ...), each with what the page says of its value. */
    facts: LISTING_FIELDS.filter((f) => f.type !== "text" && f.onPage).flatMap((f) => factOf(f, resource[f.name], ctx)),
    isFree: resource.isFree,
    access: resource.access,
    url: resource.url,
    ownershipStatement: resource.ownershipStatement ?? DEFAULT_OWNERSHIP_STATEMENT,
    /** The owner's own statement, or null when the catalogue's default stands in (which pages translate). */
    ownStatement: resource.ownershipStatement ?? null,
    editions: (resource.editions ?? []).map((e) => presentEdition(e, ctx)).sort((a, b) => compareText(a.language, b.language)),
    upcomingSessions: sessions.filter((s) => isUpcomingSession(s, today)).map((s) => presentSession(s, ctx)),
    pastSessions: sessions
      .filter((s) => !isUpcomingSession(s, today))
      .reverse()
      .map((s) => presentSession(s, ctx)),
    // The owner's contact point applies where the listing gives none.
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
    ...apiScalarsOf(resource),
    owner: detail.owner ? { slug: detail.owner.slug, name: detail.owner.name, shortName: detail.owner.shortName } : null,
    topics: detail.topics.map((t) => ({ slug: t.slug, name: t.name })),
    audiences: detail.audiences,
    ownershipStatement: detail.ownershipStatement,
    url: resource.url,
    visibility: resource.visibility,
    languages: detail.languages.map((l) => l.tag),
    editions: detail.editions.map((e) => ({ language: e.tag, title: e.title, url: e.url, format: e.format })),
    sessions: sessionsByStart(resource).map((s) => ({
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

/**
 * A field's value as the listing page shows it among the facts: `says` is the catalogue key of
 * what it says (a boolean's "Free of charge"), `name` the English name of a choice or a language.
 */
export interface ListingFact {
  name: string;
  label: string;
  type: ListingField["type"];
  value: string | number | boolean;
  says: string | null;
  vocab: string | null;
  shownName: string | null;
}

export function factOf(field: ListingField, value: string | number | boolean | null | undefined, ctx: PresenterContext): ListingFact[] {
  if (value === null || value === undefined || value === "") return [];
  return [
    {
      name: field.name,
      label: field.pageLabel ?? `listing.fields.${field.name}`,
      type: field.type,
      value,
      says: field.type === "boolean" ? (value ? field.says.yes : field.says.no) : field.type === "oneOf" && !field.vocab ? `listing.choices.${field.name}.${String(value)}` : null,
      vocab: field.type === "oneOf" ? (field.vocab ?? null) : null,
      shownName: field.type === "oneOf" ? field.nameOf(String(value)) : field.type === "languageTag" ? (ctx.languages.get(String(value))?.name ?? String(value)) : null,
    },
  ];
}

/** The registry's fields of each group of the workspace form, with whether each has a hint. */
export function presentFormFields() {
  const group = (name: ListingField["group"]) => fieldsIn(name).map((f) => ({ ...f, hasHint: i18n().exists(`listing.hints.${f.name}`, { lng: "en" }) }));
  return { about: group("about"), takingPart: group("taking-part"), practical: group("practical"), contact: group("contact") };
}

/** A listing's editions and sessions as the workspace's listing page shows them, each with the id its remove button names. */
export function presentWorkspaceParts(resource: Resource, ctx: PresenterContext) {
  return {
    editions: (resource.editions ?? []).map((e) => presentEdition(e, ctx)),
    sessions: sessionsByStart(resource).map((s) => ({ id: s.id, ...presentSession(s, ctx) })),
  };
}
