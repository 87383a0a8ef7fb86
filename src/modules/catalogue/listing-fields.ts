import { z } from "zod";
import { nameKey } from "../../http/compare";
import { isCalendarDay, isEmail, isHttpUrl, isLanguageTag } from "../../http/field-rules";
import { translator } from "../../i18n/i18n";
import { message } from "../../i18n/message";
import type { Resource } from "./resource.entity";
import { DELIVERY_MODES, deliveryModeName } from "./vocabulary";

/**
 * The listing's own scalar fields, declared once. The workspace form (its schema, its inputs and
 * labels), the import row (JSON Lines and CSV, both ways), the export, the read API, the listing
 * page, the audit trail's labels and search (the texts of both engines, the filters) are derived
 * from this list: a field added here reaches all of them, and the compiler points at the entity if
 * its column is missing or of another type. Its column, its migration and its label are the only
 * other places a new field needs.
 *
 * Its label and hint are the messages `listing.fields.<name>` and `listing.hints.<name>` of the
 * message catalogues (src/i18n/locales/), in the reader's language.
 * - `type`: what it holds, and so how each place reads and shows it: "text", "email", "url",
 *   "boolean" (yes, no, or not stated), "integer" (within `min`..`max`), "date" (YYYY-MM-DD),
 *   "oneOf" (one of `choices`), "languageTag" (a language of the reference data).
 * - `group`: where it sits in the form and on the page: "about" the listing, "taking part" in it
 *   (what an official weighs before applying or nominating), "practical" details, or its "contact".
 * - `onPage`: shown on the listing page (text under its own heading; other types among the facts
 *   beside it). Fields with a place of their own there (the summary, the contact) say false.
 * - `nested`: in a JSON Lines row and in the API, the field sits in an object (`contact.name`); in
 *   a CSV file and in the form it keeps its own name.
 * - `filter`: search filters on its value (the engine's filterable attributes).
 * Text only:
 * - `lines`: "one" (an input; line breaks become spaces), "many" (a text area, kept as written),
 *   "markdown" (a text area, rendered sanitised).
 * - `search`: how search finds its words (the engine and the database fallback alike): "own" with
 *   an attribute of its own that the search module weighs (acronym, summary, description),
 *   "details" among the listing's details, or "none".
 */
interface FieldBase {
  name: ScalarColumn;
  group: "about" | "taking-part" | "practical" | "contact";
  onPage: boolean;
  nested?: { in: "contact"; key: string };
  filter?: boolean;
  /** The catalogue key of its label on the listing page, when not `listing.fields.<name>`. */
  pageLabel?: string;
  /** The catalogue key of the message for a value that is none of those offered (boolean, oneOf). */
  invalid?: string;
}

export interface TextField extends FieldBase {
  type: "text";
  max: number;
  lines: "one" | "many" | "markdown";
  search: "own" | "details" | "none";
}

export interface EmailField extends FieldBase {
  type: "email";
  max: number;
}

export interface UrlField extends FieldBase {
  type: "url";
  max: number;
}

export interface BooleanField extends FieldBase {
  type: "boolean";
  /** Catalogue keys of what the form offers and the page says for yes and no ("Free of charge"). */
  says: { yes: string; no: string };
  /** The form's words when they differ from the page's. */
  formSays?: { yes: string; no: string };
  /** Words a CSV cell may hold besides yes/no and true/false ("free", "paid"). */
  csvWords?: { yes: readonly string[]; no: readonly string[] };
}

export interface IntegerField extends FieldBase {
  type: "integer";
  min: number;
  max: number;
}

export interface DateField extends FieldBase {
  type: "date";
}

export interface OneOfField extends FieldBase {
  type: "oneOf";
  choices: readonly [string, ...string[]];
  /** A choice's English name, which an import row may give instead of the code. */
  nameOf: (choice: string) => string;
  /** What an import report calls one choice ("delivery mode"). */
  noun: string;
  /** The view helper (`vocab.<name>`) that names a choice in the reader's language; otherwise `listing.choices.<field>.<choice>`. */
  vocab?: "mode";
}

export interface LanguageTagField extends FieldBase {
  type: "languageTag";
}

export type ListingField = TextField | EmailField | UrlField | BooleanField | IntegerField | DateField | OneOfField | LanguageTagField;
export type ListingFieldType = ListingField["type"];

/** Columns of a listing that hold an optional text, number or yes/no. */
type ScalarColumn = { [K in keyof Resource]-?: null extends Resource[K] ? (NonNullable<Resource[K]> extends string | number | boolean ? K : never) : never }[keyof Resource];

export const LISTING_FIELDS = [
  { name: "acronym", type: "text", max: 40, lines: "one", group: "about", search: "own", onPage: false },
  { name: "summary", type: "text", max: 600, lines: "many", group: "about", search: "own", onPage: false },
  { name: "description", type: "text", max: 20_000, lines: "markdown", group: "about", search: "own", onPage: false },
  { name: "learningOutcomes", type: "text", max: 2000, lines: "many", group: "taking-part", search: "details", onPage: true },
  { name: "prerequisites", type: "text", max: 1000, lines: "many", group: "taking-part", search: "details", onPage: true },
  { name: "eligibility", type: "text", max: 1000, lines: "many", group: "taking-part", search: "details", onPage: true },
  { name: "howToApply", type: "text", max: 1000, lines: "many", group: "taking-part", search: "none", onPage: true },
  { name: "certificate", type: "text", max: 300, lines: "one", group: "taking-part", search: "details", onPage: true },
  {
    name: "deliveryMode",
    type: "oneOf",
    choices: DELIVERY_MODES,
    nameOf: deliveryModeName,
    noun: "delivery mode",
    vocab: "mode",
    group: "practical",
    onPage: false,
    filter: true,
    invalid: "listing.errors.chooseMode",
  },
  { name: "duration", type: "text", max: 100, lines: "one", group: "practical", search: "none", onPage: false },
  { name: "access", type: "text", max: 500, lines: "one", group: "practical", search: "none", onPage: false },
  { name: "ownershipStatement", type: "text", max: 500, lines: "one", group: "practical", search: "none", onPage: false },
  {
    name: "isFree",
    type: "boolean",
    says: { yes: "resource.free", no: "resource.fee" },
    formSays: { yes: "listing.form.free", no: "listing.form.fee" },
    csvWords: { yes: ["free"], no: ["paid"] },
    group: "practical",
    onPage: true,
    pageLabel: "resource.cost",
    filter: true,
    invalid: "listing.errors.chooseCost",
  },
  { name: "contactName", type: "text", max: 200, lines: "one", group: "contact", search: "none", onPage: false, nested: { in: "contact", key: "name" } },
  { name: "contactEmail", type: "email", max: 254, group: "contact", onPage: false, nested: { in: "contact", key: "email" } },
] as const satisfies readonly ListingField[];

type Declared = (typeof LISTING_FIELDS)[number];
export type ListingFieldName = Declared["name"];

/** What a field of each type holds. */
type ValueOf<F> = F extends { type: "boolean" } ? boolean : F extends { type: "integer" } ? number : string;

/** The fields' values, by name; null: not given. */
export type ListingScalars = { [F in Declared as F["name"]]: ValueOf<F> | null };

/** The compiler's check that every field has a column of its type on the listing (resource.entity.ts). */
export type ColumnsOfEveryField = Pick<Resource, ListingFieldName> extends ListingScalars ? true : ["a field's column is missing or of another type", ListingFieldName];
const everyFieldHasItsColumn: ColumnsOfEveryField = true;
void everyFieldHasItsColumn;

/** The listing's own text fields (not its contact): those searched, shown under their headings, and so on. */
type OwnText = Exclude<Extract<Declared, { type: "text" }>, { nested: object }>;
export const LISTING_TEXT_FIELDS: readonly OwnText[] = LISTING_FIELDS.filter((f): f is OwnText => f.type === "text" && !("nested" in f));
export type ListingTextFieldName = OwnText["name"];

/** The text fields' values, by name. */
export type ListingTexts = Pick<ListingScalars, ListingTextFieldName>;

/** The fields a JSON Lines row and the API give at their top level, and those they give in an object. */
type TopLevel = Exclude<Declared, { nested: object }>;
type Nested = Extract<Declared, { nested: object }>;

/** A field's value in JSON: the same as in the listing. */
export type ScalarRowJson = { [F in TopLevel as F["name"]]?: ValueOf<F> } & { contact?: { [F in Nested as F["nested"]["key"]]?: ValueOf<F> } };

// ---------------------------------------------------------------------------------------------
// The workspace form.

/** Line breaks of a one-line field become one space. */
const oneLine = (v: string) => v.replace(/\s*[\r\n]+\s*/g, " ");
const tooLong = (maximum: number) => message("validation.tooLong", { maximum });
const emptyIsNull = <T>(v: T | "" | undefined): T | null => (v === "" || v === undefined ? null : v);

/** One field's text as a form or a row gives it: trimmed, within its limit, empty meaning none. */
function textSchema(field: TextField) {
  return z
    .string({ error: message("validation.text") })
    .max(field.max * 4, tooLong(field.max))
    .transform((v) => (field.lines === "one" ? oneLine(v) : v).trim())
    .pipe(z.string().max(field.max, tooLong(field.max)))
    .transform((v) => (v === "" ? null : v));
}

/** One field as the workspace form sends it (strings): empty, or a field not sent at all, is none. */
export function fieldFormSchema(field: ListingField): z.ZodType<string | number | boolean | null> {
  const text = z.string({ error: message("validation.text") });
  /** Trimmed text within `max` that is empty or follows `rule` (field-rules.ts). */
  const ruled = (max: number, rule: (v: string) => boolean, error: string) =>
    text
      .trim()
      .max(max, tooLong(max))
      .refine((v) => v === "" || rule(v), error);
  switch (field.type) {
    case "text":
      return textSchema(field)
        .optional()
        .transform((v) => v ?? null);
    case "email":
      return ruled(field.max, isEmail, message("validation.email"))
        .optional()
        .transform((v) => (v ? v.toLowerCase() : null));
    case "url":
      return ruled(field.max, isHttpUrl, message("validation.url")).optional().transform(emptyIsNull);
    case "boolean":
      return z
        .enum(["", "yes", "no"], { error: message(field.invalid ?? "validation.yesNo") })
        .optional()
        .transform((v) => (v === "" || v === undefined ? null : v === "yes"));
    case "integer":
      return text
        .trim()
        .regex(/^(-?\d{1,12})?$/, message("validation.notWholeNumber"))
        .transform((v) => (v === "" ? null : Number(v)))
        .refine((v) => v === null || v >= field.min, message("validation.tooSmall", { minimum: field.min }))
        .refine((v) => v === null || v <= field.max, message("validation.tooBig", { maximum: field.max }))
        .optional()
        .transform((v) => v ?? null);
    case "date":
      return text
        .trim()
        .refine((v) => v === "" || isCalendarDay(v), message("validation.date"))
        .optional()
        .transform(emptyIsNull);
    case "oneOf":
      return z
        .enum(["", ...field.choices], { error: message(field.invalid ?? "validation.choice") })
        .optional()
        .transform(emptyIsNull);
    case "languageTag":
      return text
        .trim()
        .max(16)
        .refine((v) => v === "" || isLanguageTag(v), message("validation.languageTag"))
        .optional()
        .transform(emptyIsNull);
  }
}

/** The fields of the workspace form. */
export const formShape = Object.fromEntries(LISTING_FIELDS.map((f) => [f.name, fieldFormSchema(f)])) as { [F in Declared as F["name"]]: z.ZodType<ValueOf<F> | null> };

/** A field's value as the form shows it again: yes/no for booleans, digits for numbers, "" for none. */
export function formValueOf(field: ListingField, value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (field.type === "boolean") return value ? "yes" : "no";
  return String(value);
}

/** The form's values of a saved listing. */
export function formValuesOf(scalars: ListingScalars): Record<ListingFieldName, string> {
  return Object.fromEntries(LISTING_FIELDS.map((f) => [f.name, formValueOf(f, scalars[f.name])])) as Record<ListingFieldName, string>;
}

// ---------------------------------------------------------------------------------------------
// The import row (JSON Lines; CSV cells are turned into the same JSON first, see listing-row.ts).
// Messages of the non-text fields are in the file format's English, as the row's other fields are.

/** The choices of a oneOf field by code and by English name, whatever the case or spacing. */
function choiceIndex(field: OneOfField): Map<string, string> {
  const index = new Map<string, string>();
  for (const choice of field.choices) for (const name of [choice, field.nameOf(choice)]) if (!index.has(nameKey(name))) index.set(nameKey(name), choice);
  return index;
}

/** One field in an import row, which may leave it out or give null. */
export function fieldRowSchema(field: ListingField): z.ZodType<string | number | boolean | null> {
  const text = z.string({ error: "must be text" });
  const ruled = (max: number, rule: (v: string) => boolean, error: string) =>
    text
      .trim()
      .max(max, `must be at most ${max} characters`)
      .refine((v) => v === "" || rule(v), error);
  const nullish = <T>(schema: z.ZodType<T | null>) => schema.nullish().transform((v) => v ?? null);
  switch (field.type) {
    case "text":
      return nullish(textSchema(field));
    case "email":
      return nullish(ruled(field.max, isEmail, "must be an email address").transform((v) => (v === "" ? null : v.toLowerCase())));
    case "url":
      return nullish(ruled(field.max, isHttpUrl, "must be an address starting with http:// or https://").transform((v) => (v === "" ? null : v)));
    case "boolean":
      return nullish(z.boolean({ error: "must be true or false" }));
    case "integer":
      return nullish(z.number({ error: "must be a whole number" }).int("must be a whole number").min(field.min, `must be at least ${field.min}`).max(field.max, `must be at most ${field.max}`));
    case "date":
      return nullish(text.trim().refine(isCalendarDay, "must be a date (YYYY-MM-DD)"));
    case "languageTag":
      // A tag or a language's name; the importer resolves it against the reference data.
      return nullish(
        text
          .trim()
          .max(80, "must be at most 80 characters")
          .transform((v) => (v === "" ? null : v)),
      );
    case "oneOf": {
      const index = choiceIndex(field);
      const unknown = (v: string) => `"${v}" is not a known ${field.noun}; accepted: ${field.choices.join(", ")} (or their names)`;
      return nullish(
        text
          .trim()
          .max(200, "must be at most 200 characters")
          .transform((v, ctx) => {
            if (v === "") return null;
            const choice = index.get(nameKey(v));
            if (choice === undefined) ctx.addIssue({ code: "custom", message: unknown(v) });
            return choice ?? null;
          }),
      );
    }
  }
}

type RowShape<F extends Declared> = { [G in F as G["name"]]: z.ZodType<ValueOf<G> | null> };

/** The fields a row gives at its top level. */
export const rowShape = Object.fromEntries(LISTING_FIELDS.filter((f) => !("nested" in f)).map((f) => [f.name, fieldRowSchema(f)])) as RowShape<TopLevel>;

/** The fields a row gives in its `contact` object ({"name","email"}), by their key there. */
const contactRowShape = Object.fromEntries(LISTING_FIELDS.flatMap((f) => ("nested" in f ? [[f.nested.key, fieldRowSchema(f)]] : []))) as {
  [F in Nested as F["nested"]["key"]]: z.ZodType<ValueOf<F> | null>;
};

/** The row's `contact` object, which may be left out. */
export const nestedRowShape = {
  contact: z
    .object(contactRowShape)
    .strict()
    .optional()
    .transform((v) => v ?? (Object.fromEntries(Object.keys(contactRowShape).map((k) => [k, null])) as { [K in keyof typeof contactRowShape]: null })),
};

/** The fields' values of a parsed import row. */
export function scalarsOfRow(row: object): ListingScalars {
  const values = row as Record<string, unknown> & { contact?: Record<string, unknown> };
  return Object.fromEntries(LISTING_FIELDS.map((f) => [f.name, ("nested" in f ? values.contact?.[f.nested.key] : values[f.name]) ?? null])) as ListingScalars;
}

/** A listing's fields as a JSON row gives them: empty ones left out, nested ones in their object. */
export function rowJsonOf(resource: Pick<Resource, ListingFieldName>): ScalarRowJson {
  const row: Record<string, unknown> = {};
  for (const f of LISTING_FIELDS) {
    const value = resource[f.name];
    if (value === null || value === undefined || value === "") continue;
    if ("nested" in f) row[f.nested.in] = { ...(row[f.nested.in] as object | undefined), [f.nested.key]: value };
    else row[f.name] = value;
  }
  return row as ScalarRowJson;
}

/** A field's value in a JSON row. */
export function rowValueOf(row: ScalarRowJson, field: ListingField): string | number | boolean | undefined {
  const values = row as Record<string, unknown>;
  const value = "nested" in field && field.nested ? (values[field.nested.in] as Record<string, unknown> | undefined)?.[field.nested.key] : values[field.name];
  return value as string | number | boolean | undefined;
}

// ---------------------------------------------------------------------------------------------
// Values for every other place.

/** The fields of a saved listing. */
export function scalarsOf(resource: Pick<Resource, ListingFieldName>): ListingScalars {
  return Object.fromEntries(LISTING_FIELDS.map((f) => [f.name, resource[f.name] ?? null])) as ListingScalars;
}

/** The fields of any value that has them (a form's output, a service's input), and no other key. */
export function pickScalars(value: Partial<Record<ListingFieldName, string | number | boolean | null | undefined>>): ListingScalars {
  return Object.fromEntries(LISTING_FIELDS.map((f) => [f.name, value[f.name] ?? null])) as ListingScalars;
}

/** The text fields of a saved listing. */
export function textsOf(resource: Pick<Resource, ListingTextFieldName>): ListingTexts {
  return Object.fromEntries(LISTING_TEXT_FIELDS.map((f) => [f.name, resource[f.name] ?? null])) as ListingTexts;
}

/** The fields the read API gives at its top level (nested ones are in their object), by name. */
export function apiScalarsOf(resource: Pick<Resource, ListingFieldName>): { [F in TopLevel as F["name"]]: ValueOf<F> | null } {
  return Object.fromEntries(LISTING_FIELDS.filter((f) => !("nested" in f)).map((f) => [f.name, resource[f.name] ?? null])) as { [F in TopLevel as F["name"]]: ValueOf<F> | null };
}

/** The listing's details that search finds among its details (learning outcomes, who may take part, ...), in order. */
export function searchableDetails(resource: Partial<Record<ListingTextFieldName, string | null | undefined>>): string[] {
  return LISTING_TEXT_FIELDS.filter((f) => f.search === "details")
    .map((f) => resource[f.name])
    .filter((v): v is string => typeof v === "string" && v !== "");
}

/** Names of the fields searched among the details: part of the search document's shape. */
export const SEARCHED_DETAILS: readonly string[] = LISTING_TEXT_FIELDS.filter((f) => f.search === "details").map((f) => f.name);

/** Names of the fields search filters on, as the document's attributes: part of the document's shape. */
export const FILTERED_FIELDS: readonly ListingFieldName[] = LISTING_FIELDS.filter((f) => "filter" in f && f.filter).map((f) => f.name);

/** The values search filters on, by field name. */
export function filteredScalarsOf(resource: Pick<Resource, ListingFieldName>): Partial<ListingScalars> {
  return Object.fromEntries(FILTERED_FIELDS.map((name) => [name, resource[name] ?? null])) as Partial<ListingScalars>;
}

/** Labels of the fields in English, for the audit trail and messages that are not translated. */
export const FIELD_LABELS_EN: Record<ListingFieldName, string> = Object.fromEntries(LISTING_FIELDS.map((f) => [f.name, translator("en").t(`listing.fields.${f.name}`)])) as Record<
  ListingFieldName,
  string
>;

/** Labels of the text fields in English. */
export const TEXT_FIELD_LABELS: Record<ListingTextFieldName, string> = FIELD_LABELS_EN;

/** The fields a group of the form holds, in order. */
export function fieldsIn(group: ListingField["group"]): readonly ListingField[] {
  return LISTING_FIELDS.filter((f) => f.group === group);
}

/** The text fields a group of the form holds, in order. */
export function textFieldsIn(group: ListingField["group"]): readonly ListingField[] {
  return LISTING_TEXT_FIELDS.filter((f) => f.group === group);
}

/** The fields that name a language of the reference data (their columns have a foreign key to it). */
export const LANGUAGE_FIELDS: ReadonlyArray<ListingField & { name: ListingFieldName }> = (LISTING_FIELDS as ReadonlyArray<ListingField & { name: ListingFieldName }>).filter(
  (f) => f.type === "languageTag",
);

/** A field by its name. */
export function fieldNamed(name: string): ListingField | undefined {
  return LISTING_FIELDS.find((f) => f.name === name);
}
