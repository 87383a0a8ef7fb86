/** A lowercase ASCII kebab-case slug from any title ("Enhancing a Victim-Centred Approach" → "enhancing-a-victim-centred-approach"). */
export function slugify(text: string, maxLength = 80): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= maxLength) return slug;
  const cut = slug.slice(0, maxLength);
  return cut.includes("-") ? cut.slice(0, cut.lastIndexOf("-")) : cut;
}

/**
 * Gives out free slugs: `base`, or else `base-2`, `base-3`, ..., never one in `taken` or one it gave
 * before. Slugs never change once given, so this is the only place that picks them.
 */
export class SlugAllocator {
  constructor(
    private readonly taken: Set<string>,
    /** The slug of a base that is empty (a title of symbols only, say). */
    private readonly fallback: string,
  ) {}

  next(base: string): string {
    const root = base || this.fallback;
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? root : `${root}-${n}`;
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate);
        return candidate;
      }
    }
  }
}
