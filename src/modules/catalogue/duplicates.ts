import type { EntityManager } from "typeorm";
import type { VisibilityViewer } from "./listing-rules";
import type { ListingMatch, ListingRepository } from "./listing.repository";

/** Why a saved listing looks like the one being created. */
export type DuplicateReason = "url" | "title" | "title-date";

/** A listing about to be created (a form, an import row), as duplicates are looked for. */
export interface DuplicateCandidate {
  title: string;
  url: string | null;
  /** The organisation it is listed for; null for one an import is about to create (nothing of it is saved yet). */
  ownerId: number | null;
  /** Start dates of its sessions (YYYY-MM-DD). */
  startDates: string[];
}

/** A saved listing that looks like a candidate, and why. */
export interface Duplicate {
  id: number;
  slug: string;
  title: string;
  ownerId: number;
  reason: DuplicateReason;
  /** The candidate's own organisation's listing (any status), or another's published one. */
  sameOwner: boolean;
  /** The start date both have, for `title-date`. */
  date?: string;
}

/**
 * A title as compared for duplicates: Unicode-normalised, in lower case, punctuation and spacing
 * counted as one space. Marks are kept (in Thai or Khmer they are letters' vowels).
 */
export function titleKey(title: string): string {
  return title
    .normalize("NFKC")
    .toLocaleLowerCase("en")
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, " ")
    .trim();
}

/**
 * An address as compared for duplicates: without its scheme, a leading `www.`, the fragment and a
 * trailing slash, in lower case (a duplicate warning may be generous; the owner can say it is distinct).
 */
export function urlKey(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  const host = parsed.host.toLowerCase().replace(/^www\./, "");
  const path = parsed.pathname.replace(/\/+$/, "");
  return `${host}${path}${parsed.search}`.toLowerCase();
}

/** The stored forms an address with this key may have, trailing slash removed (the query removes it from the stored one too). */
function urlVariants(key: string): string[] {
  return ["http://", "https://", "http://www.", "https://www."].map((scheme) => `${scheme}${key}`);
}

/** Other organisations' listings count as a member sees them: published, public or members only. */
const SEEN_BY: VisibilityViewer = { member: true };

/**
 * Finds saved listings that look like listings about to be created: the same address; the same
 * title (as `titleKey` reads it) from the same organisation; or the same title with a session
 * starting on the same day, from anyone. Other organisations' listings count only when published
 * (the rule of `visibleSql`, for members), so that nobody learns of another's drafts. One call for
 * many candidates (an import), with a few queries whatever their number.
 */
export class DuplicateFinder {
  constructor(private readonly listings: ListingRepository) {}

  async find(candidates: DuplicateCandidate[], manager?: EntityManager): Promise<Duplicate[][]> {
    const found: Duplicate[][] = candidates.map(() => []);
    if (candidates.length === 0) return found;
    const add = (index: number, row: Omit<ListingMatch, "visible">, reason: DuplicateReason, date?: string) => {
      if (found[index].some((d) => d.id === row.id)) return;
      found[index].push({ id: row.id, slug: row.slug, title: row.title, ownerId: row.ownerId, reason, sameOwner: row.ownerId === candidates[index].ownerId, ...(date ? { date } : {}) });
    };
    const mayShow = (index: number, row: ListingMatch) => row.visible || row.ownerId === candidates[index].ownerId;

    // The same address.
    const byUrl = new Map<string, number[]>();
    candidates.forEach((c, i) => {
      const key = c.url ? urlKey(c.url) : null;
      if (key) byUrl.set(key, [...(byUrl.get(key) ?? []), i]);
    });
    for (const row of await this.listings.matchesByUrl([...byUrl.keys()].flatMap(urlVariants), SEEN_BY, manager)) {
      const key = row.url ? urlKey(row.url) : null;
      for (const index of (key && byUrl.get(key)) || []) if (mayShow(index, row)) add(index, row, "url");
    }

    // The same title from the same organisation.
    const owners = [...new Set(candidates.map((c) => c.ownerId).filter((id): id is number => id !== null))];
    for (const ownerId of owners) {
      const titles = new Map<string, number[]>();
      candidates.forEach((c, i) => {
        if (c.ownerId === ownerId) titles.set(titleKey(c.title), [...(titles.get(titleKey(c.title)) ?? []), i]);
      });
      for (const row of await this.listings.matchesOfOwner(ownerId, manager)) for (const index of titles.get(titleKey(row.title)) ?? []) add(index, row, "title");
    }

    // The same title with a session on the same day, from anyone.
    const byDate = new Map<string, number[]>();
    candidates.forEach((c, i) => {
      for (const date of new Set(c.startDates)) byDate.set(date, [...(byDate.get(date) ?? []), i]);
    });
    for (const row of await this.listings.matchesWithSessionOn([...byDate.keys()], SEEN_BY, manager)) {
      const key = titleKey(row.title);
      for (const index of byDate.get(row.startDate) ?? []) {
        if (titleKey(candidates[index].title) === key && mayShow(index, row)) add(index, row, "title-date", row.startDate);
      }
    }
    return found;
  }
}

/**
 * The same comparisons among listings about to be created together (the new rows of one import
 * file): for each, the earlier ones it looks like, by their position. Listings of an organisation
 * not saved yet (`ownerId` null) are compared by address and by title and date only.
 */
export function duplicatesWithin(candidates: DuplicateCandidate[]): Array<Array<{ index: number; reason: DuplicateReason }>> {
  const seen = { url: new Map<string, number>(), title: new Map<string, number>(), titleDate: new Map<string, number>() };
  return candidates.map((c, i) => {
    const alike: Array<{ index: number; reason: DuplicateReason }> = [];
    const note = (map: Map<string, number>, key: string | null, reason: DuplicateReason) => {
      if (key === null) return;
      const earlier = map.get(key);
      if (earlier === undefined) map.set(key, i);
      else if (!alike.some((a) => a.index === earlier)) alike.push({ index: earlier, reason });
    };
    const title = titleKey(c.title);
    note(seen.url, c.url ? urlKey(c.url) : null, "url");
    note(seen.title, c.ownerId === null ? null : `${c.ownerId}\u0000${title}`, "title");
    for (const date of new Set(c.startDates)) note(seen.titleDate, `${title}\u0000${date}`, "title-date");
    return alike;
  });
}
