import { FILTERED_FIELDS, filteredScalarsOf, SEARCHED_DETAILS, searchableDetails } from "../catalogue/listing-fields";
import { confirmedSince, isConfirmedWithinYear, sessionPlace } from "../catalogue/listing-rules";
import { compareText } from "../../http/compare";
import { readFileSync } from "node:fs";
import path from "node:path";
import sanitizeHtml from "sanitize-html";
import { marked } from "marked";
import type { Resource } from "../catalogue/resource.entity";
import type { Topic } from "../catalogue/topic.entity";
import { deliveryModeName, kindName } from "../catalogue/vocabulary";
import type { TopicService } from "../catalogue/topic.service";
import type { Language } from "../reference/reference.entities";
import type { ReferenceService } from "../reference/reference.service";
import { HIGHLIGHT_POST, HIGHLIGHT_PRE, SearchDocument } from "./search-engine";
import { conceptToken, conceptVocabulary } from "./concepts";
import { segmentWords } from "./segment";
import { searchForm } from "./search-words";

/** Topic and kind names in the region's main languages (seeds/reference/topic-translations.json). */
interface Translations {
  topics: Record<string, Record<string, string[]>>;
  kinds: Record<string, Record<string, string[]>>;
}

/** Every translation of each topic and kind, already segmented, in one list per slug. */
let translations: { topics: Map<string, string[]>; kinds: Map<string, string[]> } | null = null;
function loadTranslations() {
  if (!translations) {
    const file = path.resolve(__dirname, "../../../seeds/reference/topic-translations.json");
    const raw = JSON.parse(readFileSync(file, "utf8")) as Translations;
    const flatten = (entries: Record<string, Record<string, string[]>>) => new Map(Object.entries(entries).map(([slug, byLanguage]) => [slug, Object.values(byLanguage).flat().map(segmentWords)]));
    translations = { topics: flatten(raw.topics), kinds: flatten(raw.kinds) };
  }
  return translations;
}

/** Everything the document builder looks up besides the resource itself. */
export interface DocumentContext {
  topicsById: Map<number, Topic>;
  languages: Map<string, Language>;
  countries: Map<string, string>;
}

/** Loads topics, languages and countries by key, shared by every document (in the reference data's cache). */
export class DocumentContextLoader {
  constructor(
    private readonly topics: TopicService,
    private readonly reference: ReferenceService,
  ) {}

  load(): Promise<DocumentContext> {
    return this.reference.cached("document-context", async () => {
      const [tree, languages, countries] = await Promise.all([this.topics.tree(), this.reference.languageMap(), this.reference.countryNames()]);
      const topicsById = new Map(tree.flatMap((n) => [n.topic, ...n.children]).map((t) => [t.id, t]));
      return { topicsById, languages, countries };
    });
  }

  /** Forget the cache (after the taxonomy or reference data changed). */
  reset(): void {
    this.reference.forget();
  }
}

const stripSentinels = (text: string) => text.replace(/[\uE000\uE001]/g, "");

/** Text of a Markdown description without markup. */
export function plainText(markdown: string | null): string {
  if (!markdown) return "";
  const html = marked.parse(markdown, { async: false });
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }).replace(/\s+/g, " ").trim();
}

const dayStart = (day: string) => Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000);

/** Sessions that count as offered: not cancelled and not marked completed. */
const offered = (resource: Resource) => (resource.sessions ?? []).filter((s) => s.status !== "cancelled" && s.status !== "completed");

function nextSessionOf(resource: Resource, today: number, ctx: DocumentContext) {
  const next = offered(resource)
    .filter((s) => dayStart(s.startDate) >= today)
    .sort((a, b) => a.startDate.localeCompare(b.startDate))[0];
  if (!next) return null;
  const place = sessionPlace(next, (code) => ctx.countries.get(code) ?? code);
  return { start: next.startDate, end: next.endDate, place };
}

/**
 * What a document holds, as a version: raise it when the mapping below changes. With the names of
 * the listing fields searched among the details and of those filtered on, it makes the document's shape; an index built for
 * another shape is rebuilt at start.
 */
export const SEARCH_DOCUMENT_VERSION = 6;

export function documentShape(): string {
  return `${SEARCH_DOCUMENT_VERSION}:${SEARCHED_DETAILS.join(",")}:${FILTERED_FIELDS.join(",")}`;
}

/**
 * One search document per listing: everything people search and filter on. Text in scripts written
 * without spaces is pre-segmented; highlight sentinels are removed from the stored text.
 */
/**
 * The searchable form and concepts of a listing's topic and kind names in every language. They come
 * from the reference data, the same few hundred names for every listing: each is read once (reading
 * them was most of the time a document took to build).
 */
const nameRead = new Map<string, { form: string; concepts: string[] }>();
function readNames(texts: string[]): { form: string; concepts: string[] } {
  const forms: string[] = [];
  const concepts: string[] = [];
  for (const text of texts) {
    let read = nameRead.get(text);
    if (!read) {
      read = { form: searchForm(text), concepts: conceptVocabulary().conceptsOf(text) };
      if (nameRead.size >= 5_000) nameRead.clear();
      nameRead.set(text, read);
    }
    if (read.form) forms.push(read.form);
    concepts.push(...read.concepts);
  }
  return { form: forms.join(" "), concepts };
}

export function buildSearchDocument(resource: Resource, ctx: DocumentContext, now = new Date()): SearchDocument {
  const t = loadTranslations();
  const text = (value: string | null | undefined) => (value ? segmentWords(stripSentinels(value)) : null);

  const topics: Topic[] = [];
  for (const topic of resource.topics ?? []) {
    topics.push(topic);
    const parent = topic.parentId !== null ? ctx.topicsById.get(topic.parentId) : undefined;
    if (parent && !topics.some((x) => x.id === parent.id)) topics.push(parent);
  }
  const uniqueTopics = [...new Map(topics.map((x) => [x.id, x])).values()];

  const languageTags = [
    ...new Set([
      ...(resource.languageTag ? [resource.languageTag] : []),
      ...(resource.editions ?? []).map((e) => e.languageTag),
      ...(resource.sessions ?? []).flatMap((s) => (s.languageTag ? [s.languageTag] : [])),
    ]),
  ];
  const countryCodes = [...new Set([resource.owner?.countryCode, ...(resource.sessions ?? []).map((s) => s.countryCode)].filter((c): c is string => Boolean(c)))];

  const editionTitles: Record<string, string> = {};
  for (const edition of resource.editions ?? []) {
    if (edition.title) editionTitles[edition.languageTag] = [editionTitles[edition.languageTag], text(edition.title)].filter(Boolean).join(" · ");
  }

  const today = Math.floor(Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`) / 1000);

  // What the engine searches: every text in its searchable form (see search-words.ts), and the
  // concepts of the vocabulary found in it, as tokens, so that a query in any language finds them.
  const vocabulary = conceptVocabulary();
  const description = plainText(resource.description);
  const details = searchableDetails(resource).join("\n");
  const topicTexts = [...uniqueTopics.map((x) => x.name), ...uniqueTopics.flatMap((x) => t.topics.get(x.slug) ?? []), kindName(resource.kind), ...(t.kinds.get(resource.kind) ?? [])];
  const titleTexts = [resource.title, resource.acronym ?? "", ...(resource.editions ?? []).map((e) => e.title ?? "")];
  const tokens = (ids: Iterable<string>) => [...new Set(ids)].map(conceptToken).join(" ");
  const title = vocabulary.analyse(resource.title);
  const summary = vocabulary.analyse(resource.summary);
  const body = vocabulary.analyse(description);
  const conceptsTitle = new Set([...title.concepts, ...titleTexts.slice(1).flatMap((x) => vocabulary.conceptsOf(x))]);
  const names = readNames(topicTexts);
  const conceptsTopics = new Set([...uniqueTopics.flatMap((x) => vocabulary.ofTopic(x.slug)), ...vocabulary.ofKind(resource.kind), ...names.concepts]);
  const more = vocabulary.analyse(details);
  const conceptsText = new Set([...summary.concepts, ...body.concepts, ...more.concepts, ...(resource.audiences ?? []).flatMap((a) => vocabulary.conceptsOf(a.name))]);
  const sessionStarts = offered(resource)
    .map((s) => dayStart(s.startDate))
    .sort((a, b) => a - b);
  const nextSessionStart = sessionStarts.find((s) => s >= today) ?? null;

  return {
    id: resource.id,
    slug: resource.slug,
    externalId: resource.externalId,
    title: text(resource.title),
    titleSort: resource.title.toLocaleLowerCase("en"),
    acronym: resource.acronym,
    summary: text(resource.summary),
    description: text(description),
    details: text(details),
    editionTitles,
    kind: resource.kind,
    kindName: kindName(resource.kind),
    kindNamesLocalized: t.kinds.get(resource.kind) ?? [],
    // The registry's fields that search filters on (delivery mode, cost, ...), by name.
    ...filteredScalarsOf(resource),
    deliveryModeName: resource.deliveryMode ? deliveryModeName(resource.deliveryMode) : null,
    ownerSlug: resource.owner?.slug ?? null,
    ownerName: resource.owner?.name ?? null,
    ownerAcronym: resource.owner?.shortName ?? null,
    topics: uniqueTopics.map((x) => x.slug),
    topicNames: uniqueTopics.map((x) => x.name),
    topicNamesLocalized: uniqueTopics.flatMap((x) => t.topics.get(x.slug) ?? []),
    audiences: (resource.audiences ?? []).map((a) => a.name),
    languages: languageTags,
    languageNames: languageTags.flatMap((tag) => {
      const language = ctx.languages.get(tag);
      return language ? [language.name, segmentWords(language.nativeName)] : [tag];
    }),
    countries: countryCodes,
    countryNames: countryCodes.map((c) => ctx.countries.get(c) ?? c),
    sTitle: title.form,
    sAcronym: searchForm(resource.acronym),
    sEditions: searchForm(Object.values(editionTitles).join(" · ")),
    sTopics: names.form,
    sOwner: searchForm([resource.owner?.name, resource.owner?.shortName].filter(Boolean).join(" · ")),
    sSummary: summary.form,
    sOther: searchForm(
      [
        ...(resource.audiences ?? []).map((a) => a.name),
        ...languageTags.flatMap((tag) => {
          const language = ctx.languages.get(tag);
          return language ? [language.name, language.nativeName] : [tag];
        }),
        ...countryCodes.map((c) => ctx.countries.get(c) ?? c),
        resource.deliveryMode ? deliveryModeName(resource.deliveryMode) : "",
      ].join(" · "),
    ),
    sDetails: more.form,
    sDescription: body.form,
    cTitle: tokens(conceptsTitle),
    cTopics: tokens(conceptsTopics),
    cText: tokens(conceptsText),
    sessionStarts,
    nextSessionStart,
    hasSessions: sessionStarts.length > 0,
    // Shown on result cards as stored, never searched.
    card: {
      title: resource.title,
      summary: resource.summary,
      ownerName: resource.owner?.name ?? null,
      topics: (resource.topics ?? []).map((x) => ({ slug: x.slug, name: x.name })).sort((a, b) => compareText(a.name, b.name)),
      nextSession: nextSessionOf(resource, today, ctx),
    },
    visibility: resource.visibility,
    status: resource.status,
    publishedAt: resource.publishedAt ? Math.floor(resource.publishedAt.getTime() / 1000) : null,
    updatedAt: Math.floor(resource.updatedAt.getTime() / 1000),
    // When the owner last confirmed it (or else published or made it): filtered on.
    confirmedAt: Math.floor(confirmedSince(resource).getTime() / 1000),
    // 1 while confirmed within a year, 0 once past due: ranked by, so that among otherwise equal
    // matches a stale listing comes after the others (the worker refreshes it the day it falls due).
    fresh: isConfirmedWithinYear(resource, now) ? 1 : 0,
  };
}

/** Escapes text for HTML, then turns the engine's highlight sentinels into `<mark>`. */
export function highlightToHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
  return escaped.replaceAll(HIGHLIGHT_PRE, "<mark>").replaceAll(HIGHLIGHT_POST, "</mark>");
}
