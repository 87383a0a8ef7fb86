import { z } from "zod";
import { SESSION_STATUSES } from "../catalogue/course-session.entity";
import { LISTING_FIELDS, type ListingField, nestedRowShape, rowShape, rowValueOf, type ScalarRowJson } from "../catalogue/listing-fields";
import { isCalendarDay, isHttpUrl, isTimeZone } from "../../http/field-rules";

/**
 * One listing of a bulk import or export, in the JSON Lines row format documented in the README:
 * `{"externalId","kind","title","acronym?","summary?","description?","url?","topics":[...],
 * "audiences?":[...],"deliveryMode?","languages?":[...],"editions?":[...],"sessions?":[...],
 * "visibility?","status?","contact?":{...}}`, plus `organisation` for a curator's import of several
 * organisations, and every scalar field of the listing (`LISTING_FIELDS`: `duration`, `isFree`,
 * `learningOutcomes`, ...; the contact's in `contact`) so that an export carries everything a
 * listing holds. Names are resolved against the reference data afterwards; this schema
 * only checks shapes and lengths.
 */

const optionalText = (max: number) =>
  z
    .string({ error: "must be text" })
    .max(max * 4, `must be at most ${max} characters`)
    .transform((v) => v.trim())
    .pipe(z.string().max(max, `must be at most ${max} characters`))
    .transform((v) => (v === "" ? null : v))
    .nullish()
    .transform((v) => v ?? null);

const requiredText = (min: number, max: number) =>
  z
    .string({ error: "is required" })
    .max(max * 4, `must be at most ${max} characters`)
    .transform((v) => v.trim())
    .pipe(
      z
        .string()
        .min(min, min === 1 ? "is required" : `must be at least ${min} characters`)
        .max(max, `must be at most ${max} characters`),
    );

const httpUrl = z
  .string({ error: "must be text" })
  .trim()
  .max(500, "must be at most 500 characters")
  .refine((v) => v === "" || isHttpUrl(v), "must be an address starting with http:// or https://")
  .transform((v) => (v === "" ? null : v))
  .nullish()
  .transform((v) => v ?? null);

const names = (max: number) =>
  z
    .array(z.string({ error: "must be a list of text values" }).trim().min(1, "has an empty value").max(200, "has a value longer than 200 characters"), { error: "must be a list" })
    .max(max, `may name at most ${max}`);

const day = z
  .string({ error: "must be a date (YYYY-MM-DD)" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date (YYYY-MM-DD)")
  .refine(isCalendarDay, "is not a real date");

const seats = z
  .number({ error: "must be a whole number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(100_000, "must be at most 100000")
  .nullish()
  .transform((v) => v ?? null);

export const editionRowSchema = z
  .object({
    language: requiredText(1, 80),
    title: optionalText(300),
    url: httpUrl,
    format: optionalText(40),
  })
  .strict();

export const sessionRowSchema = z
  .object({
    start: day,
    end: day.nullish().transform((v) => v ?? null),
    city: optionalText(120),
    country: optionalText(120),
    online: z.boolean({ error: "must be true or false" }).optional().default(false),
    language: optionalText(80),
    status: z
      .enum(SESSION_STATUSES, { error: `must be one of ${SESSION_STATUSES.join(", ")}` })
      .optional()
      .default("planned"),
    venue: optionalText(200),
    timeZone: optionalText(64).refine((v) => v === null || isTimeZone(v), "must be a time zone such as Asia/Bangkok"),
    capacity: seats,
    seatsPerCountry: seats,
    applicationOpens: day.nullish().transform((v) => v ?? null),
    applicationDeadline: day.nullish().transform((v) => v ?? null),
    interpretation: names(10).optional().default([]),
  })
  .strict()
  .refine((s) => s.end === null || s.end >= s.start, { path: ["end"], message: "must not be before the start date" })
  .refine((s) => s.applicationOpens === null || s.applicationDeadline === null || s.applicationDeadline >= s.applicationOpens, {
    path: ["applicationDeadline"],
    message: "must not be before applications open",
  });

export const listingRowSchema = z
  .object({
    externalId: requiredText(1, 120).pipe(z.string().regex(/^[^\s\u0000-\u001f]+$/, "must be one word without spaces or control characters")),
    organisation: optionalText(200),
    kind: requiredText(1, 80),
    title: requiredText(3, 300),
    language: optionalText(80),
    ...rowShape,
    url: httpUrl,
    topics: names(20),
    audiences: names(20).optional().default([]),
    languages: names(30).optional().default([]),
    editions: z.array(editionRowSchema, { error: "must be a list" }).max(30, "may hold at most 30").optional().default([]),
    sessions: z.array(sessionRowSchema, { error: "must be a list" }).max(100, "may hold at most 100").optional().default([]),
    visibility: z.enum(["public", "members"], { error: "must be public or members" }).optional().default("public"),
    status: z.enum(["draft", "published", "archived"], { error: "must be draft, published or archived" }).optional().default("draft"),
    ...nestedRowShape,
  })
  .strict();

export type ListingRow = z.output<typeof listingRowSchema>;

/** The JSON form of a row, as it is written to JSON Lines (empty values left out). */
export type ListingRowJson = ScalarRowJson & ListingRowParts;

/** The parts of a JSON row besides the listing's scalar fields. */
interface ListingRowParts {
  externalId: string;
  organisation?: string;
  kind: string;
  title: string;
  language?: string;
  url?: string;
  topics: string[];
  audiences?: string[];
  languages?: string[];
  editions?: Array<{ language: string; title?: string; url?: string; format?: string }>;
  sessions?: Array<{
    start: string;
    end?: string;
    city?: string;
    country?: string;
    online?: boolean;
    language?: string;
    status?: string;
    venue?: string;
    timeZone?: string;
    capacity?: number;
    seatsPerCountry?: number;
    applicationOpens?: string;
    applicationDeadline?: string;
    interpretation?: string[];
  }>;
  visibility?: string;
  status?: string;
}

/**
 * The CSV columns, in order. Lists (`topics`, `audiences`, `languages`) are separated by `;`.
 * `editions` and `sessions` hold the same JSON arrays as JSON Lines; for a quick spreadsheet,
 * `editions` may also be a `;`-separated list of languages and `sessions` a `;`-separated list of
 * dates or `start/end` ranges.
 */
export const CSV_COLUMNS: readonly string[] = [
  "externalId",
  "organisation",
  "kind",
  "title",
  "language",
  ...LISTING_FIELDS.filter((f) => f.type === "text" && !("nested" in f)).map((f) => f.name),
  "url",
  "topics",
  "audiences",
  "languages",
  "editions",
  "sessions",
  "visibility",
  "status",
  ...LISTING_FIELDS.filter((f) => f.type !== "text" || "nested" in f).map((f) => f.name),
];

/** A field's cell as JSON: yes/no (or true/false) for booleans, digits for numbers, the text for the rest. */
export function fieldFromCell(field: ListingField, cell: string): { value?: unknown; problem?: string } {
  if (cell === "") return {};
  if (field.type === "boolean") {
    const word = cell.toLowerCase();
    if (["yes", "true", ...(field.csvWords?.yes ?? [])].includes(word)) return { value: true };
    if (["no", "false", ...(field.csvWords?.no ?? [])].includes(word)) return { value: false };
    return { problem: "must be yes or no" };
  }
  if (field.type === "integer") return /^-?\d{1,15}$/.test(cell) ? { value: Number(cell) } : { problem: "must be a whole number" };
  return { value: cell };
}

/** A field's value as a CSV cell. */
export function fieldToCell(field: ListingField, value: string | number | boolean | undefined): string {
  if (value === undefined) return "";
  if (field.type === "boolean") return value ? "yes" : "no";
  return String(value);
}

export type CsvRecord = Partial<Record<string, string>>;

/**
 * A cell a spreadsheet would read as a formula (`= + - @`, tab, carriage return first), or one
 * that only apostrophes keep from being one: both get a leading apostrophe on export.
 */
const NEEDS_APOSTROPHE = /^'*[=+\-@\t\r]/;

/** Neutralises a cell for spreadsheets: one that would start a formula gets a leading apostrophe. */
export function neutraliseCell(value: string): string {
  return NEEDS_APOSTROPHE.test(value) ? `'${value}` : value;
}

/** Undoes `neutraliseCell` (exactly one apostrophe), so that an exported file imports to the same values. */
export function restoreCell(value: string): string {
  return value.startsWith("'") && NEEDS_APOSTROPHE.test(value.slice(1)) ? value.slice(1) : value;
}

const splitList = (value: string) =>
  value
    .split(";")
    .map((v) => v.trim())
    .filter((v) => v !== "");

const SESSION_RANGE = /^(\d{4}-\d{2}-\d{2})(?:\s*\/\s*(\d{4}-\d{2}-\d{2}))?$/;

/**
 * Turns one CSV record into the JSON shape of a row. Problems of the cell format (a JSON cell that
 * does not parse) are returned by field; the schema checks the rest.
 */
export function rowFromCsv(record: Record<string, string>): { value: Record<string, unknown>; problems: Record<string, string> } {
  const value: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  const cell = (key: string) => restoreCell(record[key] ?? "").trim();
  for (const key of Object.keys(record)) {
    if (!(CSV_COLUMNS as readonly string[]).includes(key)) problems[key] = "is not a known column";
  }
  for (const key of ["externalId", "organisation", "kind", "title", "language", "url", "visibility", "status"]) {
    const v = cell(key);
    if (v !== "") value[key] = v;
  }
  value.topics = splitList(cell("topics"));
  for (const key of ["audiences", "languages"]) if (cell(key) !== "") value[key] = splitList(cell(key));
  for (const field of LISTING_FIELDS) {
    const { value: v, problem } = fieldFromCell(field, cell(field.name));
    if (problem) problems[field.name] = problem;
    if (v === undefined) continue;
    if ("nested" in field) value[field.nested.in] = { ...(value[field.nested.in] as object | undefined), [field.nested.key]: v };
    else value[field.name] = v;
  }
  const json = (key: "editions" | "sessions", text: string) => {
    try {
      value[key] = JSON.parse(text);
    } catch {
      problems[key] = "is not a valid JSON list";
    }
  };
  const editions = cell("editions");
  if (editions.startsWith("[")) {
    json("editions", editions);
  } else if (editions !== "") {
    value.editions = splitList(editions).map((language) => ({ language }));
  }

  const sessions = cell("sessions");
  if (sessions.startsWith("[")) {
    json("sessions", sessions);
  } else if (sessions !== "") {
    const ranges = splitList(sessions).map((s) => SESSION_RANGE.exec(s));
    if (ranges.some((r) => r === null)) problems.sessions = "must be a JSON list, or dates (YYYY-MM-DD or YYYY-MM-DD/YYYY-MM-DD) separated by ;";
    else value.sessions = ranges.map((r) => ({ start: r![1], ...(r![2] ? { end: r![2] } : {}) }));
  }
  return { value, problems };
}

/** One row as a CSV record, with every cell neutralised for spreadsheets. */
export function rowToCsv(row: ListingRowJson): Record<string, string> {
  const cells: Record<string, string> = {
    externalId: row.externalId,
    organisation: row.organisation ?? "",
    kind: row.kind,
    title: row.title,
    language: row.language ?? "",
    url: row.url ?? "",
    topics: row.topics.join("; "),
    audiences: (row.audiences ?? []).join("; "),
    languages: (row.languages ?? []).join("; "),
    editions: row.editions?.length ? JSON.stringify(row.editions) : "",
    sessions: row.sessions?.length ? JSON.stringify(row.sessions) : "",
    visibility: row.visibility ?? "",
    status: row.status ?? "",
    ...Object.fromEntries(LISTING_FIELDS.map((f) => [f.name, fieldToCell(f, rowValueOf(row, f))])),
  };
  for (const key of Object.keys(cells)) cells[key] = neutraliseCell(cells[key]);
  return cells;
}
