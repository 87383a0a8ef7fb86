import type { Request, RequestHandler, Response } from "express";
import { countryName, formatDay, formatDayRange, formatList, formatMoment, formatNumber, formatTimestamp, languageName } from "./format";
import { i18n, translator } from "./i18n";
import { translateMessage } from "./message";
import { vocabularyNames } from "./vocabulary-names";
import { DEFAULT_LANGUAGE, INTERFACE_LANGUAGES, interfaceLanguage, negotiateAcceptLanguage, supportedLanguage } from "./languages";

/** The cookie that remembers a visitor's choice of language. */
export const LANGUAGE_COOKIE = "lang";
const COOKIE_MAX_AGE_MS = 365 * 24 * 3600 * 1000;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The interface language of this request (a tag of INTERFACE_LANGUAGES). */
      language: string;
    }
  }
}

/** One cookie's value from a Cookie header. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) {
      try {
        return decodeURIComponent(rest.join("="));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Text in unaccented Latin letters only: listings' own text is English unless it says otherwise. */
const LATIN_ONLY = /^[\p{Script=Latin}\p{Script=Common}]*$/u;

/** The `?lang=` value of a request, if it names an offered language. */
const queryLanguage = (req: Request) => supportedLanguage(req.query?.lang);

/** This address without `lang`, and a function giving it with `lang` set to a tag (the switcher's and the hreflang alternates' links). */
function languageLinks(req: Request): { plain: string; withLanguage: (tag: string) => string } {
  const url = new URL(req.originalUrl, "http://x");
  url.searchParams.delete("lang");
  const plain = `${url.pathname}${url.search}`;
  return {
    plain,
    withLanguage: (tag) => {
      url.searchParams.set("lang", tag);
      return `${url.pathname}${url.search}`;
    },
  };
}

/** Puts the language, its translation functions and formatters into the request and the view locals. */
export function applyLanguage(req: Request, res: Response, tag: string, publicUrl: string): void {
  const language = interfaceLanguage(tag);
  const { t, html } = translator(language.tag);
  req.language = language.tag;
  const keep = queryLanguage(req);
  Object.assign(res.locals, {
    lang: language.tag,
    dir: language.dir,
    script: language.script,
    t,
    tHtml: html,
    /** Whether the catalogues have a key (for names that only some codes have, such as field names). */
    tExists: (key: string) => i18n().exists(key, { lng: "en" }),
    /** A stored message: a catalogue key made with `message()`, or (older code) plain English. */
    msg: (text: string | null | undefined) => translateMessage(t, text),
    vocab: vocabularyNames(language.tag),
    /** ` lang="en"` for listing text (titles, summaries) in Latin letters on a page in another script: the listings are English unless they say otherwise. */
    langAttr: (text: string | null | undefined) => (language.script !== "Latn" && text && LATIN_ONLY.test(text) ? ' lang="en"' : ""),
    /** Listing text, escaped, in a `<span lang="en">` where `langAttr` would mark it. */
    listingText: (text: string | null | undefined) => {
      const escaped = escapeHtml(text ?? "");
      return language.script !== "Latn" && text && LATIN_ONLY.test(text) ? `<span lang="en">${escaped}</span>` : escaped;
    },
    /** The `?lang=` to keep in the page's links, when the address has one. */
    keepLang: keep,
    fmt: {
      day: (day: string) => formatDay(day, language.tag),
      dayRange: (start: string, end?: string | null) => formatDayRange(start, end, language.tag),
      timestamp: (value: Date | null | undefined) => formatTimestamp(value, language.tag),
      moment: (value: Date) => formatMoment(value, language.tag),
      number: (value: number) => formatNumber(value, language.tag),
      list: (items: string[]) => formatList(items, language.tag),
      country: (code: string | null | undefined, fallback?: string | null) => countryName(code, language.tag, fallback),
      language: (code: string | null | undefined, fallback?: string | null) => languageName(code, language.tag, fallback),
    },
  });
  // The switcher's links and the alternates, made only for a page that shows them (not for the API).
  let links: { switcher: unknown[]; alternates: unknown[]; alternateDefault: string } | null = null;
  const made = () => {
    if (!links) {
      const { plain, withLanguage } = languageLinks(req);
      links = {
        switcher: INTERFACE_LANGUAGES.map((l) => ({ tag: l.tag, nativeName: l.nativeName, dir: l.dir, href: withLanguage(l.tag), current: l.tag === language.tag })),
        alternates: INTERFACE_LANGUAGES.map((l) => ({ hreflang: l.tag, href: `${publicUrl}${withLanguage(l.tag)}` })),
        alternateDefault: `${publicUrl}${plain}`,
      };
    }
    return links;
  };
  Object.defineProperties(res.locals, {
    interfaceLanguages: { get: () => made().switcher, enumerable: true, configurable: true },
    alternates: { get: () => made().alternates, enumerable: true, configurable: true },
    alternateDefault: { get: () => made().alternateDefault, enumerable: true, configurable: true },
  });
  res.setHeader("Content-Language", language.tag);
  res.vary("Accept-Language");
  res.vary("Cookie");
}

/**
 * First step, before anything can fail: the language from `?lang=`, the cookie or
 * `Accept-Language`, else English. Unknown or malformed values are passed over, never an error.
 * A valid `?lang=` is remembered in the cookie (the switcher's links are plain `?lang=` links, so
 * it works without JavaScript).
 */
export function negotiateLanguage(options: { publicUrl: string; secureCookie: boolean }): RequestHandler {
  return (req, res, next) => {
    const fromQuery = queryLanguage(req);
    const fromCookie = supportedLanguage(cookieValue(req.headers.cookie, LANGUAGE_COOKIE));
    const tag = fromQuery ?? fromCookie ?? negotiateAcceptLanguage(req.headers["accept-language"]) ?? DEFAULT_LANGUAGE;
    if (fromQuery && fromQuery !== fromCookie) {
      res.cookie(LANGUAGE_COOKIE, fromQuery, { maxAge: COOKIE_MAX_AGE_MS, httpOnly: true, sameSite: "lax", secure: options.secureCookie, path: "/" });
    }
    applyLanguage(req, res, tag, options.publicUrl);
    next();
  };
}

/** What the second step needs of the accounts: reading and storing a person's language. */
export interface LanguageStore {
  setLanguage(userId: number, tag: string): Promise<void>;
}

/**
 * Second step, once the session is loaded: a signed-in person's stored language wins over the
 * cookie and the header; a `?lang=` choice is stored in their account.
 */
export function accountLanguage(store: LanguageStore, publicUrl: string): RequestHandler {
  return (req, res, next) => {
    const user = req.user as (Express.User & { language?: string | null }) | undefined;
    if (!user) return next();
    const fromQuery = queryLanguage(req);
    if (fromQuery) {
      if (user.language === fromQuery) return next();
      user.language = fromQuery;
      store.setLanguage(user.id, fromQuery).then(() => next(), next);
      return;
    }
    const stored = supportedLanguage(user.language);
    if (stored && stored !== req.language) applyLanguage(req, res, stored, publicUrl);
    next();
  };
}

const STATIC = /^\/(?:fonts\/|[\w.-]+\.(?:css|js|png|svg|ico|woff2|txt)(?:[?#]|$))/;

function addLanguage(href: string, tag: string): string {
  if (!href.startsWith("/") || href.startsWith("//") || STATIC.test(href)) return href;
  const hashAt = href.indexOf("#");
  const path = hashAt === -1 ? href : href.slice(0, hashAt);
  const hash = hashAt === -1 ? "" : href.slice(hashAt);
  if (/[?&;]lang=/.test(path)) return href;
  return `${path}${path.includes("?") ? "&amp;" : "?"}lang=${tag}${hash}`;
}

/**
 * Keeps a `?lang=` in a rendered page's own links and GET forms, so that a shared Thai address
 * stays Thai from page to page. Runs on the finished HTML of our own templates, whose attributes
 * are always double-quoted.
 */
export function keepLanguageInLinks(html: string, tag: string): string {
  return html
    .replace(/(<a\b[^>]*?\shref=")([^"]*)"/g, (_m, before: string, href: string) => `${before}${addLanguage(href, tag)}"`)
    .replace(/<form\b[^>]*>/g, (form) =>
      /\smethod="post"/i.test(form)
        ? form.replace(/(\saction=")([^"]*)"/, (_m, before: string, action: string) => `${before}${addLanguage(action, tag)}"`)
        : `${form}<input type="hidden" name="lang" value="${tag}">`,
    );
}
