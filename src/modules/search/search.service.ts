import { visibilitiesFor } from "../catalogue/listing-rules";
import { compareText } from "../../http/compare";
import type { Logger } from "pino";
import { formatDayRange, todayUtc } from "../../http/dates";
import { ValidationError } from "../../http/errors";
import type { CatalogueService, FacetName, ListRequest, Sort, Viewer } from "../catalogue/catalogue.service";
import { VISITOR } from "../catalogue/catalogue.service";
import type { TopicService } from "../catalogue/topic.service";
import { presentCard } from "../catalogue/resource.presenter";
import { deliveryModeName, DELIVERY_MODES, kindName, RESOURCE_KINDS } from "../catalogue/vocabulary";
import type { OrganisationService } from "../organisations/organisation.service";
import type { ReferenceService } from "../reference/reference.service";
import { conceptToken, conceptVocabulary } from "./concepts";
import { highlightToHtml } from "./search-document";
import { highlightQuery } from "./search-highlight";
import { readQuery, ReadQuery } from "./search-query";
import type { EngineSearchResponse, SearchEngine } from "./search-engine";
import { FACETS, MAX_TOTAL_HITS } from "./search-settings";

/** A search as the page and the API ask for it (already well-formed). */
export type SearchRequest = ListRequest;

export interface FacetValue {
  value: string;
  name: string;
  count: number;
  selected: boolean;
}

export interface SearchHit {
  slug: string;
  externalId: string | null;
  path: string;
  title: string;
  /** Title as HTML: escaped, with only our own `<mark>` around matches. */
  titleHtml: string;
  summaryHtml: string | null;
  acronym: string | null;
  kind: string;
  kindName: string;
  deliveryModeName: string | null;
  owner: { slug: string; name: string; path: string } | null;
  topics: Array<{ slug: string; name: string; path: string }>;
  languages: Array<{ tag: string; name: string; path: string }>;
  nextSession: { dates: string; place: string | null } | null;
  /** Why it matched, when not by its own words: a topic, a kind, a translation or an acronym of the query's words. */
  why: MatchReason[];
}

export interface MatchReason {
  kind: "topic" | "kind" | "translation" | "acronym";
  text: string;
}

export interface SearchResult {
  hits: SearchHit[];
  total: number;
  page: number;
  pageSize: number;
  totalPages: number;
  sort: Sort;
  facets: Record<FacetName, FacetValue[]>;
  /** False when the database answered a broad search without counting facet values. */
  facetCounts: boolean;
  /** True when the engine could not answer and the database did. */
  degraded: boolean;
}

/** Which request filter narrows which facet. */
const FILTER_OF: Record<FacetName, keyof ListRequest> = {
  topics: "topic",
  languages: "language",
  kind: "kind",
  deliveryMode: "mode",
  ownerSlug: "org",
  countries: "country",
};

/** Quotes a value for a Meilisearch filter expression; nothing in it can end the string. */
export function quoteFilterValue(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Names of everything a filter can name, refreshed now and then. */
interface Vocabulary {
  topics: Map<string, string>;
  languages: Map<string, string>;
  organisations: Map<string, string>;
  countries: Map<string, string>;
  /** Changes when any name changes: results presented with other names are not reused. */
  stamp: number;
}

const VOCABULARY_TTL_MS = 30_000;

/** The most matches for which the database fallback counts facet values. */
export const DATABASE_FACET_LIMIT = 1000;

/**
 * Searches the catalogue: through the engine when it answers in time, from the database otherwise
 * (the result then says it is degraded). Both apply the same filters and return the same shape.
 */
export class SearchService {
  private vocabularyCache: { at: number; value: Vocabulary; signature: string } | null = null;

  constructor(
    private readonly engine: SearchEngine | null,
    private readonly indexUid: string,
    private readonly catalogue: CatalogueService,
    private readonly topics: TopicService,
    private readonly organisations: OrganisationService,
    private readonly reference: ReferenceService,
    private readonly logger: Logger,
    /** The most matches for which the database fallback counts facet values. */
    private readonly databaseFacetLimit = DATABASE_FACET_LIMIT,
  ) {}

  private async vocabulary(): Promise<Vocabulary> {
    if (this.vocabularyCache && Date.now() - this.vocabularyCache.at < VOCABULARY_TTL_MS) return this.vocabularyCache.value;
    const [tree, languages, organisations, countries] = await Promise.all([
      this.topics.tree(),
      this.reference.listLanguages(),
      this.organisations.listAll(),
      this.reference.listCountries(),
    ]);
    const maps = {
      topics: new Map(tree.flatMap((n) => [n.topic, ...n.children]).map((t) => [t.slug, t.name])),
      languages: new Map(languages.map((l) => [l.tag, l.name])),
      organisations: new Map(organisations.map((o) => [o.slug, o.name])),
      countries: new Map(countries.map((c) => [c.code, c.name])),
    };
    const signature = JSON.stringify(Object.values(maps).map((m) => [...m]));
    const previous = this.vocabularyCache;
    const value: Vocabulary = previous?.signature === signature ? previous.value : { ...maps, stamp: (previous?.value.stamp ?? 0) + 1 };
    this.vocabularyCache = { at: Date.now(), value, signature };
    return value;
  }

  /** Refuses filter values that name nothing, as the database list does. */
  private check(request: SearchRequest, vocabulary: Vocabulary): void {
    const unknown: Record<string, string> = {};
    if (request.topic && !vocabulary.topics.has(request.topic)) unknown.topic = `no topic is called "${request.topic}"; see the list of topics`;
    if (request.language && !vocabulary.languages.has(request.language)) unknown.language = `no language has the tag "${request.language}"; see the list of languages`;
    if (request.org && !vocabulary.organisations.has(request.org)) unknown.org = `no organisation is called "${request.org}"; see the list of organisations`;
    if (request.country && !vocabulary.countries.has(request.country)) unknown.country = `"${request.country}" is not a known ISO 3166 alpha-3 country code`;
    if (Object.keys(unknown).length) throw new ValidationError(unknown, "Some filters name nothing in the catalogue.");
  }

  /** One search. An engine result may be shared with other searches and is frozen: read it, never change it. */
  async search(request: SearchRequest, viewer: Viewer = VISITOR): Promise<SearchResult> {
    const vocabulary = await this.vocabulary();
    this.check(request, vocabulary);
    const sort: Sort = request.sort ?? (request.q ? "relevance" : "title");
    if (this.engine) {
      try {
        return await this.searchEngine(this.engine, request, sort, viewer, vocabulary);
      } catch (error) {
        this.logger.warn({ err: error }, "search engine did not answer; answering from the database");
      }
    }
    return this.searchDatabase(request, sort, viewer, vocabulary);
  }

  /** The filter expressions of a request. */
  private filters(request: SearchRequest, viewer: Viewer): string[] {
    // The engine's twin of `visibleSql` (listing-rules.ts).
    const filters = [`status = "published"`, `visibility IN [${visibilitiesFor(viewer).map((v) => `"${v}"`).join(", ")}]`];
    const add = (facet: FacetName, value: string | undefined) => {
      if (value !== undefined) filters.push(`${facet} = ${quoteFilterValue(value)}`);
    };
    add("topics", request.topic);
    add("languages", request.language);
    add("kind", request.kind);
    add("deliveryMode", request.mode);
    add("ownerSlug", request.org);
    add("countries", request.country);
    if (request.upcoming) filters.push(`sessionStarts >= ${Math.floor(Date.parse(`${todayUtc()}T00:00:00Z`) / 1000)}`);
    return filters;
  }

  private async searchEngine(engine: SearchEngine, request: SearchRequest, sort: Sort, viewer: Viewer, vocabulary: Vocabulary): Promise<SearchResult> {
    const read = readQuery(request.q);
    const q = read.engineQ;
    const sortBy: Record<Sort, string[] | undefined> = {
      relevance: undefined,
      title: ["titleSort:asc"],
      newest: ["publishedAt:desc"],
      updated: ["updatedAt:desc"],
      "next-session": ["nextSessionStart:asc", "titleSort:asc"],
    };
    // Past the engine's limit no page can answer; ask for an empty page instead of an error.
    const beyond = request.page * request.pageSize > MAX_TOTAL_HITS;
    // One query per search: facet counts are those of the matching listings (conjunctive), which
    // keeps every search to a single pass over the index.
    const question = {
      q,
      filter: this.filters(request, viewer),
      facets: [...FACETS],
      sort: sortBy[sort],
      page: beyond ? 1 : request.page,
      hitsPerPage: beyond ? 0 : request.pageSize,
      attributesToRetrieve: ["slug", "externalId", "title", "acronym", "summary", "kind", "kindName", "deliveryModeName", "ownerSlug", "card", "languages", "topics", "cTitle", "cText", "sTitle", "sAcronym"],
    };
    // The same question, with the same names to show, gets the same result while the index does not change.
    const key = JSON.stringify([vocabulary.stamp, request.page, request.pageSize, sort, question]);
    return engine.kept(this.indexUid, key, async (): Promise<SearchResult> => {
      const result = await engine.search(this.indexUid, question);
      const total = result.totalHits;
      return {
        hits: beyond ? [] : result.hits.map((hit) => this.presentHit(hit, vocabulary, read)),
        total,
        page: request.page,
        pageSize: request.pageSize,
        totalPages: Math.max(1, Math.ceil(Math.min(total, MAX_TOTAL_HITS) / request.pageSize)),
        sort,
        facets: this.presentFacets(result.facetDistribution, request, vocabulary),
        facetCounts: true,
        degraded: false,
      };
    });
  }

  private presentHit(hit: EngineSearchResponse["hits"][number], vocabulary: Vocabulary, read: ReadQuery): SearchHit {
    const card = hit.card as {
      title: string;
      summary: string | null;
      ownerName: string | null;
      topics: Array<{ slug: string; name: string }>;
      nextSession: { start: string; end: string | null; place: string | null } | null;
    };
    const slug = String(hit.slug);
    const ownerSlug = typeof hit.ownerSlug === "string" ? hit.ownerSlug : null;
    return {
      slug,
      externalId: (hit.externalId as string | null) ?? null,
      path: `/resources/${slug}`,
      title: card.title,
      titleHtml: highlightQuery(card.title, read),
      summaryHtml: card.summary === null ? null : highlightQuery(card.summary, read),
      acronym: (hit.acronym as string | null) ?? null,
      kind: String(hit.kind),
      kindName: String(hit.kindName),
      deliveryModeName: (hit.deliveryModeName as string | null) ?? null,
      owner: ownerSlug ? { slug: ownerSlug, name: card.ownerName ?? ownerSlug, path: `/organisations/${ownerSlug}` } : null,
      topics: card.topics.map((t) => ({ ...t, path: `/topics/${t.slug}` })),
      languages: ((hit.languages as string[]) ?? [])
        .map((tag) => ({ tag, name: vocabulary.languages.get(tag) ?? tag, path: `/languages/${tag}` }))
        .sort((a, b) => compareText(a.name, b.name)),
      nextSession: card.nextSession ? { dates: formatDayRange(card.nextSession.start, card.nextSession.end), place: card.nextSession.place } : null,
      why: matchReasons(read, {
        topics: ((hit.topics as string[]) ?? []).map((t) => ({ slug: t, name: vocabulary.topics.get(t) ?? t })),
        kind: String(hit.kind),
        kindName: String(hit.kindName),
        ownText: `${String(hit.cTitle ?? "")} ${String(hit.cText ?? "")}`,
        languages: (hit.languages as string[]) ?? [],
      }),
    };
  }

  private presentFacets(distribution: Record<string, Record<string, number>>, request: SearchRequest, vocabulary: Vocabulary): Record<FacetName, FacetValue[]> {
    const names: Record<FacetName, (v: string) => string | undefined> = {
      topics: (v) => vocabulary.topics.get(v),
      languages: (v) => vocabulary.languages.get(v),
      kind: (v) => (RESOURCE_KINDS.includes(v) ? kindName(v) : undefined),
      deliveryMode: (v) => (DELIVERY_MODES.includes(v) ? deliveryModeName(v) : undefined),
      ownerSlug: (v) => vocabulary.organisations.get(v),
      countries: (v) => vocabulary.countries.get(v),
    };
    const out = {} as Record<FacetName, FacetValue[]>;
    for (const facet of FACETS) {
      const selected = request[FILTER_OF[facet]] as string | undefined;
      const counts = { ...(distribution[facet] ?? {}) };
      if (selected !== undefined && !(selected in counts)) counts[selected] = 0;
      out[facet] = Object.entries(counts)
        .map(([value, count]) => ({ value, name: names[facet](value) ?? value, count, selected: value === selected }))
        .sort((a, b) => Number(b.selected) - Number(a.selected) || b.count - a.count || compareText(a.name, b.name));
    }
    return out;
  }

  private async searchDatabase(request: SearchRequest, sort: Sort, viewer: Viewer, vocabulary: Vocabulary): Promise<SearchResult> {
    const read = readQuery(request.q);
    const [list, languages, countries] = await Promise.all([this.catalogue.list({ ...request, sort }, viewer), this.reference.languageMap(), this.reference.countryNames()]);
    // Counting facets by SQL costs a pass per facet over every match: for broad searches the
    // reduced mode skips it (only the chosen values are shown) to keep answering quickly.
    const counted = list.total <= this.databaseFacetLimit;
    const counts = counted ? await this.catalogue.facetCounts(request, viewer) : { topics: {}, languages: {}, kind: {}, deliveryMode: {}, ownerSlug: {}, countries: {} };
    return {
      hits: list.resources.map((resource) => {
        const card = presentCard(resource, { languages, countries });
        return {
          slug: card.slug,
          externalId: resource.externalId,
          path: card.path,
          title: card.title,
          // The database marks no words: it does not say which of them matched.
          titleHtml: highlightToHtml(card.title),
          summaryHtml: card.summary ? highlightToHtml(card.summary) : null,
          acronym: card.acronym,
          kind: card.kind,
          kindName: card.kindName,
          deliveryModeName: card.deliveryModeName,
          owner: card.owner ? { slug: card.owner.slug, name: card.owner.name, path: card.owner.path } : null,
          topics: card.topics,
          languages: card.languages,
          nextSession: card.nextSession ? { dates: card.nextSession.dates, place: card.nextSession.place } : null,
          why: matchReasons(read, {
            topics: card.topics.map((t) => ({ slug: t.slug, name: t.name })),
            kind: card.kind,
            kindName: card.kindName,
            ownText: [resource.title, resource.acronym, resource.summary, resource.description].filter(Boolean).join(" "),
            languages: card.languages.map((l) => l.tag),
          }),
        };
      }),
      total: list.total,
      page: list.page,
      pageSize: list.pageSize,
      totalPages: list.totalPages,
      sort,
      facets: this.presentFacets(counts, request, vocabulary),
      facetCounts: counted,
      degraded: true,
    };
  }
}

/**
 * Why a listing matched a query when its own words do not say so: the query named one of its topics
 * or its kind, or a word of the query is a translation or an acronym of a concept the listing has.
 * `ownText` is the listing's own text, or the tokens of the concepts found in it.
 */
export function matchReasons(
  read: ReadQuery,
  listing: { topics: Array<{ slug: string; name: string }>; kind: string; kindName: string; ownText: string; languages: string[] },
): MatchReason[] {
  if (read.concepts.length === 0) return [];
  const vocabulary = conceptVocabulary();
  const reasons: MatchReason[] = [];
  const seen = new Set<string>();
  const own = listing.ownText.includes("zq") ? new Set(listing.ownText.split(/\s+/)) : new Set(vocabulary.conceptsOf(listing.ownText).map(conceptToken));
  for (const m of read.concepts) {
    if (seen.has(m.concept)) continue;
    seen.add(m.concept);
    const english = vocabulary.termIn(m.concept, "en");
    const sameWords = m.language === "en" || english?.toLowerCase() === m.term.toLowerCase();
    const topic = listing.topics.find((t) => vocabulary.ofTopic(t.slug).includes(m.concept));
    if (topic && (!sameWords || !own.has(conceptToken(m.concept)))) {
      reasons.push({ kind: "topic", text: topic.name.toLowerCase() === m.term.toLowerCase() ? `Topic: ${topic.name}` : `Topic: ${topic.name} · ${m.term}` });
    } else if (vocabulary.ofKind(listing.kind).includes(m.concept) && !sameWords) {
      reasons.push({ kind: "kind", text: `Kind: ${listing.kindName} · ${m.term}` });
    } else if (own.has(conceptToken(m.concept)) && m.language === "und" && english) {
      reasons.push({ kind: "acronym", text: `${m.term} = ${english}` });
    } else if (own.has(conceptToken(m.concept)) && !sameWords && english && !listing.languages.includes(m.language)) {
      reasons.push({ kind: "translation", text: `“${m.term}” = ${english}` });
    }
  }
  return reasons;
}
