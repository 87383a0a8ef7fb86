import { readFileSync } from "node:fs";
import path from "node:path";
import i18next, { type i18n as I18n } from "i18next";
import ICU from "i18next-icu";
import { DEFAULT_LANGUAGE, INTERFACE_LANGUAGES, interfaceLanguage } from "./languages";

/** Where the message catalogues are: one JSON file per language, `<tag>.json`. */
export const LOCALES_DIR = path.join(__dirname, "locales");

export type Messages = { [key: string]: string | Messages };
/** Values a message interpolates (ICU MessageFormat: `{count, plural, one {# listing} other {# listings}}`). */
export type MessageValues = Record<string, string | number | Date | null | undefined>;
/** Translates a key of the catalogues into the request's language. */
export type Translate = (key: string, values?: MessageValues) => string;

/** A language's catalogue as stored; empty when the file does not exist yet. */
export function readCatalogue(tag: string): Messages {
  try {
    return JSON.parse(readFileSync(path.join(LOCALES_DIR, `${tag}.json`), "utf8")) as Messages;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
}

/** Every key of a catalogue, dotted (`catalogue.filters.topic`), with its message. Keys starting with `_` are notes for translators. */
export function flattenCatalogue(messages: Messages, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    if (key.startsWith("_")) continue;
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(full, value);
    else for (const [k, v] of flattenCatalogue(value, full)) out.set(k, v);
  }
  return out;
}

/** Keys asked for that not even English has: a bug the page tests report. */
export const missingKeys = new Set<string>();

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function createInstance(): I18n {
  const resources = Object.fromEntries(INTERFACE_LANGUAGES.map((l) => [l.tag, { translation: readCatalogue(l.tag) }]));
  const instance = i18next.createInstance();
  instance.use(ICU).init({
    initAsync: false,
    resources,
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: INTERFACE_LANGUAGES.map((l) => l.tag),
    // Empty strings in a catalogue mean "not translated yet": fall back to English.
    returnEmptyString: false,
    returnNull: false,
    i18nFormat: { parseLngForICU: (lng: string) => interfaceLanguage(lng).intl },
    interpolation: { escapeValue: false },
  });
  return instance;
}

let instance: I18n | null = null;
const translators = new Map<string, { t: Translate; html: Translate }>();

/** The shared i18next instance, built once from the catalogues. */
export function i18n(): I18n {
  instance ??= createInstance();
  return instance;
}

/**
 * The translation functions of one language: `t` gives plain text (views escape it with `<%=`);
 * `html` is for the few messages with their own markup (keys ending in `_html`), whose values are
 * escaped here before they are put in.
 */
export function translator(tag: string): { t: Translate; html: Translate } {
  const known = translators.get(tag);
  if (known) return known;
  const fixed = i18n().getFixedT(tag);
  const t: Translate = (key, values) => {
    if (!i18n().exists(key, { lng: DEFAULT_LANGUAGE })) {
      missingKeys.add(key);
      return "";
    }
    return fixed(key, values ?? {}) as string;
  };
  const html: Translate = (key, values) => {
    const escaped: MessageValues = {};
    for (const [k, v] of Object.entries(values ?? {})) escaped[k] = typeof v === "string" ? escapeHtml(v) : v;
    return t(key, escaped);
  };
  const pair = { t, html };
  translators.set(tag, pair);
  return pair;
}
