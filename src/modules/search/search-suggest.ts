import { words } from "./search-words";

/**
 * The catalogue's own words, for "did you mean": every word of the listings' titles, summaries,
 * topics and owners, counted, by its searchable form. A query word that no listing has is
 * compared with them; the closest common one is suggested.
 */
/** How many answers of `closest` a word list keeps. */
const MAX_CLOSEST_KEPT = 50_000;

export class WordList {
  /** Searchable form → the most frequent way it is written, and how many times it occurs. */
  private readonly byKey = new Map<string, { word: string; count: number; forms: Map<string, number> }>();
  /** Written forms by length, for finding close ones quickly. */
  private byLength: Map<number, Array<{ word: string; key: string; count: number }>> | null = null;

  add(text: string | null | undefined): void {
    if (!text) return;
    for (const w of words(text)) {
      if (w.key.length < 3 || /\d/.test(w.key)) continue;
      const written = w.raw.toLowerCase();
      const entry = this.byKey.get(w.key) ?? { word: written, count: 0, forms: new Map<string, number>() };
      entry.count++;
      const n = (entry.forms.get(written) ?? 0) + 1;
      entry.forms.set(written, n);
      if (n > (entry.forms.get(entry.word) ?? 0)) entry.word = written;
      this.byKey.set(w.key, entry);
      this.byLength = null;
      this.closestFound.clear();
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  private index() {
    if (!this.byLength) {
      this.byLength = new Map();
      for (const [key, entry] of this.byKey) {
        for (const word of entry.forms.keys()) {
          const list = this.byLength.get(word.length) ?? [];
          list.push({ word, key, count: entry.count });
          this.byLength.set(word.length, list);
        }
      }
    }
    return this.byLength;
  }

  /** Answers of `closest` already found: queries repeat their words, and finding one compares it with every word of about its length. */
  private readonly closestFound = new Map<string, string | null>();

  /** The closest common word of the catalogue to a word it does not have, or null. */
  closest(written: string): string | null {
    const word = written.toLowerCase();
    const found = this.closestFound.get(word);
    if (found !== undefined) return found;
    const answer = this.findClosest(word);
    if (this.closestFound.size >= MAX_CLOSEST_KEPT) this.closestFound.clear();
    this.closestFound.set(word, answer);
    return answer;
  }

  private findClosest(word: string): string | null {
    const limit = word.length <= 4 ? 1 : 2;
    let best: { word: string; distance: number; count: number } | null = null;
    const byLength = this.index();
    for (let length = word.length - limit; length <= word.length + limit; length++) {
      for (const candidate of byLength.get(length) ?? []) {
        const distance = damerauLevenshtein(word, candidate.word, limit);
        if (distance > limit || distance === 0) continue;
        if (!best || distance < best.distance || (distance === best.distance && candidate.count > best.count)) best = { word: candidate.word, distance, count: candidate.count };
      }
    }
    return best?.word ?? null;
  }
}

/** Optimal string alignment distance, giving up (returning limit + 1) once it must exceed `limit`. */
export function damerauLevenshtein(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return limit + 1;
  }
  return rows[a.length][b.length];
}
