import { parse as parseQueryString } from "node:querystring";
import type { RequestHandler } from "express";
import { BadRequestError } from "./errors";

/**
 * Characters no text of the catalogue holds: C0 controls but tab and line feed, DEL, C1 controls,
 * the private use area (the search marks its highlights with two of its characters), lone
 * surrogates and the noncharacters U+FFFE and U+FFFF. A carriage return is read as a line break.
 */
const UNWANTED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ue000-\uf8ff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** The same, and tab and line breaks too: for values that are one line (a query, an address). */
const UNWANTED_IN_LINE = /[\u0000-\u001f\u007f-\u009f\ue000-\uf8ff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A text as the catalogue keeps it: line breaks as `\n`, without the characters above. */
export function cleanText(value: string): string {
  return value.replace(/\r\n?/g, "\n").replace(UNWANTED, "");
}

/** A one-line value: the characters above removed, and any run of tabs and line breaks made one space. */
export function cleanLine(value: string): string {
  return value.replace(/[\t\r\n]+/g, " ").replace(UNWANTED_IN_LINE, "");
}

/** Whether a value holds any character that `cleanLine` would take away. */
export function hasUnwanted(value: string): boolean {
  UNWANTED_IN_LINE.lastIndex = 0;
  const found = UNWANTED_IN_LINE.test(value);
  UNWANTED_IN_LINE.lastIndex = 0;
  return found;
}

/** Every string inside a parsed value (a form body, an imported row) cleaned with `clean`. */
export function cleanDeep<T>(value: T, clean: (text: string) => string = cleanText): T {
  if (typeof value === "string") return clean(value) as T;
  if (Array.isArray(value)) return value.map((v) => cleanDeep(v, clean)) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    // Defined, not assigned: a key "__proto__" stays a plain key.
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, clean(k), { value: cleanDeep(v, clean), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return value;
}

/** Express's "simple" query parser, with every name and value cleaned as one line. */
export function parseCleanQuery(query: string): Record<string, unknown> {
  return cleanDeep({ ...parseQueryString(query) }, cleanLine);
}

/**
 * The one normalisation at the edge: an address whose path holds a control, private-use or
 * malformed character is refused (400) before any route reads it; form fields are cleaned with
 * `cleanText`. (Queries are cleaned by `parseCleanQuery`, uploads by their readers.)
 */
export const normaliseInput: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    return next(new BadRequestError("errors.badAddress.malformed"));
  }
  if (hasUnwanted(path)) return next(new BadRequestError("errors.badAddress.characters"));
  if (req.body && typeof req.body === "object" && !Buffer.isBuffer(req.body)) req.body = cleanDeep(req.body);
  next();
};

/** The largest id the database keeps (a 32-bit signed integer). */
const MAX_ID = 2_147_483_647;

/** An id from an address: a whole number from 1 to 2^31 − 1 written plainly, or null (no such thing). */
export function idParam(value: unknown): number | null {
  if (typeof value !== "string" || !/^[1-9]\d{0,9}$/.test(value)) return null;
  const id = Number(value);
  return id <= MAX_ID ? id : null;
}
