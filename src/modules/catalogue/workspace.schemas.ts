import { z } from "zod";
import { SESSION_STATUSES } from "./course-session.entity";
import { formShape } from "./listing-fields";
import { RESOURCE_KINDS } from "./vocabulary";
import { message } from "../../i18n/message";
import { isCalendarDay, isHttpUrl, isLanguageTag, isTimeZone, LANGUAGE_TAG } from "../../http/field-rules";

// Messages are catalogue keys (src/i18n/locales/en.json), shown in the reader's language next to each field.
const tooLong = (maximum: number) => message("validation.tooLong", { maximum });

/** An optional text field: trimmed, empty means none. */
const text = (max: number) =>
  z
    .string()
    .max(max * 4, tooLong(max))
    .transform((v) => v.trim())
    .pipe(z.string().max(max, tooLong(max)))
    .transform((v) => (v === "" ? null : v));

/** An http(s) address, or none. */
const url = z
  .string()
  .trim()
  .max(500, tooLong(500))
  .refine((v) => v === "" || isHttpUrl(v), message("validation.url"))
  .transform((v) => (v === "" ? null : v));

/** Checkboxes: absent, one value, or several. */
const many = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().max(100)).max(20, message("listing.errors.atMost20")));

const csrf = { _csrf: z.string().optional() };

/** The version of the listing the form was made from, so that a save over someone else's change is refused. */
const version = z
  .string()
  .regex(/^\d{1,9}$/, message("listing.errors.reload"))
  .transform(Number);

/** The listing form of the workspace. Unknown fields (an `ownerId`, a `status`) are refused. */
export const listingFormSchema = z
  .object({
    ...csrf,
    version: version.optional(),
    kind: z.enum(RESOURCE_KINDS, { error: message("listing.errors.chooseKind") }),
    title: z
      .string()
      .transform((v) => v.trim())
      .pipe(
        z
          .string()
          .min(3, message("validation.tooShort", { minimum: 3 }))
          .max(300, tooLong(300)),
      ),
    // The language of the listing's own text: a browser always sends the select's value, and an
    // empty choice is refused. A client that sends no value at all keeps the saved language (a new
    // listing gets the one the form would have suggested).
    languageTag: z.string().max(16).refine(isLanguageTag, message("listing.errors.chooseLanguage")).optional(),
    // Every scalar field of the registry (listing-fields.ts), text or not.
    ...formShape,
    url,
    visibility: z.enum(["public", "members"], { error: message("listing.errors.chooseVisibility") }),
    topicSlugs: many,
    audienceSlugs: many,
    /** Ticked when the form warned of a listing like this one: the contributor says it is a different one. */
    distinct: z.enum(["yes"], { error: message("listing.errors.unknownAction") }).optional(),
  })
  .strict();

export type ListingForm = z.output<typeof listingFormSchema>;

export const statusFormSchema = z
  .object({
    ...csrf,
    version,
    action: z.enum(["publish", "unpublish", "archive", "confirm"], { error: message("listing.errors.unknownAction") }),
  })
  .strict();

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, message("validation.date"))
  .refine(isCalendarDay, message("listing.errors.notRealDate"));

export const editionFormSchema = z
  .object({
    ...csrf,
    languageTag: z.string().regex(LANGUAGE_TAG, message("listing.errors.chooseLanguage")),
    title: text(300),
    url,
    format: text(40),
  })
  .strict();

export const sessionFormSchema = z
  .object({
    ...csrf,
    startDate: day,
    endDate: z.union([z.literal(""), day]).transform((v) => (v === "" ? null : v)),
    city: text(120),
    countryCode: z
      .string()
      .regex(/^([A-Za-z]{3})?$/, message("listing.errors.chooseCountry"))
      .transform((v) => (v === "" ? null : v.toUpperCase())),
    online: z
      .enum(["true"])
      .optional()
      .transform((v) => v === "true"),
    languageTag: z
      .string()
      .refine((v) => v === "" || isLanguageTag(v), message("listing.errors.chooseLanguage"))
      .transform((v) => (v === "" ? null : v)),
    status: z.enum(SESSION_STATUSES, { error: message("listing.errors.chooseStatus") }),
    timeZone: z
      .string()
      .max(64)
      .refine((v) => v === "" || isTimeZone(v), message("listing.errors.timeZone"))
      .transform((v) => (v === "" ? null : v)),
    seatsPerCountry: z
      .string()
      .regex(/^(\d{1,6})?$/, message("validation.notWholeNumber"))
      .transform((v) => (v === "" ? null : Number(v)))
      .refine((v) => v === null || (v >= 1 && v <= 100_000), message("listing.errors.seats"))
      .optional()
      .transform((v) => v ?? null),
    applicationOpens: z
      .union([z.literal(""), day])
      .optional()
      .transform((v) => (v ? v : null)),
    applicationDeadline: z
      .union([z.literal(""), day])
      .optional()
      .transform((v) => (v ? v : null)),
    interpretationLanguages: many.pipe(z.array(z.string().regex(LANGUAGE_TAG, message("listing.errors.chooseLanguage"))).max(10, message("listing.errors.atMost10"))),
  })
  .strict()
  .refine((v) => v.endDate === null || v.endDate >= v.startDate, { path: ["endDate"], message: message("listing.errors.endBeforeStart") })
  .refine((v) => v.applicationOpens === null || v.applicationDeadline === null || v.applicationDeadline >= v.applicationOpens, {
    path: ["applicationDeadline"],
    message: message("listing.errors.closesBeforeOpens"),
  });

export const removeFormSchema = z.object({ ...csrf }).strict();
