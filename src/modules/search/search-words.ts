import { stemmer as englishStem } from "@orama/stemmers/english";
import { stemmer as indonesianStem } from "@orama/stemmers/indonesian";
import { ZawgyiConverter, ZawgyiDetector } from "myanmar-tools";
import { ANY_UNSPACED, segmentWords } from "./segment";

/**
 * How the search reads text, the same way for listings and for queries: one spelling of each script
 * (Burmese in Unicode, not Zawgyi; one form of Khmer's subscript ta/da), words cut where a script has
 * no spaces, Latin letters lower-cased and without tone marks (Vietnamese with and without them
 * reads the same), and English and Indonesian words reduced to their Snowball stems, so that
 * "following" meets "follow" and "pelatihan" meets "melatih".
 */

const zawgyiDetector = new ZawgyiDetector();
const zawgyiConverter = new ZawgyiConverter();
const MYANMAR = /[\u1000-\u109F]/;
/** Above this probability Burmese text is taken to be Zawgyi and converted to Unicode. */
const ZAWGYI_THRESHOLD = 0.95;

/** Burmese text in Unicode: Zawgyi-encoded text is converted, anything else is left as it is. */
export function toUnicodeBurmese(text: string): string {
  if (!MYANMAR.test(text)) return text;
  // Each stretch on its own: a query may mix Zawgyi words with Unicode ones.
  return text.replace(/[\u1000-\u109F\uAA60-\uAA7F]+/g, (run) => {
    try {
      return zawgyiDetector.getZawgyiProbability(run) > ZAWGYI_THRESHOLD ? zawgyiConverter.zawgyiToUnicode(run) : run;
    } catch {
      return run;
    }
  });
}

/** Text as the search reads it, before words are cut: one spelling per script, no control characters. */
export function prepareText(text: string): string {
  return toUnicodeBurmese(
    text
      .normalize("NFC")
      .replace(/[\p{Cc}\p{Cf}\uE000-\uF8FF]/gu, " ")
      // Khmer writes the subscript of ដ and of ត alike; people type either.
      .replace(/\u17D2\u178A/g, "\u17D2\u178F"),
  );
}

const LATIN_WORD = /^[\p{Script=Latin}\p{M}\p{N}'’-]+$/u;

/** Keys already made: listings and queries repeat their words a great deal. */
const keys = new Map<string, string>();
const MAX_KEPT_KEYS = 100_000;

/** One word in its searchable form: lower case; Latin without marks and stemmed (English, then Indonesian). */
export function wordKey(word: string): string {
  let key = keys.get(word);
  if (key === undefined) {
    if (keys.size >= MAX_KEPT_KEYS) keys.clear();
    key = makeKey(word);
    keys.set(word, key);
  }
  return key;
}

function makeKey(word: string): string {
  const lower = word.toLowerCase();
  if (!LATIN_WORD.test(lower)) return lower;
  const plain = lower.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/['’-]/g, "");
  if (!/^[a-z]+$/.test(plain) || plain.length < 3) return plain;
  return indonesianStem(englishStem(plain));
}

const wordSegmenter = new Intl.Segmenter("en", { granularity: "word" });
const SPACED_WORD = /[\p{L}\p{M}\p{N}]+(?:['’.][\p{L}\p{M}\p{N}]+)*/gu;

export interface Word {
  /** As written (after `prepareText`). */
  raw: string;
  /** Its searchable form. */
  key: string;
  /** Where it starts in the prepared text. */
  index: number;
}

/** The words of a text, each with its searchable form and place. */
export function words(text: string): Word[] {
  const prepared = prepareText(text);
  const out: Word[] = [];
  const push = (raw: string, index: number) => {
    if (!raw.includes("-")) {
      const key = wordKey(raw);
      if (key) out.push({ raw, key, index });
      return;
    }
    let at = index;
    for (const part of raw.split("-")) {
      const key = wordKey(part);
      if (key) out.push({ raw: part, key, index: at });
      at += part.length + 1;
    }
  };
  if (!ANY_UNSPACED.test(prepared)) {
    // Scripts with spaces: words are runs of letters, marks and digits (apostrophes inside a word
    // kept), as the segmenter finds them, found faster.
    for (const m of prepared.matchAll(SPACED_WORD)) push(m[0], m.index);
    return out;
  }
  if (prepared.length <= 4000) {
    for (const s of wordSegmenter.segment(prepared)) if (s.isWordLike) push(s.segment, s.index);
    return out;
  }
  // Long text in scripts without spaces: cut by the bounded segmenter, places approximate.
  let index = 0;
  for (const token of segmentWords(prepared).split(/[^\p{L}\p{N}\p{M}'’-]+/u)) {
    if (token) push(token, index);
    index += token.length;
  }
  return out;
}

/** The searchable form of a text: its words' keys, separated by spaces. */
export function searchForm(text: string | null | undefined): string {
  return text
    ? words(text)
        .map((w) => w.key)
        .join(" ")
    : "";
}
