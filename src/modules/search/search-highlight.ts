import { LRUCache } from "lru-cache";
import { conceptVocabulary } from "./concepts";
import type { ReadQuery } from "./search-query";
import { prepareText, words, type Word } from "./search-words";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

/** The longest text highlighted; past it the text is shown as it is. */
const MAX_HIGHLIGHTED = 5000;

/**
 * A text as HTML with the words that matched a query in `<mark>`: words in their searchable form
 * (so "trained" is marked for "training", "khoa hoc" for "khóa học"), the last word also as a
 * prefix, and the terms of the query's concepts in whatever language the text uses. Works the same
 * in every script, because both sides are read by the same code.
 */
export function highlightQuery(text: string, query: ReadQuery): string {
  if (query.rest.length === 0 && query.concepts.length === 0) return escapeHtml(prepareText(text));
  const { prepared, words, concepts: inText } = readText(text);
  if (prepared.length > MAX_HIGHLIGHTED) return escapeHtml(prepared);
  const keys = new Set(query.rest.map((w) => w.key));
  const last = query.rest.at(-1)?.key ?? null;
  const concepts = new Set(query.concepts.map((m) => m.concept));
  const ranges: Array<[number, number]> = [];
  for (const w of words) {
    if (keys.has(w.key) || (last !== null && last.length >= 2 && w.key.startsWith(last))) ranges.push([w.index, w.index + w.raw.length]);
  }
  for (const m of concepts.size ? inText : []) {
    if (m.concepts.some((c) => concepts.has(c))) ranges.push([m.start, m.end]);
  }
  if (ranges.length === 0) return escapeHtml(prepared);
  ranges.sort((a, b) => a[0] - b[0]);
  let html = "";
  let at = 0;
  for (const [start, end] of ranges) {
    if (end <= at) continue;
    const from = Math.max(start, at);
    html += escapeHtml(prepared.slice(at, from)) + "<mark>" + escapeHtml(prepared.slice(from, end)) + "</mark>";
    at = end;
  }
  return (html + escapeHtml(prepared.slice(at))).replace(/<\/mark>(\s*)<mark>/g, "$1");
}

/** A text as highlighting reads it: its words, and where it names concepts (with those its terms hold). */
interface ReadText {
  prepared: string;
  words: Word[];
  concepts: Array<{ start: number; end: number; concepts: string[] }>;
}

/**
 * Texts already read. The same titles and summaries come back in result after result, and reading
 * one (cutting its words, finding its concepts) costs more than marking it for a query.
 */
const textsRead = new LRUCache<string, ReadText>({ max: 20_000, maxSize: 8_000_000, sizeCalculation: (value) => value.prepared.length + 1 });

function readText(text: string): ReadText {
  let read = textsRead.get(text);
  if (read === undefined) {
    const prepared = prepareText(text);
    if (prepared.length > MAX_HIGHLIGHTED) return { prepared, words: [], concepts: [] };
    const vocabulary = conceptVocabulary();
    const concepts = vocabulary.recognise(prepared).matches.map((m) => ({
      start: m.start,
      end: m.end,
      concepts: m.language === "und" ? [m.concept] : [m.concept, ...vocabulary.innerOf(m.term)],
    }));
    read = { prepared, words: words(prepared), concepts };
    textsRead.set(text, read);
  }
  return read;
}
