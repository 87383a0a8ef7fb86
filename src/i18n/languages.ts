/** A language the interface is offered in. */
export interface InterfaceLanguage {
  /** BCP 47 tag, also the catalogue's file name (`locales/<tag>.json`) and the `?lang=` value. */
  tag: string;
  /** The language's name in English (for logs and the README). */
  name: string;
  /** The language's name in itself, as the switcher lists it. */
  nativeName: string;
  dir: "ltr" | "rtl";
  /** ISO 15924 script: picks the font stack and line height. */
  script: string;
  /**
   * The locale handed to `Intl` for dates, numbers and plurals: the calendar and digits that
   * officials of the country expect (Buddhist era in Thailand, Khmer and Burmese digits).
   */
  intl: string;
}

/** The interface's languages, in the order the switcher lists them. English is the source and the fallback. */
export const INTERFACE_LANGUAGES: readonly InterfaceLanguage[] = [
  { tag: "en", name: "English", nativeName: "English", dir: "ltr", script: "Latn", intl: "en-GB" },
  { tag: "id", name: "Indonesian", nativeName: "Bahasa Indonesia", dir: "ltr", script: "Latn", intl: "id-ID" },
  { tag: "ms", name: "Malay", nativeName: "Bahasa Melayu", dir: "ltr", script: "Latn", intl: "ms-MY" },
  { tag: "fil", name: "Filipino", nativeName: "Filipino", dir: "ltr", script: "Latn", intl: "fil-PH" },
  { tag: "vi", name: "Vietnamese", nativeName: "Tiếng Việt", dir: "ltr", script: "Latn", intl: "vi-VN" },
  { tag: "th", name: "Thai", nativeName: "ไทย", dir: "ltr", script: "Thai", intl: "th-TH-u-ca-buddhist" },
  { tag: "km", name: "Khmer", nativeName: "ភាសាខ្មែរ", dir: "ltr", script: "Khmr", intl: "km-KH-u-nu-khmr" },
  { tag: "lo", name: "Lao", nativeName: "ພາສາລາວ", dir: "ltr", script: "Laoo", intl: "lo-LA" },
  { tag: "my", name: "Burmese", nativeName: "မြန်မာဘာသာ", dir: "ltr", script: "Mymr", intl: "my-MM" },
  { tag: "si", name: "Sinhala", nativeName: "සිංහල", dir: "ltr", script: "Sinh", intl: "si-LK" },
  { tag: "ar", name: "Arabic", nativeName: "العربية", dir: "rtl", script: "Arab", intl: "ar" },
];

export const DEFAULT_LANGUAGE = "en";

const byTag = new Map(INTERFACE_LANGUAGES.map((l) => [l.tag, l]));
/** Other tags people's browsers send for a language we offer. */
const ALIASES: Record<string, string> = { tl: "fil", in: "id", zsm: "ms", bur: "my", khm: "km" };

/** The interface language for a tag, or undefined. */
export function interfaceLanguage(tag: string): InterfaceLanguage {
  return byTag.get(tag) ?? (byTag.get(DEFAULT_LANGUAGE) as InterfaceLanguage);
}

/**
 * The offered language a value names (`th`, `TH`, `km-KH`), or null for anything else: not a
 * string, too long, not shaped like a language tag, or a language we do not offer.
 */
export function supportedLanguage(value: unknown): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > 35) return null;
  if (!/^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$/.test(value)) return null;
  const lower = value.toLowerCase().replace(/_/g, "-");
  if (byTag.has(lower)) return lower;
  const primary = lower.split("-")[0];
  const tag = ALIASES[primary] ?? primary;
  return byTag.has(tag) ? tag : null;
}

/**
 * The best offered language for an `Accept-Language` header, or null. Entries are taken by
 * quality (then order); malformed entries and `q=0` are skipped, never an error.
 */
export function negotiateAcceptLanguage(header: unknown): string | null {
  if (typeof header !== "string" || header.length === 0) return null;
  const entries: { tag: string; q: number; order: number }[] = [];
  header
    .slice(0, 1000)
    .split(",")
    .slice(0, 30)
    .forEach((part, order) => {
      const [rawTag, ...params] = part.trim().split(";");
      let q = 1;
      for (const param of params) {
        const match = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/.exec(param);
        if (match) q = Number(match[1]);
        else return;
      }
      if (q > 0 && q <= 1) entries.push({ tag: rawTag.trim(), q, order });
    });
  entries.sort((a, b) => b.q - a.q || a.order - b.order);
  for (const entry of entries) {
    const tag = supportedLanguage(entry.tag);
    if (tag) return tag;
  }
  return null;
}
