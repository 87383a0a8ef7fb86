import { describe, expect, it } from "vitest";
import { countryName, formatDay, formatDayRange, formatMoment, formatNumber, languageName } from "../../src/i18n/format";
import { translator } from "../../src/i18n/i18n";
import { negotiateAcceptLanguage, supportedLanguage } from "../../src/i18n/languages";
import { message, translateMessage } from "../../src/i18n/message";
import { keepLanguageInLinks } from "../../src/i18n/middleware";
import { hasVocabularyName, vocabularyNames } from "../../src/i18n/vocabulary-names";
import { AUDIENCES, audienceSlug, DELIVERY_MODES, RESOURCE_KINDS } from "../../src/modules/catalogue/vocabulary";

describe("language negotiation", () => {
  it.each([
    ["km-KH,km;q=0.9", "km"],
    ["th-TH", "th"],
    ["de,vi;q=0.5,th;q=0.6", "th"],
    ["en-US,en;q=0.9", "en"],
    ["tl-PH", "fil"],
    ["*", null],
    ["de-DE", null],
    ["th;q=0", null],
    ["th;q=1.5", null],
    ["th;q=abc", null],
    ["", null],
    ["\u0000\u0001", null],
  ])("Accept-Language %j gives %j", (header, expected) => {
    expect(negotiateAcceptLanguage(header)).toBe(expected);
  });

  it.each([
    ["th", "th"],
    ["TH", "th"],
    ["km-KH", "km"],
    ["km_KH", "km"],
    ["xx", null],
    ["<script>", null],
    ["a".repeat(100), null],
    [["th"], null],
    [undefined, null],
  ])("?lang=%j gives %j", (value, expected) => {
    expect(supportedLanguage(value)).toBe(expected);
  });
});

describe("formatting per language", () => {
  it("writes dates in each language's calendar and digits", () => {
    expect(formatDay("2017-04-04", "en")).toBe("4 April 2017");
    // Thailand counts years in the Buddhist era.
    expect(formatDay("2017-04-04", "th")).toBe("4 เมษายน 2560");
    // Khmer and Burmese use their own digits.
    expect(formatDay("2017-04-04", "km")).toMatch(/^៤ .+ ២០១៧$/);
    expect(formatDay("2017-04-04", "my")).toContain("၂၀၁၇");
    expect(formatDay("2017-04-04", "vi")).toMatch(/4 tháng 4, 2017|4 tháng 4 năm 2017/);
    expect(formatDay("2017-04-04", "id")).toBe("4 April 2017");
  });

  it("writes a moment to the minute in UTC, in each language's calendar and digits", () => {
    const moment = new Date("2017-04-04T09:30:00Z");
    expect(formatMoment(moment, "en")).toMatch(/^4 April 2017.*09:30.*UTC$/);
    expect(formatMoment(moment, "th")).toMatch(/^4 เมษายน 2560.*09:30.*UTC$/);
    expect(formatMoment(moment, "km")).toContain("២០១៧");
    expect(formatMoment(moment, "km")).toContain("០៩:៣០");
  });

  it("writes date ranges the language's way", () => {
    expect(formatDayRange("2017-04-04", "2017-04-07", "en")).toMatch(/^4\s?–\s?7 April 2017$/u);
    expect(formatDayRange("2015-09-28", "2015-10-28", "en")).toMatch(/^28 September\s–\s28 October 2015$/u);
    expect(formatDayRange("2017-04-04", "2017-04-07", "th")).toContain("2560");
    expect(formatDayRange("2017-04-04", null, "th")).toBe("4 เมษายน 2560");
  });

  it("writes numbers with the language's digits and grouping", () => {
    expect(formatNumber(12345, "en")).toBe("12,345");
    expect(formatNumber(12345, "id")).toBe("12.345");
    expect(formatNumber(12345, "km")).toBe("១២.៣៤៥");
    expect(formatNumber(12345, "my")).toBe("၁၂,၃၄၅");
  });

  it("names countries and languages in the page's language", () => {
    expect(countryName("KHM", "en")).toBe("Cambodia");
    expect(countryName("KHM", "th")).toBe("กัมพูชา");
    expect(countryName("XXX", "th", "Nowhere")).toBe("Nowhere");
    expect(languageName("km", "en")).toBe("Khmer");
    expect(languageName("km", "km")).toBe("ខ្មែរ");
    expect(languageName("tet", "en", "Tetum")).toBe("Tetum");
  });

  it("chooses plural forms with ICU rules and formats the number in the language", () => {
    const { t } = translator("en");
    expect(t("common.listings", { count: 1 })).toBe("1 listing");
    expect(t("common.listings", { count: 1234 })).toBe("1,234 listings");
  });
});

describe("messages", () => {
  it("translates a stored message key with its values, and leaves other text alone", () => {
    const { t } = translator("en");
    expect(translateMessage(t, message("validation.tooShort", { minimum: 3 }))).toBe("must be at least 3 characters");
    expect(translateMessage(t, "plain English")).toBe("plain English");
  });

  it("never shows a key that no catalogue has", () => {
    expect(translator("th").t("no.such.key")).toBe("");
  });
});

describe("keeping ?lang= in links", () => {
  it("adds the language to the page's own links and GET forms only", () => {
    const html =
      '<a href="/topics">x</a><a href="/catalogue?q=a&amp;kind=b#r">y</a><a href="https://example.org/">z</a><a href="/styles.css">s</a><a href="/x?lang=km">k</a><form action="/catalogue" method="get"></form><form action="/sign-out" method="post"></form>';
    expect(keepLanguageInLinks(html, "th")).toBe(
      '<a href="/topics?lang=th">x</a><a href="/catalogue?q=a&amp;kind=b&amp;lang=th#r">y</a><a href="https://example.org/">z</a><a href="/styles.css">s</a><a href="/x?lang=km">k</a><form action="/catalogue" method="get"><input type="hidden" name="lang" value="th"></form><form action="/sign-out?lang=th" method="post"></form>',
    );
  });
});

describe("vocabulary names", () => {
  it.each(["id", "th", "km", "vi"])("names every kind, delivery mode and audience in %s from the shared translations", (lang) => {
    for (const kind of RESOURCE_KINDS) expect(hasVocabularyName("kinds", kind, lang), kind).toBe(true);
    for (const mode of DELIVERY_MODES) expect(hasVocabularyName("deliveryModes", mode, lang), mode).toBe(true);
    for (const audience of AUDIENCES) expect(hasVocabularyName("audiences", audienceSlug(audience), lang), audience).toBe(true);
  });

  it("falls back to the English name where a language has none", () => {
    const names = vocabularyNames("ar");
    expect(names.topic("no-such-topic", "Some topic")).toBe("Some topic");
    expect(vocabularyNames("th").mode("in-person", "In person")).toBe("แบบพบหน้า");
    expect(vocabularyNames("en").mode("in-person", "In person")).toBe("In person");
  });
});
