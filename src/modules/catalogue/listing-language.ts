/**
 * The language a listing's own text is written in, suggested from its title's script: Khmer letters
 * suggest Khmer, Thai letters Thai. A script that several languages of the region share (Latin,
 * Arabic, Devanagari) suggests none of them, and the page's own language is offered instead.
 */

/** The Unicode script of each ISO 15924 code the reference data uses (`languages.json`). */
const UNICODE_SCRIPTS: Record<string, string[]> = {
  Latn: ["Latin"],
  Thai: ["Thai"],
  Khmr: ["Khmer"],
  Laoo: ["Lao"],
  Mymr: ["Myanmar"],
  Sinh: ["Sinhala"],
  Taml: ["Tamil"],
  Beng: ["Bengali"],
  Deva: ["Devanagari"],
  Arab: ["Arabic"],
  Thaa: ["Thaana"],
  Tibt: ["Tibetan"],
  Cyrl: ["Cyrillic"],
  Hani: ["Han"],
  // Japanese is told from Chinese by its kana, Korean by its hangul.
  Jpan: ["Hiragana", "Katakana"],
  Kore: ["Hangul"],
};

const patterns = new Map<string, RegExp>();
function letters(script: string): RegExp {
  let pattern = patterns.get(script);
  if (!pattern) patterns.set(script, (pattern = new RegExp(`\\p{Script=${script}}`, "gu")));
  return pattern;
}

/** How many of the text's letters are in each ISO 15924 script. */
function scriptCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [code, scripts] of Object.entries(UNICODE_SCRIPTS)) {
    const n = scripts.reduce((sum, s) => sum + (text.match(letters(s))?.length ?? 0), 0);
    if (n > 0) counts.set(code, n);
  }
  return counts;
}

/**
 * The language tag to suggest for a listing titled `title`: the one language of the catalogue
 * written in the title's main script, when only one is; otherwise `fallback` (the page's language)
 * if it is a language of the catalogue; otherwise null.
 */
export function suggestLanguage(title: string, languages: ReadonlyArray<{ tag: string; script: string }>, fallback: string | null): string | null {
  const counts = scriptCounts(title);
  // Kana beside Han is Japanese; Han alone is Chinese.
  if (counts.has("Jpan")) counts.delete("Hani");
  const main = [...counts.entries()].filter(([code]) => code !== "Latn").sort((a, b) => b[1] - a[1])[0]?.[0];
  if (main) {
    const written = languages.filter((l) => l.script === main);
    if (written.length === 1) return written[0].tag;
  }
  return fallback && languages.some((l) => l.tag === fallback) ? fallback : null;
}
