import { confirmationCutoff, isConfirmedWithinYear, visibilitiesFor, type VisibilityViewer } from "../catalogue/listing-rules";
import { compareText } from "../../http/compare";
import type { Logger } from "pino";
import { formatDayRange, todayUtc } from "../../http/dates";
import { ValidationError } from "../../http/errors";
import type { CatalogueService, FacetName, ListRequest, Sort, Viewer } from "../catalogue/catalogue.service";
import { VISITOR } from "../catalogue/catalogue.service";
import type { ListingRepository } from "../catalogue/listing.repository";
import type { TopicService } from "../catalogue/topic.service";
import { presentCard } from "../catalogue/resource.presenter";
import { deliveryModeName, DELIVERY_MODES, kindName, RESOURCE_KINDS } from "../catalogue/vocabulary";
import type { OrganisationService } from "../organisations/organisation.service";
import type { ReferenceService } from "../reference/reference.service";
import { conceptToken, conceptVocabulary } from "./concepts";
import { highlightToHtml } from "./search-document";
import { highlightQuery } from "./search-highlight";
import { readQuery, ReadQuery } from "./search-query";
import { WordList } from "./search-suggest";
import type { EngineSearchRequest, EngineSearchResponse, SearchEngine } from "./search-engine";
import { FACETS, MAX_TOTAL_HITS } from "./search-settings";
import { message } from "../../i18n/message";

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
  /** When it was last confirmed, if that is more than a year ago (the card says "not confirmed since"). */
  notConfirmedSince: Date | null;
  /** Why it matched, when not by its own words: a topic, a kind, a translation or an acronym of the query's words. */
  why: MatchReason[];
}

export interface MatchReason {
  kind: "topic" | "kind" | "translation" | "acronym";
  /** In English, for the API. */
  text: string;
  /** The topic's or kind's slug and name, or the concept's English term (translation, acronym). */
  slug: string | null;
  name: string;
  /** The searcher's word; null when it is the topic's own name. */
  term: string | null;
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
  /** Nothing matched the query as typed, and these are the results of a looser one. */
  relaxed: Relaxed | null;
  /** A query in the catalogue's own words, when some words of this one are in no listing. */
  suggestion: string | null;
}

/**
 * How a query that matched nothing was loosened: its misspelt words replaced by the catalogue's own
 * (`spelling`), the words that no listing has left out (`words`), or the filters left out (`filters`).
 */
export interface Relaxed {
  kind: "spelling" | "words" | "filters";
  /** The words searched instead. */
  searched: string;
  /** The words left out (for `words`). */
  dropped: string[];
}

/** A question whose matches are only counted: in the words as typed (the database) or as the engine reads them, with or without the request's filters. */
interface CountQuestion {
  text: string;
  engineQ: string;
  filtered: boolean;
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

/** The engine's order for each sort. */
const SORT_BY: Record<Sort, string[] | undefined> = {
  relevance: undefined,
  title: ["titleSort:asc"],
  newest: ["publishedAt:desc"],
  updated: ["updatedAt:desc"],
  "next-session": ["nextSessionStart:asc", "titleSort:asc"],
};

/** What a result card is made of (the card's title and summary are the ones shown). */
const CARD_ATTRIBUTES = ["slug", "externalId", "acronym", "kind", "kindName", "deliveryModeName", "ownerSlug", "card", "languages", "topics", "confirmedAt"];

/** Each facet's known values, named, with each name's place in alphabetical order among all of them. */
function facetValues(maps: Pick<Vocabulary, "topics" | "languages" | "organisations" | "countries">): Vocabulary["facetValues"] {
  const named: Record<FacetName, Array<[string, string]>> = {
    topics: [...maps.topics],
    languages: [...maps.languages],
    kind: RESOURCE_KINDS.map((k) => [k, kindName(k)]),
    deliveryMode: DELIVERY_MODES.map((m) => [m, deliveryModeName(m)]),
    ownerSlug: [...maps.organisations],
    countries: [...maps.countries],
  };
  const names = [...new Set(Object.values(named).flatMap((pairs) => pairs.map(([, name]) => name)))].sort(compareText);
  const place = new Map(names.map((name, i) => [name, i]));
  return Object.fromEntries(Object.entries(named).map(([facet, pairs]) => [facet, new Map(pairs.map(([value, name]) => [value, { name, place: place.get(name)! }]))])) as Vocabulary["facetValues"];
}

/** A search's order: the one asked for, else by relevance for words and by title for none. */
const sortOf = (request: SearchRequest): Sort => request.sort ?? (request.q ? "relevance" : "title");

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
  /** Each facet's values with their names and their names' places in alphabetical order (facet values are sorted by name often). */
  facetValues: Record<FacetName, Map<string, { name: string; place: number }>>;
  /** Changes when any name changes: results presented with other names are not reused. */
  stamp: number;
}

/** One audience's word list: the one last read, and the reading under way. */
class WordListKeeper {
  cache: { at: number; list: WordList } | null = null;
  loading: Promise<WordList | null> | null = null;
}

/** The most matches for which the database fallback counts facet values. */
export const DATABASE_FACET_LIMIT = 1000;

/** How many listings give their words to "did you mean", and how long that list is kept. */
const WORD_LIST_LISTINGS = 5000;
const WORD_LIST_TTL_MS = 10 * 60_000;

/**
 * Searches the catalogue: through the engine when it answers in time, from the database otherwise
 * (the result then says it is degraded). Both apply the same filters and return the same shape.
 */
export class SearchService {
  /** The vocabulary last read, kept to tell whether a name changed since (its stamp moves on only then). */
  private vocabularySeen: { value: Vocabulary; signature: string } | null = null;
  /** The catalogue's words, for visitors (public listings) and for members (members-only ones too). */
  private readonly wordLists = { visitors: new WordListKeeper(), members: new WordListKeeper() };

  constructor(
    private readonly engine: SearchEngine | null,
    private readonly indexUid: string,
    private readonly catalogue: CatalogueService,
    private readonly listings: ListingRepository,
    private readonly topics: TopicService,
    private readonly organisations: OrganisationService,
    private readonly reference: ReferenceService,
    private readonly logger: Logger,
    /** The most matches for which the database fallback counts facet values. */
    private readonly databaseFacetLimit = DATABASE_FACET_LIMIT,
  ) {}

  /** Until the index has caught up with the database, answers come from the database. */
  private catchUp: { caughtUp(): Promise<boolean> } | null = null;

  /** Makes search wait for the index to catch up before it trusts the engine's answers. */
  waitForIndex(catchUp: { caughtUp(): Promise<boolean> }): void {
    this.catchUp = catchUp;
  }

  private vocabulary(): Promise<Vocabulary> {
    return this.reference.cached(`search-vocabulary:${this.indexUid}`, async () => {
      const [tree, languages, organisations, countries] = await Promise.all([this.topics.tree(), this.reference.listLanguages(), this.organisations.listAll(), this.reference.listCountries()]);
      const maps = {
        topics: new Map(tree.flatMap((n) => [n.topic, ...n.children]).map((t) => [t.slug, t.name])),
        languages: new Map(languages.map((l) => [l.tag, l.name])),
        organisations: new Map(organisations.map((o) => [o.slug, o.name])),
        countries: new Map(countries.map((c) => [c.code, c.name])),
      };
      const signature = JSON.stringify(Object.values(maps).map((m) => [...m]));
      const previous = this.vocabularySeen;
      const value: Vocabulary = previous?.signature === signature ? previous.value : { ...maps, facetValues: facetValues(maps), stamp: (previous?.value.stamp ?? 0) + 1 };
      this.vocabularySeen = { value, signature };
      return value;
    });
  }

  /** Refuses filter values that name nothing, as the database list does. */
  private check(request: SearchRequest, vocabulary: Vocabulary): void {
    const unknown: Record<string, string> = {};
    if (request.topic && !vocabulary.topics.has(request.topic)) unknown.topic = message("catalogue.unknownFilter.topic", { value: request.topic });
    if (request.language && !vocabulary.languages.has(request.language)) unknown.language = message("catalogue.unknownFilter.language", { value: request.language });
    if (request.org && !vocabulary.organisations.has(request.org)) unknown.org = message("catalogue.unknownFilter.org", { value: request.org });
    if (request.country && !vocabulary.countries.has(request.country)) unknown.country = message("catalogue.unknownFilter.country", { value: request.country });
    if (Object.keys(unknown).length) throw new ValidationError(unknown, message("errors.unknownFilters"));
  }

  /** One search. An engine result may be shared with other searches and is frozen: read it, never change it. */
  async search(request: SearchRequest, viewer: Viewer = VISITOR): Promise<SearchResult> {
    const vocabulary = await this.vocabulary();
    this.check(request, vocabulary);
    const sort = sortOf(request);
    // An index still being built would answer "no listings": the database answers meanwhile (degraded).
    if (this.engine && (await (this.catchUp?.caughtUp() ?? true))) {
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
    const filters = [
      `status = "published"`,
      `visibility IN [${visibilitiesFor(viewer)
        .map((v) => `"${v}"`)
        .join(", ")}]`,
    ];
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
    // By the hour, so that the same search asked again is the same question (and its kept answer).
    if (request.confirmed) filters.push(`confirmedAt >= ${Math.floor(confirmationCutoff(new Date()).getTime() / 3_600_000) * 3600}`);
    return filters;
  }

  /**
   * What the engine is asked for a search's results (before any loosening). One query per search:
   * facet counts are those of the matching listings (conjunctive), which keeps every search to a
   * single pass over the index. The search benchmark asks the engine the very same.
   */
  engineQuestion(request: SearchRequest, viewer: Viewer = VISITOR): EngineSearchRequest {
    return this.question(request, sortOf(request), readQuery(request.q), this.filters(request, viewer));
  }

  private question(request: SearchRequest, sort: Sort, read: ReadQuery, filters: string[]): EngineSearchRequest {
    // Past the engine's limit no page can answer; ask for an empty page instead of an error.
    const beyond = request.page * request.pageSize > MAX_TOTAL_HITS;
    return {
      q: read.engineQ,
      filter: filters,
      facets: [...FACETS],
      sort: SORT_BY[sort],
      page: beyond ? 1 : request.page,
      hitsPerPage: beyond ? 0 : request.pageSize,
      // The concepts' texts only serve to say why a listing matched the query's concepts.
      attributesToRetrieve: read.concepts.length ? [...CARD_ATTRIBUTES, "cTitle", "cText"] : CARD_ATTRIBUTES,
    };
  }

  private async searchEngine(engine: SearchEngine, request: SearchRequest, sort: Sort, viewer: Viewer, vocabulary: Vocabulary): Promise<SearchResult> {
    const read = readQuery(request.q);
    const beyond = request.page * request.pageSize > MAX_TOTAL_HITS;
    const filter = this.filters(request, viewer);
    const unfiltered = this.filters({ page: 1, pageSize: request.pageSize } as SearchRequest, viewer);
    const answer = async (asked: ReadQuery, filters: string[], relaxed: Relaxed | null, suggestion: string | null): Promise<SearchResult> => {
      const result = await engine.search(this.indexUid, this.question(request, sort, asked, filters));
      const total = result.totalHits;
      return {
        hits: beyond ? [] : result.hits.map((hit) => this.presentHit(hit, vocabulary, asked)),
        total,
        page: request.page,
        pageSize: request.pageSize,
        totalPages: Math.max(1, Math.ceil(Math.min(total, MAX_TOTAL_HITS) / request.pageSize)),
        sort,
        facets: this.presentFacets(result.facetDistribution, relaxed?.kind === "filters" ? ({ page: 1, pageSize: request.pageSize } as SearchRequest) : request, vocabulary),
        facetCounts: true,
        degraded: false,
        relaxed,
        suggestion,
      };
    };
    // The same question, with the same names to show, gets the same result while the index does not change.
    const key = JSON.stringify([vocabulary.stamp, request.page, request.pageSize, sort, this.question(request, sort, read, filter)]);
    return engine.kept(this.indexUid, key, async (): Promise<SearchResult> => {
      const suggestion = await this.suggest(read, viewer);
      const first = await answer(read, filter, null, suggestion);
      if (first.total > 0 || read.units.length === 0 || beyond) return first;
      return this.relax(read, request, first, suggestion, {
        counts: (questions) =>
          engine.counts(
            this.indexUid,
            questions.map((question) => ({ q: question.engineQ, filter: question.filtered ? filter : unfiltered })),
          ),
        search: (asked, relaxed) => answer(asked, relaxed.kind === "filters" ? unfiltered : filter, relaxed, suggestion),
      });
    });
  }

  /**
   * A query that matched nothing, loosened step by step until something matches: the catalogue's
   * spelling of its words; then without the words no listing has; then without the filters. What
   * each step would find is counted first, all at once (cheap: no results, no facets), and only the
   * step that finds something is searched in full.
   */
  private async relax(
    read: ReadQuery,
    request: SearchRequest,
    none: SearchResult,
    suggestion: string | null,
    ask: { counts(questions: CountQuestion[]): Promise<number[]>; search(asked: ReadQuery, relaxed: Relaxed): Promise<SearchResult> },
  ): Promise<SearchResult> {
    const spelling = suggestion ? readQuery(suggestion) : null;
    const filtered = Boolean(request.topic ?? request.language ?? request.kind ?? request.mode ?? request.org ?? request.country ?? request.upcoming ?? request.confirmed);
    // A query of one word has no word to leave out: its count is that of the query, none.
    const units = read.units.length > 1 ? read.units : [];
    const questions: CountQuestion[] = [
      ...(spelling && suggestion ? [{ text: suggestion, engineQ: spelling.engineQ, filtered: true }] : []),
      ...units.map((u) => ({ text: u.text, engineQ: u.engine, filtered: true })),
      ...(filtered ? [{ text: read.prepared, engineQ: read.engineQ, filtered: false }] : []),
    ];
    const counts = await ask.counts(questions);
    let at = 0;
    if (spelling && suggestion && counts[at++] > 0) {
      const result = await ask.search(spelling, { kind: "spelling", searched: suggestion, dropped: [] });
      if (result.total > 0) return result;
    }
    const unitCounts = counts.slice(at, (at += units.length));
    const kept = units.filter((_, i) => unitCounts[i] > 0);
    if (kept.length > 0 && kept.length < units.length) {
      const searched = kept.map((u) => u.text).join(" ");
      const result = await ask.search(readQuery(searched), { kind: "words", searched, dropped: units.filter((_, i) => unitCounts[i] === 0).map((u) => u.text) });
      if (result.total > 0) return result;
    }
    if (filtered && counts[at] > 0) {
      const result = await ask.search(read, { kind: "filters", searched: read.prepared, dropped: [] });
      if (result.total > 0) return result;
    }
    return none;
  }

  /** The catalogue's words that this viewer may see, read from the database now and then (never on the way of a search once read). */
  private async wordList(viewer: Viewer): Promise<WordList | null> {
    const keeper = viewer.member ? this.wordLists.members : this.wordLists.visitors;
    const cached = keeper.cache;
    if (cached && Date.now() - cached.at < WORD_LIST_TTL_MS) return cached.list;
    // Read again in the background while the words read before keep serving; a failure keeps them.
    keeper.loading ??= this.loadWordList(viewer)
      .then((list) => (keeper.cache = { at: Date.now(), list }).list)
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, "could not read the catalogue's words for suggestions");
        return null;
      })
      .finally(() => {
        keeper.loading = null;
      });
    return cached ? cached.list : keeper.loading;
  }

  private async loadWordList(viewer: VisibilityViewer): Promise<WordList> {
    const list = new WordList();
    let after = 0;
    for (let read = 0; read < WORD_LIST_LISTINGS;) {
      const page = await this.listings.visibleTextsAfter(viewer, after, 500);
      if (page.lastId === null) break;
      after = page.lastId;
      read += 500;
      for (const text of page.texts) list.add(text);
      // Searches are answered between pages: reading the words never holds them up for long.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return list;
  }

  /** Reads the words visitors may see now, so that the first search with a word to correct does not wait for them. */
  prepareSuggestions(): void {
    void this.wordList(VISITOR);
  }

  /** "Did you mean": the query with each word that no listing has replaced by the closest word listings have; null when there is none. */
  private async suggest(read: ReadQuery, viewer: Viewer): Promise<string | null> {
    const candidates = read.rest.filter((w) => w.key.length >= 3 && /^\p{L}+$/u.test(w.raw));
    if (candidates.length === 0) return null;
    const list = await this.wordList(viewer);
    if (!list || list.size === 0) return null;
    let text = read.prepared;
    let changed = false;
    for (const w of [...candidates].reverse()) {
      if (list.has(w.key)) continue;
      const better = list.closest(w.raw);
      if (better && better !== w.raw.toLowerCase()) {
        text = text.slice(0, w.index) + better + text.slice(w.index + w.raw.length);
        changed = true;
      }
    }
    return changed ? text.replace(/\s+/g, " ").trim() : null;
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
      languages: ((hit.languages as string[]) ?? []).map((tag) => ({ tag, name: vocabulary.languages.get(tag) ?? tag, path: `/languages/${tag}` })).sort((a, b) => compareText(a.name, b.name)),
      nextSession: card.nextSession ? { dates: formatDayRange(card.nextSession.start, card.nextSession.end), place: card.nextSession.place } : null,
      notConfirmedSince: notConfirmedSince(typeof hit.confirmedAt === "number" ? new Date(hit.confirmedAt * 1000) : null),
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
    const out = {} as Record<FacetName, FacetValue[]>;
    for (const facet of FACETS) {
      const selected = request[FILTER_OF[facet]] as string | undefined;
      const counts = distribution[facet] ?? {};
      const known = vocabulary.facetValues[facet];
      const values: FacetValue[] = [];
      const places: number[] = [];
      const add = (value: string, count: number) => {
        const entry = known.get(value);
        values.push({ value, name: entry?.name ?? value, count, selected: value === selected });
        places.push(entry?.place ?? -1);
      };
      for (const value in counts) add(value, counts[value]);
      if (selected !== undefined && !(selected in counts)) add(selected, 0);
      // The chosen value first, then by count, then by name (by its place in alphabetical order when known).
      const byName = (i: number, j: number) => (places[i] >= 0 && places[j] >= 0 ? places[i] - places[j] : compareText(values[i].name, values[j].name));
      out[facet] = values
        .map((_, i) => i)
        .sort((i, j) => Number(values[j].selected) - Number(values[i].selected) || values[j].count - values[i].count || byName(i, j))
        .map((i) => values[i]);
    }
    return out;
  }

  private async searchDatabase(request: SearchRequest, sort: Sort, viewer: Viewer, vocabulary: Vocabulary): Promise<SearchResult> {
    const read = readQuery(request.q);
    const suggestion = await this.suggest(read, viewer);
    const first = await this.databaseAnswer(request, sort, viewer, read, null, suggestion, vocabulary);
    if (first.total > 0 || read.units.length === 0) return first;
    return this.relax(read, request, first, suggestion, {
      counts: (questions) =>
        Promise.all(
          questions.map(async (question) => {
            const asked = question.filtered ? { ...request, q: question.text } : ({ q: question.text } as SearchRequest);
            return (await this.catalogue.list({ ...asked, page: 1, pageSize: 1, sort }, viewer)).total;
          }),
        ),
      search: (asked, relaxed) => {
        const loosened = relaxed.kind === "filters" ? ({ q: request.q, page: 1, pageSize: request.pageSize, sort } as SearchRequest) : { ...request, q: relaxed.searched, page: 1 };
        return this.databaseAnswer(loosened, sort, viewer, asked, relaxed, suggestion, vocabulary);
      },
    });
  }

  private async databaseAnswer(request: SearchRequest, sort: Sort, viewer: Viewer, read: ReadQuery, relaxed: Relaxed | null, suggestion: string | null, vocabulary: Vocabulary): Promise<SearchResult> {
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
          notConfirmedSince: card.notConfirmedSince,
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
      relaxed,
      suggestion,
    };
  }
}

/** The date a listing was last confirmed, when that is past the yearly confirmation; null otherwise. */
function notConfirmedSince(since: Date | null): Date | null {
  if (!since) return null;
  return isConfirmedWithinYear({ lastConfirmedAt: since, publishedAt: null, createdAt: since }, new Date()) ? null : since;
}

/**
 * Why a listing matched a query when its own words do not say so: the query named one of its topics
 * or its kind, or a word of the query is a translation or an acronym of a concept the listing has.
 * `ownText` is the listing's own text, or the tokens of the concepts found in it.
 */
export function matchReasons(read: ReadQuery, listing: { topics: Array<{ slug: string; name: string }>; kind: string; kindName: string; ownText: string; languages: string[] }): MatchReason[] {
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
      const same = topic.name.toLowerCase() === m.term.toLowerCase();
      reasons.push({ kind: "topic", text: same ? `Topic: ${topic.name}` : `Topic: ${topic.name} · ${m.term}`, slug: topic.slug, name: topic.name, term: same ? null : m.term });
    } else if (vocabulary.ofKind(listing.kind).includes(m.concept) && !sameWords) {
      reasons.push({ kind: "kind", text: `Kind: ${listing.kindName} · ${m.term}`, slug: listing.kind, name: listing.kindName, term: m.term });
    } else if (own.has(conceptToken(m.concept)) && m.language === "und" && english) {
      reasons.push({ kind: "acronym", text: `${m.term} = ${english}`, slug: null, name: english, term: m.term });
    } else if (own.has(conceptToken(m.concept)) && !sameWords && english && !listing.languages.includes(m.language)) {
      reasons.push({ kind: "translation", text: `“${m.term}” = ${english}`, slug: null, name: english, term: m.term });
    }
  }
  return reasons;
}
