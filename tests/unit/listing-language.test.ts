import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { suggestLanguage } from "../../src/modules/catalogue/listing-language";

const languages = (JSON.parse(readFileSync(path.resolve(__dirname, "../../seeds/reference/languages.json"), "utf8")) as { languages: Array<{ tag: string; script: string }> }).languages;

describe("the language suggested for a listing from its title", () => {
  it("is the one language of the catalogue written in the title's script", () => {
    expect(suggestLanguage("ការសម្ភាសន៍ជនរងគ្រោះ", languages, "en")).toBe("km");
    expect(suggestLanguage("คู่มือการคัดแยกผู้เสียหาย", languages, "en")).toBe("th");
    expect(suggestLanguage("ປື້ມຄູ່ມື", languages, "en")).toBe("lo");
    expect(suggestLanguage("လက်စွဲစာအုပ်", languages, "en")).toBe("my");
    expect(suggestLanguage("人口贩运", languages, "en")).toBe("zh");
    expect(suggestLanguage("人身売買のハンドブック", languages, "en")).toBe("ja");
  });

  it("goes by the script most of the letters are in, so an acronym in Latin letters does not count", () => {
    expect(suggestLanguage("UNODC คู่มือการคัดแยก", languages, "en")).toBe("th");
  });

  it("falls back to the page's language for Latin titles and scripts that several languages share", () => {
    expect(suggestLanguage("Pelatihan petugas imigrasi", languages, "id")).toBe("id");
    expect(suggestLanguage("Handbook for immigration officers", languages, "en")).toBe("en");
    // Arabic letters are Arabic's, Urdu's, Pashto's, Dari's and Persian's: no guess between them.
    expect(suggestLanguage("دليل", languages, "en")).toBe("en");
  });

  it("suggests nothing when the page's language is not one of the catalogue's", () => {
    expect(suggestLanguage("Handbook", languages, "de")).toBeNull();
    expect(suggestLanguage("Handbook", languages, null)).toBeNull();
  });
});
