import { z } from "zod";
import { SORTS } from "./catalogue.service";
import { DELIVERY_MODES, RESOURCE_KINDS } from "./vocabulary";

const slug = z
  .string()
  .max(120, "is too long")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a slug such as people-smuggling (lowercase letters, digits and hyphens)");

const yes = z
  .enum(["true", "false", "on", "1", "0"], { error: "must be true or false" })
  .transform((v) => v === "true" || v === "on" || v === "1");

const wholeNumber = (max: number, name: string) =>
  z
    .string()
    .regex(/^\d{1,7}$/, `must be a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().min(1, `must be a whole number from 1 to ${max}`).max(max, `must be a whole number from 1 to ${max}; ${name}`));

/** Page sizes offered; the default is the first. */
export const PAGE_SIZES = [20, 50, 100] as const;

/** The catalogue list's query string. Unknown parameters are refused. */
export const listQuerySchema = z
  .object({
    q: z.string().max(200, "must be at most 200 characters").optional(),
    topic: slug.optional(),
    language: z
      .string()
      .max(16, "is too long")
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a language tag such as km or id")
      .optional(),
    kind: z.enum(RESOURCE_KINDS, { error: `must be one of ${RESOURCE_KINDS.join(", ")}` }).optional(),
    mode: z.enum(DELIVERY_MODES, { error: `must be one of ${DELIVERY_MODES.join(", ")}` }).optional(),
    org: slug.optional(),
    country: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "must be a three-letter ISO 3166 country code such as KHM")
      .transform((c) => c.toUpperCase())
      .optional(),
    upcoming: yes.optional(),
    // The search form's "Best match" option sends an empty value: the default order.
    sort: z.preprocess((v) => (v === "" ? undefined : v), z.enum(SORTS, { error: `must be one of ${SORTS.join(", ")}` }).optional()),
    page: wholeNumber(10000, "there are never that many pages").default(1),
    pageSize: wholeNumber(100, "at most 100 listings a page").default(PAGE_SIZES[0]),
  })
  .strict();

export type ListQuery = z.output<typeof listQuerySchema>;

/** A path slug: refused before it reaches the database when it could never match. */
export const slugParam = z.string().max(120).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);

export const languageTagParam = z.string().max(16).regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/);
