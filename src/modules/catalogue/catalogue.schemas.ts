import { z } from "zod";
import { SORTS } from "./catalogue.service";
import { DELIVERY_MODES, RESOURCE_KINDS } from "./vocabulary";
import { message } from "../../i18n/message";
import { LANGUAGE_TAG } from "../../http/field-rules";

const slug = z
  .string()
  .max(120)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, message("validation.slugExample"));

const yes = z.enum(["true", "false", "on", "1", "0"], { error: message("validation.trueFalse") }).transform((v) => v === "true" || v === "on" || v === "1");

const wholeNumber = (max: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/, message("validation.pageRange", { maximum: max }))
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, message("validation.pageRange", { maximum: max }))
        .max(max, message("validation.pageRange", { maximum: max })),
    );

/** Page sizes offered; the default is the first. */
export const PAGE_SIZES = [20, 50, 100] as const;

/** The catalogue list's query string. Unknown parameters are refused. */
export const listQuerySchema = z
  .object({
    q: z.string().max(200).optional(),
    topic: slug.optional(),
    language: z.string().max(16).regex(LANGUAGE_TAG, message("validation.languageTag")).optional(),
    kind: z.enum(RESOURCE_KINDS, { error: message("validation.choice") }).optional(),
    mode: z.enum(DELIVERY_MODES, { error: message("validation.choice") }).optional(),
    org: slug.optional(),
    country: z
      .string()
      .regex(/^[A-Za-z]{3}$/, message("validation.countryCode"))
      .transform((c) => c.toUpperCase())
      .optional(),
    upcoming: yes.optional(),
    confirmed: yes.optional(),
    // The search form's "Best match" option sends an empty value: the default order.
    sort: z.preprocess((v) => (v === "" ? undefined : v), z.enum(SORTS, { error: message("validation.choice") }).optional()),
    page: wholeNumber(10000).default(1),
    pageSize: wholeNumber(100).default(PAGE_SIZES[0]),
  })
  .strict();

export type ListQuery = z.output<typeof listQuerySchema>;

/** A path slug: refused before it reaches the database when it could never match. */
export const slugParam = z
  .string()
  .max(120)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);

export const languageTagParam = z.string().max(16).regex(LANGUAGE_TAG);
