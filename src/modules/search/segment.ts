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

export const ANY_UNSPACED = /[\p{Script=Thai}\p{Script=Khmer}\p{Script=Lao}\p{Script=Myanmar}]/u;

/**
 * Dictionary segmentation costs about 30 µs a character: past this many characters of one run the
 * rest is cut into fixed pieces instead, so that no text, however long, holds a request up.
 */
export const MAX_SEGMENTED_RUN = 4000;

function segmentRun(run: string, segmenter: Intl.Segmenter): string {
  const head = run.slice(0, MAX_SEGMENTED_RUN);
  const words = [...segmenter.segment(head)].map((s) => s.segment).filter((s) => s.trim() !== "");
  for (let i = MAX_SEGMENTED_RUN; i < run.length; i += 20) words.push(run.slice(i, i + 20));
  return words.join(" ");
}

/** Puts a space between the words of every run of Thai, Khmer, Lao or Burmese; other text is unchanged. */
export function segmentWords(text: string): string {
  if (!ANY_UNSPACED.test(text)) return text;
  let out = text;
  for (const { pattern, segmenter } of SCRIPTS) out = out.replace(pattern, (run) => segmentRun(run, segmenter));
  return out;
}
