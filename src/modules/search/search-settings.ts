import { FILTERED_FIELDS } from "../catalogue/listing-fields";
import type { Settings } from "./search-engine";
import { searchForm } from "./search-words";
import type { Topic } from "../catalogue/topic.entity";
import type { Organisation } from "../organisations/organisation.entity";
import type { Language } from "../reference/reference.entities";

/**
 * Attributes searched, most important first: matches in earlier ones rank higher. Each holds text in
 * its searchable form (search-words.ts) or the tokens of the concepts found in it (concepts.ts); the
 * text as written is stored for display and not searched.
 */
export const SEARCHABLE_ATTRIBUTES = ["sTitle", "sAcronym", "cTitle", "sEditions", "sTopics", "cTopics", "sOwner", "sSummary", "cText", "sOther", "sDetails", "sDescription"];

/** Attributes holding concept tokens: matched exactly, never as a typo of another. */
export const CONCEPT_ATTRIBUTES = ["cTitle", "cTopics", "cText"];

/** Words too common to rank by, in their searchable form (English, Indonesian and Malay, Vietnamese, Filipino). */
export const STOP_WORDS = [
  "a",
  "an",
  "and",
  "the",
  "of",
  "in",
  "on",
  "for",
  "to",
  "with",
  "by",
  "at",
  "from",
  "or",
  "about",
  "into",
  "dan",
  "yang",
  "di",
  "untuk",
  "dari",
  "dengan",
  "pada",
  "bagi",
  "tentang",
  "dalam",
  "ke",
  "atau",
  "serta",
  "va",
  "cua",
  "cho",
  "ve",
  "trong",
  "cac",
  "nhung",
  "voi",
  "ng",
  "sa",
  "mga",
  "ang",
  "at",
].map((w) => searchForm(w));

/** Filters and facets. `status` and `visibility` keep drafts and members-only listings from visitors. */
export const FILTERABLE_ATTRIBUTES = [
  ...new Set(["topics", "languages", "kind", "deliveryMode", "ownerSlug", "countries", "sessionStarts", "hasSessions", "isFree", "visibility", "status", "confirmedAt", ...FILTERED_FIELDS]),
];

export const FACETS = ["topics", "languages", "kind", "deliveryMode", "ownerSlug", "countries"] as const;

/** What the engine returns of a document: what result cards show, and what identifies it. */
export const DISPLAYED_ATTRIBUTES = [
  "id",
  "slug",
  "externalId",
  "title",
  "acronym",
  "summary",
  "kind",
  "kindName",
  "deliveryModeName",
  "ownerSlug",
  "card",
  "languages",
  "topics",
  "visibility",
  "status",
  "nextSessionStart",
  "updatedAt",
  "confirmedAt",
  // Concepts found in the listing's own text, for saying why it matched.
  "cTitle",
  "cText",
];

export const SORTABLE_ATTRIBUTES = ["titleSort", "publishedAt", "updatedAt", "nextSessionStart"];

/** The most hits a query can page through; pages beyond it are refused before they reach the engine. */
export const MAX_TOTAL_HITS = 10_000;

/** Words that mean the same, both ways: an organisation's name and its acronym. */
export function buildSynonyms(topics: Topic[], organisations: Organisation[], kinds: Array<{ name: string; aka?: string[] }>): Record<string, string[]> {
  const groups: string[][] = [];
  // Topics' and kinds' other names are terms of the concept vocabulary, recognised before the engine is asked.
  void topics;
  void kinds;
  for (const org of organisations) {
    if (org.shortName && org.shortName.toLowerCase() !== org.name.toLowerCase()) groups.push([org.name, org.shortName]);
  }
  const synonyms: Record<string, Set<string>> = {};
  for (const group of groups) {
    // In the searchable form, as the engine sees both the documents and the queries.
    const words = [...new Set(group.map((w) => searchForm(w).trim()).filter(Boolean))];
    for (const word of words) {
      synonyms[word] ??= new Set();
      for (const other of words) if (other !== word) synonyms[word].add(other);
    }
  }
  return Object.fromEntries(Object.entries(synonyms).map(([word, set]) => [word, [...set].sort()]));
}

/** The index settings, chosen deliberately; applied on start and on every rebuild. */
export function buildSettings(input: { topics: Topic[]; organisations: Organisation[]; kinds: Array<{ name: string; aka?: string[] }>; languages: Language[] }): Settings {
  return {
    searchableAttributes: SEARCHABLE_ATTRIBUTES,
    filterableAttributes: FILTERABLE_ATTRIBUTES,
    sortableAttributes: SORTABLE_ATTRIBUTES,
    displayedAttributes: DISPLAYED_ATTRIBUTES,
    // Last, among otherwise equal matches: listings past their yearly confirmation come after the
    // others (a two-valued rule, so that it reorders nothing else).
    rankingRules: ["words", "typo", "proximity", "attribute", "sort", "exactness", "fresh:desc"],
    // Word pairs within one attribute only: indexing a listing costs much less, and ranking on the
    // evaluation is no worse (measured: nDCG@10 0.871 by word, 0.886 by attribute).
    proximityPrecision: "byAttribute",
    synonyms: buildSynonyms(input.topics, input.organisations, input.kinds),
    stopWords: STOP_WORDS,
    typoTolerance: {
      enabled: true,
      minWordSizeForTypos: { oneTypo: 4, twoTypos: 8 },
      // Acronyms and codes must match exactly: a typo of "IOM" is not "ILO".
      disableOnAttributes: ["sAcronym", ...CONCEPT_ATTRIBUTES],
    },
    faceting: { maxValuesPerFacet: 200, sortFacetValuesBy: { "*": "count" } },
    pagination: { maxTotalHits: MAX_TOTAL_HITS },
    // Every searchable text is already in one form for all scripts (search-words.ts).
    localizedAttributes: null,
  };
}
