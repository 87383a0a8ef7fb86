import type { Settings } from "./search-engine";
import type { Topic } from "../catalogue/topic.entity";
import type { Organisation } from "../organisations/organisation.entity";
import type { Language } from "../reference/reference.entities";

/**
 * Languages whose names Meilisearch accepts in `localizedAttributes` (its tokenizer knows them).
 * Lao is not among them: it is pre-segmented instead (see segment.ts).
 */
const ENGINE_LOCALES: Record<string, string> = {
  th: "th", km: "km", my: "my", vi: "vi", id: "id", si: "si", ta: "ta", bn: "bn", hi: "hi", ne: "ne",
  ur: "ur", fa: "fa", prs: "fa", ar: "ar", ko: "ko", ja: "ja", zh: "zh", tr: "tr", fr: "fr", fil: "tl", en: "en",
};

/** Attributes searched, most important first: matches in earlier ones rank higher. */
export const SEARCHABLE_ATTRIBUTES = [
  "title",
  "acronym",
  "editionTitles",
  "topicNames",
  "topicNamesLocalized",
  "kindName",
  "kindNamesLocalized",
  "ownerAcronym",
  "ownerName",
  "summary",
  "audiences",
  "languageNames",
  "countryNames",
  "deliveryModeName",
  "details",
  "description",
];

/** Filters and facets. `status` and `visibility` keep drafts and members-only listings from visitors. */
export const FILTERABLE_ATTRIBUTES = [
  "topics",
  "languages",
  "kind",
  "deliveryMode",
  "ownerSlug",
  "countries",
  "sessionStarts",
  "hasSessions",
  "isFree",
  "visibility",
  "status",
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
];

export const SORTABLE_ATTRIBUTES = ["titleSort", "publishedAt", "updatedAt", "nextSessionStart"];

/** The most hits a query can page through; pages beyond it are refused before they reach the engine. */
export const MAX_TOTAL_HITS = 10_000;

/** Words that mean the same, both ways: a topic's name and its aka's, a kind and its acronym, an organisation and its acronym. */
export function buildSynonyms(topics: Topic[], organisations: Organisation[], kinds: Array<{ name: string; aka?: string[] }>): Record<string, string[]> {
  const groups: string[][] = [];
  for (const topic of topics) if (topic.synonyms.length) groups.push([topic.name, ...topic.synonyms]);
  for (const kind of kinds) if (kind.aka?.length) groups.push([kind.name, ...kind.aka]);
  for (const org of organisations) {
    if (org.shortName && org.shortName.toLowerCase() !== org.name.toLowerCase()) groups.push([org.name, org.shortName]);
  }
  const synonyms: Record<string, Set<string>> = {};
  for (const group of groups) {
    const words = [...new Set(group.map((w) => w.toLowerCase().trim()).filter(Boolean))];
    for (const word of words) {
      synonyms[word] ??= new Set();
      for (const other of words) if (other !== word) synonyms[word].add(other);
    }
  }
  return Object.fromEntries(Object.entries(synonyms).map(([word, set]) => [word, [...set].sort()]));
}

/** The index settings, chosen deliberately; applied on start and on every rebuild. */
export function buildSettings(input: {
  topics: Topic[];
  organisations: Organisation[];
  kinds: Array<{ name: string; aka?: string[] }>;
  languages: Language[];
}): Settings {
  const localized = input.languages
    .filter((l) => ENGINE_LOCALES[l.tag])
    .map((l) => ({ attributePatterns: [`editionTitles.${l.tag}`], locales: [ENGINE_LOCALES[l.tag]] }));
  return {
    searchableAttributes: SEARCHABLE_ATTRIBUTES,
    filterableAttributes: FILTERABLE_ATTRIBUTES,
    sortableAttributes: SORTABLE_ATTRIBUTES,
    displayedAttributes: DISPLAYED_ATTRIBUTES,
    rankingRules: ["words", "typo", "proximity", "attribute", "sort", "exactness"],
    synonyms: buildSynonyms(input.topics, input.organisations, input.kinds),
    typoTolerance: {
      enabled: true,
      minWordSizeForTypos: { oneTypo: 4, twoTypos: 8 },
      // Acronyms and codes must match exactly: a typo of "IOM" is not "ILO".
      disableOnAttributes: ["acronym", "ownerAcronym"],
    },
    faceting: { maxValuesPerFacet: 200, sortFacetValuesBy: { "*": "count" } },
    pagination: { maxTotalHits: MAX_TOTAL_HITS },
    localizedAttributes: localized.length ? localized : null,
  };
}
