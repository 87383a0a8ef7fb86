import { LRUCache } from "lru-cache";
import { ConceptMatch, conceptToken, conceptVocabulary } from "./concepts";
import { prepareText, type Word } from "./search-words";

/** A query as the engine is asked it, with what the vocabulary recognised in it. */
export interface ReadQuery {
  /** The text sent to the engine: concept tokens first, then the other words in their searchable form. */
  engineQ: string;
  /** Concepts recognised, in the order typed. */
  concepts: ConceptMatch[];
  /** The words that are no term of the vocabulary. */
  rest: Word[];
  /** The query as read (places in `concepts` and `rest` refer to it). */
  prepared: string;
  /** What was searched, term by term in the order typed: as typed, and as sent to the engine. */
  units: Array<{ text: string; engine: string }>;
}

/** The most words of a query that are searched; the rest are ignored (the engine has a limit of its own too). */
export const MAX_QUERY_WORDS = 12;

/**
 * Reads a query: terms of the vocabulary in any language become the tokens of their concepts, which
 * listings in every language carry; the other words are searched in their searchable form. Concept
 * tokens come first because the engine drops words from the end when nothing has them all.
 */
export function readQuery(q: string | undefined): ReadQuery {
  if (!q || !q.trim()) return { engineQ: "", concepts: [], rest: [], prepared: "", units: [] };
  let read = queriesRead.get(q);
  if (read === undefined) {
    read = Object.freeze(readNew(q));
    queriesRead.set(q, read);
  }
  return read;
}

/** Queries already read: people ask the same ones again and again, and reading one (finding its concepts in every language) costs more than the rest of presenting its results. Shared, never changed. */
const queriesRead = new LRUCache<string, ReadQuery>({ max: 10_000 });

function readNew(q: string): ReadQuery {
  const prepared = prepareText(q);
  const { matches, rest } = conceptVocabulary().recognise(q);
  const concepts = matches.filter((m) => !m.alternative).slice(0, MAX_QUERY_WORDS);
  const seen = new Set<string>();
  const tokens: string[] = [];
  for (const m of concepts) {
    const token = conceptToken(m.concept);
    if (!seen.has(token)) tokens.push(token);
    seen.add(token);
  }
  const words = rest.slice(0, Math.max(0, MAX_QUERY_WORDS - tokens.length));
  const units = [...concepts.map((m) => ({ at: m.start, text: prepared.slice(m.start, m.end), engine: conceptToken(m.concept) })), ...words.map((w) => ({ at: w.index, text: w.raw, engine: w.key }))]
    .sort((a, b) => a.at - b.at)
    .filter((u, i, all) => all.findIndex((v) => v.engine === u.engine) === i)
    .map(({ text, engine }) => ({ text, engine }));
  return { engineQ: [...tokens, ...words.map((w) => w.key)].join(" "), concepts, rest: words, prepared, units };
}
