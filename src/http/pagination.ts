/** A link to `path` with the given query values; undefined, empty and false values are left out. */
export function hrefWith(path: string, params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "" || value === false) continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

export interface PageLink {
  number: number;
  href: string;
  current: boolean;
}

export interface Pagination {
  page: number;
  totalPages: number;
  previous: string | null;
  next: string | null;
  /** Page numbers around the current one, with `null` for a gap. */
  links: Array<PageLink | null>;
}

/** Links for a paged list; `params` are the list's other query values, kept on every link. */
export function paginate(path: string, params: Record<string, string | number | boolean | undefined | null>, page: number, totalPages: number): Pagination {
  const link = (n: number) => hrefWith(path, { ...params, page: n === 1 ? undefined : n });
  const numbers = new Set([1, totalPages, page - 2, page - 1, page, page + 1, page + 2].filter((n) => n >= 1 && n <= totalPages));
  const links: Array<PageLink | null> = [];
  let last = 0;
  for (const n of [...numbers].sort((a, b) => a - b)) {
    if (n - last > 1) links.push(null);
    links.push({ number: n, href: link(n), current: n === page });
    last = n;
  }
  return {
    page,
    totalPages,
    previous: page > 1 ? link(page - 1) : null,
    next: page < totalPages ? link(page + 1) : null,
    links,
  };
}
