/**
 * Compares names for sorting, the way `localeCompare` does, through one shared collator: building
 * the comparison on every call is costly on pages that sort hundreds of facet values.
 */
export const compareText: (a: string, b: string) => number = new Intl.Collator("en").compare;

/**
 * A name as people match it: in one Unicode form, trimmed, case and runs of spaces not mattering.
 * Organisations are told apart by it (their names and acronyms), and an import file's words are
 * matched to the reference data by it.
 */
export const nameKey = (name: string): string => name.normalize("NFC").trim().toLocaleLowerCase("en").replace(/\s+/g, " ");
