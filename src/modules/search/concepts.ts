import { readFileSync } from "node:fs";
import path from "node:path";
import { ANY_UNSPACED } from "./segment";
import { prepareText, Word, words } from "./search-words";

/** One entry of the domain's multilingual vocabulary (seeds/reference/concepts.json). */
export interface Concept {
  id: string;
  topics: string[];
  kinds: string[];
  acronyms: string[];
  /** Terms by BCP 47 language tag. */
  terms: Record<string, string[]>;
}

/** A concept found in a text: which term of which language stood for it, and where. */
export interface ConceptMatch {
  concept: string;
  term: string;
  language: string;
  /** Start and end in the prepared text. */
  start: number;
  end: number;
  /** The same term stands for more than one concept: this is one of the others (a listing has them all; a query asks for the first). */
  alternative?: boolean;
}

interface LatinTerm {
  keys: string[];
  concept: string;
  term: string;
  language: string;
}

interface UnspacedTerm {
  compact: string;
  concept: string;
  term: string;
  language: string;
}

const compact = (text: string) => text.replace(/\s+/g, "");

/** The token that stands for a concept in the index: letters only, never a word of any language. */
export function conceptToken(id: string): string {
  return `zq${id.replace(/[^a-z]/g, "")}zq`;
}

/**
 * Recognises the vocabulary's terms and acronyms in any text: terms of scripts written without
 * spaces by their letters (so that no word cutting can hide them), other terms word by word in
 * their searchable form (stemmed, without tone marks). Longer terms win over shorter ones inside them.
 */
export class ConceptVocabulary {
  readonly byId: Map<string, Concept>;
  private readonly latin = new Map<string, LatinTerm[]>();
  private readonly unspaced: UnspacedTerm[] = [];
  private readonly acronyms = new Map<string, string>();
  readonly byTopic = new Map<string, string[]>();
  readonly byKind = new Map<string, string[]>();

  constructor(concepts: Concept[]) {
    this.byId = new Map(concepts.map((c) => [c.id, c]));
    const tokens = new Set<string>();
    for (const concept of concepts) {
      const token = conceptToken(concept.id);
      if (tokens.has(token)) throw new Error(`concepts: two concepts share the token ${token}`);
      tokens.add(token);
      for (const topic of concept.topics) this.byTopic.set(topic, [...(this.byTopic.get(topic) ?? []), concept.id]);
      for (const kind of concept.kinds) this.byKind.set(kind, [...(this.byKind.get(kind) ?? []), concept.id]);
      for (const acronym of concept.acronyms) this.acronyms.set(acronym, concept.id);
      for (const [language, terms] of Object.entries(concept.terms)) {
        for (const term of terms) {
          const prepared = prepareText(term);
          if (ANY_UNSPACED.test(prepared)) {
            this.unspaced.push({ compact: compact(prepared), concept: concept.id, term, language });
          } else {
            const keys = words(prepared).map((w) => w.key);
            if (keys.length === 0) continue;
            const list = this.latin.get(keys[0]) ?? [];
            list.push({ keys, concept: concept.id, term, language });
            this.latin.set(keys[0], list);
          }
        }
      }
    }
    this.unspaced.sort((a, b) => b.compact.length - a.compact.length);
    for (const list of this.latin.values()) list.sort((a, b) => b.keys.length - a.keys.length);
  }

  /** Concepts a topic or a kind stands for. */
  ofTopic(slug: string): string[] {
    return this.byTopic.get(slug) ?? [];
  }
  ofKind(slug: string): string[] {
    return this.byKind.get(slug) ?? [];
  }

  /** An acronym of the vocabulary, as written: exactly for short ones, in any case for four letters or more. */
  private acronym(raw: string): string | undefined {
    return this.acronyms.get(raw) ?? (raw.length >= 4 ? this.acronyms.get(raw.toUpperCase()) : undefined);
  }

  /**
   * Finds the concepts of a text. Returns the matches and the words of the text that are not part
   * of any match (in their searchable form, in order).
   */
  recognise(text: string, skip?: string): { matches: ConceptMatch[]; rest: Word[]; all: Word[] | null } {
    let prepared = prepareText(text);
    const spaced = !ANY_UNSPACED.test(prepared);
    const matches: ConceptMatch[] = [];
    if (ANY_UNSPACED.test(prepared)) {
      // Terms are found in the text with its spaces taken out; `map` keeps each compact letter's place.
      const map: number[] = [];
      let squeezed = "";
      for (let i = 0; i < prepared.length; i++) {
        if (!/\s/.test(prepared[i])) {
          map.push(i);
          squeezed += prepared[i];
        }
      }
      const taken = new Uint8Array(squeezed.length);
      for (const term of this.unspaced) {
        if (term.term === skip) continue;
        let from = 0;
        for (;;) {
          const at = squeezed.indexOf(term.compact, from);
          if (at < 0) break;
          from = at + 1;
          const end = at + term.compact.length;
          if (taken.subarray(at, end).some((t) => t === 1)) {
            const same = matches.find((m) => m.start === map[at] && m.end === map[end - 1] + 1 && compact(prepareText(m.term)) === term.compact);
            if (same && same.concept !== term.concept && !matches.some((m) => m.start === same.start && m.concept === term.concept)) {
              matches.push({ concept: term.concept, term: term.term, language: term.language, start: same.start, end: same.end, alternative: true });
            }
            continue;
          }
          taken.fill(1, at, end);
          matches.push({ concept: term.concept, term: term.term, language: term.language, start: map[at], end: map[end - 1] + 1 });
        }
      }
      if (matches.length) {
        // The matched letters are blanked out, so that the remaining words are what was not recognised.
        const blank = new Uint8Array(prepared.length);
        for (const m of matches) blank.fill(1, m.start, m.end);
        let i = 0;
        prepared = prepared.replace(/[\s\S]/g, (c) => (blank[i++] ? " " : c));
      }
    }
    const all = words(prepared);
    const rest: Word[] = [];
    for (let i = 0; i < all.length;) {
      const word = all[i];
      const acronym = this.acronym(word.raw.replace(/['’]s$/, ""));
      if (acronym) {
        matches.push({ concept: acronym, term: word.raw, language: "und", start: word.index, end: word.index + word.raw.length });
        i++;
        continue;
      }
      const candidates = this.latin.get(word.key);
      const found = candidates?.find((t) => t.term !== skip && t.keys.every((k, j) => all[i + j]?.key === k));
      if (found) {
        const last = all[i + found.keys.length - 1];
        const end = last.index + last.raw.length;
        matches.push({ concept: found.concept, term: found.term, language: found.language, start: word.index, end });
        const others = new Set<string>([found.concept]);
        for (const other of candidates!) {
          if (others.has(other.concept) || other.keys.length !== found.keys.length || !other.keys.every((k, j) => found.keys[j] === k)) continue;
          others.add(other.concept);
          matches.push({ concept: other.concept, term: other.term, language: other.language, start: word.index, end, alternative: true });
        }
        i += found.keys.length;
        continue;
      }
      rest.push(word);
      i++;
    }
    matches.sort((a, b) => a.start - b.start);
    // Every word of the text, when no letters were blanked out (text in scripts with spaces).
    return { matches, rest, all: spaced ? all : null };
  }

  /** Concepts named inside a term by its shorter parts ("victim identification" → victim, identification). */
  private readonly inner = new Map<string, string[]>();
  innerOf(term: string): string[] {
    let found = this.inner.get(term);
    if (!found) {
      found = this.recognise(term, term).matches.map((m) => m.concept);
      this.inner.set(term, found);
    }
    return found;
  }

  /** The ids of the concepts in a text (a listing's), with those inside longer terms, each once. */
  conceptsOf(text: string | null | undefined): string[] {
    return this.analyse(text).concepts;
  }

  /** A listing's text read once: its searchable form and its concepts (with those inside longer terms). */
  analyse(text: string | null | undefined): { form: string; concepts: string[] } {
    if (!text) return { form: "", concepts: [] };
    const out = new Set<string>();
    const { matches, all } = this.recognise(text);
    for (const m of matches) {
      out.add(m.concept);
      if (m.language !== "und") for (const c of this.innerOf(m.term)) out.add(c);
    }
    return { form: (all ?? words(text)).map((w) => w.key).join(" "), concepts: [...out] };
  }

  /** A concept's term in a language, or its first English one. */
  termIn(id: string, language: string): string | null {
    const concept = this.byId.get(id);
    if (!concept) return null;
    return concept.terms[language]?.[0] ?? concept.terms.en?.[0] ?? null;
  }
}

let shared: ConceptVocabulary | null = null;

/** The vocabulary of seeds/reference/concepts.json, read once. */
export function conceptVocabulary(): ConceptVocabulary {
  if (!shared) {
    const file = path.resolve(__dirname, "../../../seeds/reference/concepts.json");
    const raw = JSON.parse(readFileSync(file, "utf8")) as { concepts: Concept[] };
    shared = new ConceptVocabulary(raw.concepts);
  }
  return shared;
}
