import { z } from "zod";
import { SESSION_STATUSES } from "./course-session.entity";
import { DELIVERY_MODES, RESOURCE_KINDS } from "./vocabulary";

/** An optional text field: trimmed, empty means none. */
const text = (max: number) =>
  z
    .string()
    .max(max * 4, `must be at most ${max} characters`)
    .transform((v) => v.trim())
    .pipe(z.string().max(max, `must be at most ${max} characters`))
    .transform((v) => (v === "" ? null : v));

/** An http(s) address, or none. */
const url = z
  .string()
  .trim()
  .max(500, "must be at most 500 characters")
  .refine((v) => v === "" || /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(v), "must be an address starting with http:// or https://")
  .transform((v) => (v === "" ? null : v));

/** Checkboxes: absent, one value, or several. */
const many = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().max(100)).max(20, "at most 20"));

const csrf = { _csrf: z.string().optional() };

/** The listing form of the workspace. Unknown fields (an `ownerId`, a `status`) are refused. */
export const listingFormSchema = z
  .object({
    ...csrf,
    version: z.string().regex(/^\d{1,9}$/, "is missing; reload the page").transform(Number).optional(),
    kind: z.enum(RESOURCE_KINDS, { error: "choose a kind" }),
    title: z
      .string()
      .transform((v) => v.trim())
      .pipe(z.string().min(3, "must be at least 3 characters").max(300, "must be at most 300 characters")),
    acronym: text(40),
    summary: text(600),
    description: text(20_000),
    url,
    deliveryMode: z
      .union([z.literal(""), z.enum(DELIVERY_MODES, { error: `must be one of ${DELIVERY_MODES.join(", ")}` })])
      .transform((v) => (v === "" ? null : v)),
    duration: text(100),
    isFree: z.enum(["", "yes", "no"], { error: "choose free, paid or not stated" }).transform((v) => (v === "" ? null : v === "yes")),
    access: text(500),
    ownershipStatement: text(500),
    contactName: text(200),
    contactEmail: z
      .string()
      .trim()
      .max(254, "must be at most 254 characters")
      .refine((v) => v === "" || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), "must be an email address")
      .transform((v) => (v === "" ? null : v.toLowerCase())),
    visibility: z.enum(["public", "members"], { error: "choose public or members only" }),
    topicSlugs: many,
    audienceSlugs: many,
  })
  .strict();

export type ListingForm = z.output<typeof listingFormSchema>;

export const statusFormSchema = z
  .object({
    ...csrf,
    version: z.string().regex(/^\d{1,9}$/, "is missing; reload the page").transform(Number),
    action: z.enum(["publish", "unpublish", "archive", "confirm"], { error: "is not a known action" }),
  })
  .strict();

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date (YYYY-MM-DD)")
  .refine((v) => {
    const parsed = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(v);
  }, "is not a real date (such as 2027-02-28)");

export const editionFormSchema = z
  .object({
    ...csrf,
    languageTag: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "choose a language"),
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
      .regex(/^([A-Za-z]{3})?$/, "choose a country")
      .transform((v) => (v === "" ? null : v.toUpperCase())),
    online: z.enum(["true"]).optional().transform((v) => v === "true"),
    languageTag: z
      .string()
      .regex(/^([a-z]{2,3}(-[A-Za-z0-9]{2,8})*)?$/, "choose a language")
      .transform((v) => (v === "" ? null : v)),
    status: z.enum(SESSION_STATUSES, { error: `must be one of ${SESSION_STATUSES.join(", ")}` }),
    timeZone: z
      .string()
      .max(64)
      .refine((v) => v === "" || Intl.supportedValuesOf("timeZone").includes(v) || v === "UTC", "must be a time zone such as Asia/Bangkok")
      .transform((v) => (v === "" ? null : v)),
  })
  .strict()
  .refine((v) => v.endDate === null || v.endDate >= v.startDate, { path: ["endDate"], message: "must not be before the start date" });

export const removeFormSchema = z.object({ ...csrf }).strict();
