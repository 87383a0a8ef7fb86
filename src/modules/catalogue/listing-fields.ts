import { z } from "zod";
import { translator } from "../../i18n/i18n";
import { message } from "../../i18n/message";
import type { Resource } from "./resource.entity";

/**
 * The listing's own text fields, declared once. The workspace form (its schema, its inputs and
 * labels), the import row (JSON Lines and CSV, both ways), the export, the read API, the listing
 * page and both search texts (the engine's document and the database's) are derived from this list:
 * a field added here reaches all of them, and the compiler points at the entity if its column is
 * missing. Its column and migration are the only other places a new text field needs.
 *
 * Its label and hint are the messages `listing.fields.<name>` and `listing.hints.<name>` of the
 * message catalogues (src/i18n/locales/), in the reader's language.
 * - `lines`: "one" (an input; line breaks become spaces), "many" (a text area, kept as written),
 *   "markdown" (a text area, rendered sanitised).
 * - `group`: where it sits in the form and on the page: "about" the listing, "taking part" in it
 *   (what an official weighs before applying or nominating), or "practical" details.
 * - `search`: how search finds its words (the engine and the database fallback alike): "own" with
 *   an attribute of its own that the search module weighs (acronym, summary, description),
 *   "details" among the listing's details, or "none".
 * - `onPage`: shown on the listing page under its label (fields with a place of their own there,
 *   such as the summary, say false).
 */
export interface ListingTextField {
  name: TextColumn;
  max: number;
  lines: "one" | "many" | "markdown";
  group: "about" | "taking-part" | "practical";
  search: "own" | "details" | "none";
  onPage: boolean;
}

/** Columns of a listing that hold optional text. */
type TextColumn = { [K in keyof Resource]-?: Resource[K] extends string | null ? (null extends Resource[K] ? K : never) : never }[keyof Resource];

export const LISTING_TEXT_FIELDS = [
  { name: "acronym", max: 40, lines: "one", group: "about", search: "own", onPage: false },
  { name: "summary", max: 600, lines: "many", group: "about", search: "own", onPage: false },
  { name: "description", max: 20_000, lines: "markdown", group: "about", search: "own", onPage: false },
  { name: "learningOutcomes", max: 2000, lines: "many", group: "taking-part", search: "details", onPage: true },
  { name: "prerequisites", max: 1000, lines: "many", group: "taking-part", search: "details", onPage: true },
  { name: "eligibility", max: 1000, lines: "many", group: "taking-part", search: "details", onPage: true },
  { name: "howToApply", max: 1000, lines: "many", group: "taking-part", search: "none", onPage: true },
  { name: "certificate", max: 300, lines: "one", group: "taking-part", search: "details", onPage: true },
  { name: "duration", max: 100, lines: "one", group: "practical", search: "none", onPage: false },
  { name: "access", max: 500, lines: "one", group: "practical", search: "none", onPage: false },
  { name: "ownershipStatement", max: 500, lines: "one", group: "practical", search: "none", onPage: false },
] as const satisfies readonly ListingTextField[];

export type ListingTextFieldName = (typeof LISTING_TEXT_FIELDS)[number]["name"];

/** The text fields' values, by name. */
export type ListingTexts = Record<ListingTextFieldName, string | null>;

/** Line breaks of a one-line field become one space. */
const oneLine = (v: string) => v.replace(/\s*[\r\n]+\s*/g, " ");

/** One field's text as a form or a row gives it: trimmed, within its limit, empty meaning none. */
function textSchema(field: ListingTextField) {
  const tooLong = message("validation.tooLong", { maximum: field.max });
  return z
    .string({ error: message("validation.text") })
    .max(field.max * 4, tooLong)
    .transform((v) => (field.lines === "one" ? oneLine(v) : v).trim())
    .pipe(z.string().max(field.max, tooLong))
    .transform((v) => (v === "" ? null : v));
}

/** One field's text in the workspace form: sent empty when left blank; a field not sent at all is empty too. */
const formTextSchema = (field: ListingTextField) =>
  textSchema(field)
    .optional()
    .transform((v) => v ?? null);

/** The text fields of the workspace form. */
export const textFormShape = Object.fromEntries(LISTING_TEXT_FIELDS.map((f) => [f.name, formTextSchema(f)])) as { [K in ListingTextFieldName]: ReturnType<typeof formTextSchema> };

/** One field's text in an import row, which may leave it out or give null. */
const rowTextSchema = (field: ListingTextField) =>
  textSchema(field)
    .nullish()
    .transform((v) => v ?? null);

/** The text fields of an import row. */
export const textRowShape = Object.fromEntries(LISTING_TEXT_FIELDS.map((f) => [f.name, rowTextSchema(f)])) as { [K in ListingTextFieldName]: ReturnType<typeof rowTextSchema> };

/** The text fields of a saved listing. */
export function textsOf(resource: Pick<Resource, ListingTextFieldName>): ListingTexts {
  return Object.fromEntries(LISTING_TEXT_FIELDS.map((f) => [f.name, resource[f.name] ?? null])) as ListingTexts;
}

/** The text fields of any value that has them (a form's output, an import row), and no other key. */
export function pickTexts(value: Partial<Record<ListingTextFieldName, string | null | undefined>>): ListingTexts {
  return Object.fromEntries(LISTING_TEXT_FIELDS.map((f) => [f.name, value[f.name] ?? null])) as ListingTexts;
}

/** The listing's details that search finds among its details (learning outcomes, who may take part, ...), in order. */
export function searchableDetails(resource: Partial<Record<ListingTextFieldName, string | null | undefined>>): string[] {
  return LISTING_TEXT_FIELDS.filter((f) => f.search === "details")
    .map((f) => resource[f.name])
    .filter((v): v is string => typeof v === "string" && v !== "");
}

/** Names of the fields searched among the details: part of the search document's shape. */
export const SEARCHED_DETAILS: readonly string[] = LISTING_TEXT_FIELDS.filter((f) => f.search === "details").map((f) => f.name);

/** Labels of the text fields in English, for the audit trail and messages that are not translated. */
export const TEXT_FIELD_LABELS: Record<ListingTextFieldName, string> = Object.fromEntries(LISTING_TEXT_FIELDS.map((f) => [f.name, translator("en").t(`listing.fields.${f.name}`)])) as Record<
  ListingTextFieldName,
  string
>;

/** The text fields a group of the form holds, in order. */
export function textFieldsIn(group: ListingTextField["group"]): readonly ListingTextField[] {
  return LISTING_TEXT_FIELDS.filter((f) => f.group === group);
}
