/**
 * Thai, Khmer, Lao and Burmese are written without spaces between words, and the search engine
 * segments some of them poorly or not at all. Text in those scripts is cut into words with
 * `Intl.Segmenter` (ICU's dictionaries) both when indexing and when querying, so that a word typed
 * alone matches the listing that contains it.
 */
const SCRIPTS: Array<{ pattern: RegExp; segmenter: Intl.Segmenter }> = [
  { pattern: /\p{Script=Thai}+/gu, segmenter: new Intl.Segmenter("th", { granularity: "word" }) },
  { pattern: /\p{Script=Khmer}+/gu, segmenter: new Intl.Segmenter("km", { granularity: "word" }) },
  { pattern: /\p{Script=Lao}+/gu, segmenter: new Intl.Segmenter("lo", { granularity: "word" }) },
  { pattern: /\p{Script=Myanmar}+/gu, segmenter: new Intl.Segmenter("my", { granularity: "word" }) },
];

const ANY_UNSPACED = /[\p{Script=Thai}\p{Script=Khmer}\p{Script=Lao}\p{Script=Myanmar}]/u;

/** Puts a space between the words of every run of Thai, Khmer, Lao or Burmese; other text is unchanged. */
export function segmentWords(text: string): string {
  if (!ANY_UNSPACED.test(text)) return text;
  let out = text;
  for (const { pattern, segmenter } of SCRIPTS) {
    out = out.replace(pattern, (run) =>
      [...segmenter.segment(run)]
        .map((s) => s.segment)
        .filter((s) => s.trim() !== "")
        .join(" "),
    );
  }
  return out;
}
