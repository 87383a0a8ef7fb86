import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { flattenCatalogue, LOCALES_DIR, readCatalogue } from "../../src/i18n/i18n";
import { INTERFACE_LANGUAGES, interfaceLanguage } from "../../src/i18n/languages";

/**
 * Languages whose catalogue is complete: every English key has a message. A language joins this
 * list when its translation is delivered; until then its missing keys fall back to English.
 */
const COMPLETE = ["en", "id", "vi", "ms", "fil", "th", "km", "lo", "my", "ar", "si"];

const english = flattenCatalogue(readCatalogue("en"));

/** The arguments a message uses ({name}, {count, plural, ...}). */
function argumentsOf(message: string, locale: string): Set<string> {
  const names = new Set<string>();
  const walk = (elements: unknown[]) => {
    for (const element of elements as Array<{ type: number; value?: string; options?: Record<string, { value: unknown[] }>; children?: unknown[] }>) {
      if (typeof element.value === "string" && element.type !== 0 && element.type !== 7) names.add(element.value);
      if (element.options) for (const option of Object.values(element.options)) walk(option.value);
      if (element.children) walk(element.children);
    }
  };
  walk(new IntlMessageFormat(message, locale, undefined, { ignoreTag: true }).getAst());
  return names;
}

describe("message catalogues", () => {
  it("has one catalogue file per interface language, and no other", () => {
    const files = readdirSync(LOCALES_DIR)
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.replace(/\.json$/, ""))
      .sort();
    const tags = INTERFACE_LANGUAGES.map((l) => l.tag);
    for (const file of files) expect(tags, `${file}.json is not an interface language`).toContain(file);
    expect(files).toContain("en");
  });

  it.each(INTERFACE_LANGUAGES.map((l) => l.tag))("%s: every message is valid ICU, uses only English's arguments, and has an English key", (tag) => {
    const messages = flattenCatalogue(JSON.parse(readFileSync(path.join(LOCALES_DIR, `${tag}.json`), "utf8")));
    const locale = interfaceLanguage(tag).intl;
    for (const [key, message] of messages) {
      expect(english.has(key), `${tag}: ${key} is not a key of en.json`).toBe(true);
      if (message === "") continue;
      let used: Set<string> = new Set();
      expect(() => (used = argumentsOf(message, locale)), `${tag}: ${key} is not valid ICU MessageFormat`).not.toThrow();
      const allowed = argumentsOf(english.get(key) as string, "en");
      for (const name of used) expect(allowed.has(name), `${tag}: ${key} uses {${name}}, which English does not give`).toBe(true);
      if (key.endsWith("_html")) {
        const tags = (text: string) => (text.match(/<[^>]+>/g) ?? []).sort();
        expect(tags(message), `${tag}: ${key} must keep the markup of English`).toEqual(tags(english.get(key) as string));
      }
    }
  });

  it.each(COMPLETE)("%s is complete: no English key is missing or empty", (tag) => {
    const messages = flattenCatalogue(readCatalogue(tag));
    const missing = [...english.keys()].filter((key) => !messages.get(key));
    expect(missing, `${tag} lacks ${missing.length} keys`).toEqual([]);
  });
});
