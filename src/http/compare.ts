/**
 * Compares names for sorting, the way `localeCompare` does, through one shared collator: building
 * the comparison on every call is costly on pages that sort hundreds of facet values.
 */
export const compareText: (a: string, b: string) => number = new Intl.Collator("en").compare;
