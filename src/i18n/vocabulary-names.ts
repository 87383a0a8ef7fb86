import { readFileSync } from "node:fs";
import path from "node:path";
import { DELIVERY_MODES, deliveryModeName, kindName, RESOURCE_KINDS } from "../modules/catalogue/vocabulary";

/**
 * Names of the controlled vocabularies (topics, kinds, delivery modes, audiences) in the interface's
 * languages. The one source is `seeds/reference/topic-translations.json`, which search reads too:
 * the first term listed for a language is the name the interface shows; English comes from the
 * reference data itself (the fallback each caller passes).
 */
type Terms = Record<string, Record<string, string[]>>;
interface TranslationFile {
  topics?: Terms;
  kinds?: Terms;
  deliveryModes?: Terms;
  audiences?: Terms;
}

let file: TranslationFile | null = null;
function load(): TranslationFile {
  file ??= JSON.parse(readFileSync(path.resolve(__dirname, "../../seeds/reference/topic-translations.json"), "utf8")) as TranslationFile;
  return file;
}

function pick(group: keyof TranslationFile, slug: string | null | undefined, lang: string, fallback: string | null | undefined): string {
  if (!slug) return fallback ?? "";
  const name = lang === "en" ? undefined : load()[group]?.[slug]?.[lang]?.[0];
  return name || fallback || slug;
}

/** Audience slugs are the English names, kebab-cased (as the catalogue stores them). */
const audienceSlug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** Vocabulary names in one language, with the stored English name as fallback. */
export function vocabularyNames(lang: string) {
  return {
    topic: (slug: string | null | undefined, english?: string | null) => pick("topics", slug, lang, english),
    kind: (slug: string | null | undefined, english?: string | null) => pick("kinds", slug, lang, english),
    mode: (slug: string | null | undefined, english?: string | null) => pick("deliveryModes", slug, lang, english),
    audience: (english: string) => pick("audiences", audienceSlug(english), lang, english),
    /** Every kind and delivery mode: slug, English name and name in the language (for the page's scripts). */
    kinds: () => RESOURCE_KINDS.map((slug) => ({ slug, english: kindName(slug), name: pick("kinds", slug, lang, kindName(slug)) })),
    modes: () => DELIVERY_MODES.map((slug) => ({ slug, english: deliveryModeName(slug), name: pick("deliveryModes", slug, lang, deliveryModeName(slug)) })),
  };
}

/** Whether a vocabulary name is in the language asked for (false: the English name stands in). */
export function hasVocabularyName(group: keyof TranslationFile, slug: string, lang: string): boolean {
  return lang === "en" || Boolean(load()[group]?.[slug]?.[lang]?.[0]);
}
