import { interfaceLanguage } from "./languages";

/** ISO 3166 alpha-3 codes of the region to the alpha-2 codes `Intl.DisplayNames` takes. */
const ALPHA2: Record<string, string> = {
  AFG: "AF",
  AUS: "AU",
  BGD: "BD",
  BTN: "BT",
  BRN: "BN",
  KHM: "KH",
  CHN: "CN",
  PRK: "KP",
  FJI: "FJ",
  FRA: "FR",
  HKG: "HK",
  IND: "IN",
  IDN: "ID",
  IRN: "IR",
  IRQ: "IQ",
  JPN: "JP",
  JOR: "JO",
  KIR: "KI",
  LAO: "LA",
  MAC: "MO",
  MYS: "MY",
  MDV: "MV",
  MNG: "MN",
  MMR: "MM",
  NRU: "NR",
  NPL: "NP",
  NZL: "NZ",
  PAK: "PK",
  PLW: "PW",
  PNG: "PG",
  PHL: "PH",
  KOR: "KR",
  WSM: "WS",
  SGP: "SG",
  SLB: "SB",
  LKA: "LK",
  SYR: "SY",
  THA: "TH",
  TLS: "TL",
  TON: "TO",
  TUR: "TR",
  ARE: "AE",
  USA: "US",
  VUT: "VU",
  VNM: "VN",
  GBR: "GB",
  CAN: "CA",
  DEU: "DE",
  NLD: "NL",
  CHE: "CH",
  SWE: "SE",
  NOR: "NO",
  ITA: "IT",
  ESP: "ES",
  BEL: "BE",
  AUT: "AT",
  DNK: "DK",
  FIN: "FI",
  IRL: "IE",
  POL: "PL",
};

const cache = new Map<string, unknown>();
function cached<T>(key: string, make: () => T): T {
  let value = cache.get(key) as T | undefined;
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

const dayFormat = (lang: string) => cached(`day:${lang}`, () => new Intl.DateTimeFormat(interfaceLanguage(lang).intl, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }));
const numberFormat = (lang: string) => cached(`number:${lang}`, () => new Intl.NumberFormat(interfaceLanguage(lang).intl));
const regionNames = (lang: string) => cached(`region:${lang}`, () => new Intl.DisplayNames([interfaceLanguage(lang).intl], { type: "region", fallback: "none" }));
const languageNames = (lang: string) => cached(`language:${lang}`, () => new Intl.DisplayNames([interfaceLanguage(lang).intl], { type: "language", fallback: "none" }));
const listFormat = (lang: string) => cached(`list:${lang}`, () => new Intl.ListFormat(interfaceLanguage(lang).intl, { type: "conjunction" }));

const asUtc = (day: string) => new Date(`${day}T00:00:00Z`);
const isDay = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(asUtc(day).getTime());

/** "2017-04-04" → "4 April 2017" (English), "4 เมษายน 2560" (Thai). Calendar dates are shown as given, without time-zone shifts. */
export function formatDay(day: string, lang = "en"): string {
  return isDay(day) ? dayFormat(lang).format(asUtc(day)) : day;
}

/** "4–7 April 2017", "28 September – 28 October 2015", or one day, in the language's own way of writing ranges. */
export function formatDayRange(start: string, end: string | null | undefined, lang = "en"): string {
  if (!end || end === start || !isDay(start) || !isDay(end)) return formatDay(start, lang);
  return dayFormat(lang).formatRange(asUtc(start), asUtc(end));
}

/** A UTC timestamp as a date. */
export function formatTimestamp(value: Date | null | undefined, lang = "en"): string | null {
  return value ? dayFormat(lang).format(value) : null;
}

const momentFormat = (lang: string) =>
  cached(
    `moment:${lang}`,
    () => new Intl.DateTimeFormat(interfaceLanguage(lang).intl, { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC", timeZoneName: "short" }),
  );

/** A moment, to the minute, in UTC, with the language's calendar and digits (the audit trail's times). */
export function formatMoment(value: Date, lang = "en"): string {
  return momentFormat(lang).format(value);
}

/** A number with the language's digits and grouping. */
export function formatNumber(value: number, lang = "en"): string {
  return numberFormat(lang).format(value);
}

/** "A, B and C" in the language. */
export function formatList(items: string[], lang = "en"): string {
  return listFormat(lang).format(items);
}

/** A country's name (alpha-3 code) in the language; the given fallback (the stored English name) in English and where Intl has none. */
export function countryName(code: string | null | undefined, lang = "en", fallback?: string | null): string {
  if (!code) return fallback ?? "";
  // In English the reference data's names stand: they are the Bali Process's own.
  if (lang === "en" && fallback) return fallback;
  const alpha2 = ALPHA2[code.toUpperCase()];
  const name = alpha2 ? regionNames(lang).of(alpha2) : undefined;
  return name ?? fallback ?? code;
}

/** A language's name (BCP 47 tag) in the interface language, or the given fallback. */
export function languageName(tag: string | null | undefined, lang = "en", fallback?: string | null): string {
  if (!tag) return fallback ?? "";
  if (lang === "en" && fallback) return fallback;
  let name: string | undefined;
  try {
    name = languageNames(lang).of(tag);
  } catch {
    name = undefined;
  }
  // DisplayNames echoes tags it has no name for.
  return name && name.toLowerCase() !== tag.toLowerCase() ? name : (fallback ?? tag);
}
