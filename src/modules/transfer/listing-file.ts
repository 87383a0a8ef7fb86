import { cleanDeep, cleanText } from "../../http/input";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { AppError } from "../../http/errors";
import { CSV_COLUMNS, ListingRowJson, rowFromCsv, rowToCsv } from "./listing-row";

/** The largest file an import reads (a browser upload or a file on the command line). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export const TRANSFER_FORMATS = ["csv", "jsonl"] as const;
export type TransferFormat = (typeof TRANSFER_FORMATS)[number];

/** One row of a file as read: its line in the file, its value, and what was wrong with its cells. */
export interface FileRow {
  line: number;
  value: Record<string, unknown> | null;
  problems: Record<string, string>;
}

/** A file that cannot be read at all (no header, broken quoting): nothing of it is imported. */
export class ListingFileError extends AppError {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(400, "unreadable_file", `Line ${line}: ${detail}`, { file: `line ${line}: ${detail}` });
  }
}

/** The format a file is in, from its name or else from its first character. */
export function detectFormat(content: string, fileName?: string | null): TransferFormat {
  const name = (fileName ?? "").toLowerCase();
  if (name.endsWith(".csv")) return "csv";
  if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) return "jsonl";
  return content
    .replace(/^\uFEFF/, "")
    .trimStart()
    .startsWith("{")
    ? "jsonl"
    : "csv";
}

/** Deepest nesting a row may have: the format itself goes three levels deep. */
const MAX_DEPTH = 8;

/**
 * What is wrong with the shape of a parsed row, if anything: a `__proto__`, `constructor` or
 * `prototype` key anywhere, or nesting deeper than any row needs. Walks without recursion.
 */
function shapeProblem(value: unknown): string | null {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth > MAX_DEPTH) return `is nested more than ${MAX_DEPTH} levels deep`;
    const children = Array.isArray(node)
      ? node
      : Object.keys(node).map((key) => {
          if (key === "__proto__" || key === "constructor" || key === "prototype") throw new PrototypeKey();
          return (node as Record<string, unknown>)[key];
        });
    for (const child of children) stack.push({ node: child, depth: depth + 1 });
  }
  return null;
}

class PrototypeKey extends Error {}

function readJsonLines(content: string): FileRow[] {
  const rows: FileRow[] = [];
  const lines = content.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      rows.push({ line, value: null, problems: { row: `is not valid JSON (${(error as Error).message})` } });
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      rows.push({ line, value: null, problems: { row: "must be a JSON object, one listing per line" } });
      return;
    }
    let problem: string | null;
    try {
      problem = shapeProblem(value);
    } catch (error) {
      if (!(error instanceof PrototypeKey)) throw error;
      problem = "must not use the keys __proto__, constructor or prototype";
    }
    if (problem) {
      rows.push({ line, value: null, problems: { row: problem } });
      return;
    }
    rows.push({ line, value: cleanDeep(value as Record<string, unknown>), problems: {} });
  });
  return rows;
}

const REQUIRED_COLUMNS = ["externalId", "kind", "title", "topics"];

function readCsv(content: string): FileRow[] {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(content, { bom: true, info: true, skip_empty_lines: true, relax_column_count: false }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw new ListingFileError(line, `the CSV cannot be read: ${(error as Error).message.replace(/^Invalid Record Length: /, "")}`);
  }
  if (records.length === 0) throw new ListingFileError(1, "the file is empty; the first line must name the columns");
  const header = records[0].record.map((h) => h.trim());
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) throw new ListingFileError(1, `unknown column${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `"${u}"`).join(", ")}; the columns are ${CSV_COLUMNS.join(", ")}`);
  const repeated = header.filter((h, i) => header.indexOf(h) !== i);
  if (repeated.length) throw new ListingFileError(1, `column "${repeated[0]}" appears twice`);
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new ListingFileError(1, `the header must name the columns ${missing.join(", ")}`);
  return records.slice(1).map(({ record, info }) => {
    const cells: Record<string, string> = {};
    header.forEach((name, i) => (cells[name] = record[i] ?? ""));
    const { value, problems } = rowFromCsv(cells);
    return { line: info.lines, value, problems };
  });
}

/** Reads every row of a file; a file that cannot be read at all throws `ListingFileError`. */
export function readListingFile(content: string, format: TransferFormat): FileRow[] {
  if (content.includes("\u0000")) throw new ListingFileError(1, "the file is not text (it contains NUL bytes)");
  // Control and private-use characters are taken out here, as from any form (JSON Lines: once decoded).
  const rows = format === "csv" ? readCsv(cleanText(content)) : readJsonLines(content);
  if (rows.length === 0) throw new ListingFileError(1, "the file holds no listings");
  return rows;
}

/** Writes rows in a format; CSV starts with a byte-order mark, and cells that would start a formula are neutralised. */
export function writeListingFile(rows: ListingRowJson[], format: TransferFormat): string {
  if (format === "jsonl") return rows.map((row) => JSON.stringify(row)).join("\n") + (rows.length ? "\n" : "");
  // A byte-order mark first, so that spreadsheets read the names of the region's scripts as UTF-8.
  return stringify(rows.map(rowToCsv), { bom: true, header: true, columns: [...CSV_COLUMNS], quoted_match: /[\s,;"]/ });
}
