import { cleanLine, cleanText } from "../../http/input";
import { parse as parseCsvRecords } from "csv-parse/sync";
import { DomUtils, Parser, parseDocument } from "htmlparser2";
import sanitizeHtml from "sanitize-html";

/**
 * Parsers for the RSO's progress-report tables: numbered actions or recommendations, who carries
 * them out, and their status, grouped in themed sections. The same table is read from three
 * formats and comes out as the same `ParsedReport`.
 *
 * Text (the form the reports were first published in, e.g. `seeds/reports/ahg-progress-report-2017-10.txt`):
 * - a title line, then optional introduction paragraphs, then the header row
 *   `\tAction/Recommendation\tWho\tStatus/Details`; blank lines are ignored everywhere;
 * - an item row is `number\taction\twho\tstatus`, the number like `3.4`; cells hold HTML fragments;
 * - a section heading is a row whose first cell holds the title (optionally numbered, `4. Title`)
 *   and whose other cells are empty;
 * - a page break in the original document split some cells: the rest of the cell comes on a later
 *   line that starts with tabs, one per column skipped (`\t\t\ttext` continues the status column,
 *   `\ttext\t\t` the action column) and belongs to the item above;
 * - a footnote (`¹ <https://…>`) is a line of its own, printed where the page ended, so in the middle
 *   of the item that refers to it; it is attached to that item.
 * A continuation is joined to its cell with a space; where the page cut a sentence (no punctuation
 * before the break, a lowercase word or a digit after it) the paragraph break the page introduced
 * is dropped so the sentence reads whole.
 *
 * HTML: a `<table>` whose first row is the header (`<th>` cells with the same names); a section is
 * a row with a single cell (`<tr><th colspan="4">Border Management</th></tr>`), one whose first cell
 * is a `<th>` and the others are empty, or one with a single filled cell in any column that reads as
 * a heading (not an item number, no final full stop, not starting in lowercase); the title is the `<h1>` (or else `<title>`), the introduction
 * the `<p>`s before the table; footnotes are `<p>`s (or `<li>`s) after the table that start with
 * their marker (`¹`), each attached to the item whose text carries that marker, or single-cell rows
 * of the table, attached to the item above. Rows with an empty number cell continue the item above.
 *
 * CSV: a header row naming the columns number, action, who and status (in any order; the headings of
 * the printed table, "Action/Recommendation" and "Status/Details", are accepted too); a section is a
 * row with one filled cell that is not an item number, whichever column it is in (`,Border Management,,`
 * or, saved from the printed table, `Border Management,,,`), or a row whose number cell holds the
 * section's number beside the title in the action cell (`4.,Cooperation on returns and reintegration,,`);
 * a row whose one filled cell starts with a footnote marker is a footnote of the item above. A CSV
 * carries no title: it comes from `options.title`.
 *
 * Section numbers: a heading may carry its number (`4. Cooperation on returns…`, `number: "4"`);
 * one without (`Border Management`, `number: null`) is numbered by its position after the one
 * before, so its items must be numbered `3.x`.
 *
 * Footnotes are kept as plain text with their marker (`"¹ https://…"`) in the item's `footnotes`;
 * the marker stays where it was in the item's text.
 *
 * A table that breaks any rule throws `ReportParseError` with the line where it went wrong; nothing
 * is returned half-read.
 */

export interface ParsedReportItem {
  /** "3.4" */
  number: string;
  /** Plain text. */
  action: string;
  /** Plain text; null when the cell is empty. */
  who: string | null;
  /** Status and details: HTML sanitised by `sanitiseReportHtml`, lists and loose text put in valid blocks; null when the cell is empty. */
  details: string | null;
  /** Plain text, each with its marker ("¹ https://…"). */
  footnotes: string[];
  /** 1-based line where the item starts. */
  line: number;
}

export interface ParsedReportSection {
  /** The number written in the heading ("4"), null when the heading has none. */
  number: string | null;
  title: string;
  line: number;
  items: ParsedReportItem[];
}

export interface ParsedReport {
  title: string;
  /** Plain text; paragraphs separated by a blank line. */
  introduction: string | null;
  sections: ParsedReportSection[];
}

export type ReportFormat = "text" | "html" | "csv";

export interface ParseReportOptions {
  /** The report's title; needed for CSV, and preferred to the document's own title otherwise. */
  title?: string;
}

/** A report table that cannot be read; `line` is 1-based, `expected` says what should have been there. */
export class ReportParseError extends Error {
  constructor(
    readonly line: number,
    readonly expected: string,
    message?: string,
  ) {
    super(message ?? `line ${line}: expected ${expected}`);
    this.name = "ReportParseError";
  }
}

function fail(line: number, expected: string, found?: string): never {
  const tail = found === undefined ? "" : `, found ${quote(found)}`;
  throw new ReportParseError(line, expected, `line ${line}: expected ${expected}${tail}`);
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return "an empty cell";
  return `“${flat.length > 60 ? `${flat.slice(0, 57)}…` : flat}”`;
}

// ---------------------------------------------------------------------------------------------
// HTML in cells

const REPORT_HTML: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "ul", "ol", "li", "em", "i", "strong", "b", "u", "a"],
  allowedAttributes: { a: ["href", "rel"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: {},
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    a: (tagName, attribs): sanitizeHtml.Tag =>
      /^\s*(https?:|mailto:)/i.test(attribs.href ?? "") ? { tagName, attribs: { href: attribs.href.trim(), rel: "nofollow noopener" } } : { tagName, attribs: {} },
  },
  // A link to anything but http, https or mailto loses its tag and keeps its text.
  exclusiveFilter: (frame) => (frame.tag === "a" && !frame.attribs.href ? "excludeTag" : false),
};

/**
 * The HTML of a report cell, reduced to paragraphs, line breaks, lists, emphasis and http(s)/mailto
 * links (which get `rel="nofollow noopener"`); no other tag or attribute survives.
 */
export function sanitiseReportHtml(html: string): string {
  return sanitizeHtml(html, REPORT_HTML);
}

const BLOCK_TAGS = new Set(["p", "br", "div", "ul", "ol", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot"]);
const SKIPPED_TAGS = new Set(["script", "style", "template", "noscript"]);

/** The visible text of an HTML fragment, whitespace collapsed; blocks are separated by a space. */
function htmlToText(html: string): string {
  let text = "";
  let skipping = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIPPED_TAGS.has(name)) skipping++;
        if (BLOCK_TAGS.has(name)) text += " ";
      },
      onclosetag(name) {
        if (SKIPPED_TAGS.has(name)) skipping = Math.max(0, skipping - 1);
        if (BLOCK_TAGS.has(name)) text += " ";
      },
      ontext(data) {
        if (skipping === 0) text += data;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return collapse(text);
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * Mends the two ways the reports' converter wrote invalid block structure, on sanitised HTML (whose
 * tags are all well-formed): a list opened directly inside another list, not in an item (its bullet
 * lists came out as `<ul>` with no `<li>`, each left open), is a list of its own after the one
 * before; loose text beside paragraphs or lists is a paragraph of its own.
 */
export function tidyReportHtml(html: string): string {
  const out: string[] = [];
  const open: string[] = [];
  let loose: string[] = [];
  const flushLoose = (beforeBlock: boolean) => {
    const run = loose.join("");
    loose = [];
    const hasBlocks = beforeBlock || out.some((t) => /^<(p|ul|ol|li)\b/.test(t));
    if (run.trim() === "" || !hasBlocks) return out.push(run);
    out.push(`${/^\s*/.exec(run)?.[0] ?? ""}<p>${run.trim()}</p>${/\s*$/.exec(run)?.[0] ?? ""}`);
  };
  const isList = (name: string | undefined) => name === "ul" || name === "ol";
  // Text written straight into a list (`<ul> - one - two</ul>`) becomes its items.
  let inList: string[] = [];
  const flushInList = () => {
    const run = inList.join("");
    inList = [];
    if (htmlToText(run) === "") return out.push(run);
    for (const entry of listEntries(run)) out.push(`<li>${entry}</li>`);
  };
  for (const token of html.split(/(<[^>]+>)/)) {
    const tag = /^<(\/?)(\w+)/.exec(token);
    const name = tag?.[2].toLowerCase() ?? "";
    const closing = tag?.[1] === "/";
    const block = tag !== null && ["p", "ul", "ol", "li"].includes(name);
    if (!block && isList(open.at(-1))) {
      inList.push(token);
      continue;
    }
    if (inList.length) flushInList();
    if (open.length === 0) {
      if (!block) {
        loose.push(token);
        continue;
      }
      // An end tag with nothing open closed a list that was already closed here.
      if (closing) continue;
      flushLoose(true);
    }
    if (!block) {
      out.push(token);
    } else if (!closing) {
      if (isList(name) && isList(open.at(-1))) out.push(`</${open.pop()}>`);
      open.push(name);
      out.push(token);
    } else if (open.includes(name)) {
      while (open.at(-1) !== name) out.push(`</${open.pop()}>`);
      open.pop();
      out.push(token);
    }
  }
  if (inList.length) flushInList();
  if (loose.length) flushLoose(false);
  while (open.length) out.push(`</${open.pop()}>`);
  return out.join("");
}

const LIST_MARKER = /^\s*[-•*–]\s+/;

/**
 * The entries of text written straight into a list: one entry, or, when the text starts with a
 * bullet (`- Jordan … - UNHCR …`), one per bullet that starts a capitalised entry (a dash between
 * lowercase words, "Secondment - supporting", stays inside its entry).
 */
function listEntries(run: string): string[] {
  if (!LIST_MARKER.test(run)) return [run.trim()];
  return run
    .replace(LIST_MARKER, "")
    .split(/\s[-•*]\s+(?=[\p{Lu}\p{N}])/u)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

// ---------------------------------------------------------------------------------------------
// Joining a cell split by a page break

const TERMINAL = /[.!?:;)\]"”’]$/;
const MID_SENTENCE_START = /^[\p{Ll}\p{N}]/u;

/**
 * The start of a continuation: the text that runs on from the cell above (a leading `<p>…</p>` or
 * the loose text before the first block tag) and the rest.
 */
function splitLead(html: string): { lead: string; rest: string } {
  const paragraph = /^<p(\s[^>]*)?>([\s\S]*?)<\/p>/i.exec(html);
  if (paragraph) return { lead: paragraph[2].trim(), rest: html.slice(paragraph[0].length).trim() };
  if (/^<(ul|ol|div|p)\b/i.test(html)) return { lead: "", rest: html };
  const block = /<\/p>|<(p|ul|ol|div)\b/i.exec(html);
  if (!block) return { lead: html, rest: "" };
  const rest = block[0].toLowerCase() === "</p>" ? html.slice(block.index + 4) : html.slice(block.index);
  return { lead: html.slice(0, block.index).trim(), rest: rest.trim() };
}

/**
 * Appends the continuation of a cell. When the page broke mid-sentence (the text above ends without
 * punctuation and the continuation starts with a lowercase letter or a digit), the continuation's
 * first words go into the paragraph above, dropping the paragraph break the page added; otherwise
 * the continuation follows after a space (and `tidyReportHtml` makes loose text a paragraph).
 */
function joinContinuation(above: string, continuation: string): string {
  const before = above.trim();
  const after = continuation.trim();
  if (before === "") return after;
  if (after === "") return before;
  const midSentence = !TERMINAL.test(htmlToText(before)) && MID_SENTENCE_START.test(htmlToText(after));
  const { lead, rest } = splitLead(after);
  if (!midSentence || lead === "") return `${before} ${after}`;
  const tail = rest === "" ? "" : ` ${rest}`;
  return /<\/p>$/i.test(before) ? `${before.slice(0, -4)} ${lead}</p>${tail}` : `${before} ${lead}${tail}`;
}

// ---------------------------------------------------------------------------------------------
// Rows common to the three formats

const ITEM_NUMBER = /^\d+(\.\d+)+$/;
const FOOTNOTE = /^([\u00B9\u00B2\u00B3\u2070\u2074-\u2079]+)\s*\S/;
const HEADING_NUMBER = /^(\d{1,3})[.)]\s+(\S.*)$/;

type Field = "number" | "action" | "who" | "details";
const FIELDS: Field[] = ["number", "action", "who", "details"];

/** The names a column goes by in a header row, compared in lowercase with spaces around "/" removed. */
const COLUMN_NAMES: Record<Field, string[]> = {
  number: ["number", "no", "no.", "#", "item", "item number", "ref"],
  action: ["action", "actions", "recommendation", "recommendations", "action/recommendation", "actions/recommendations", "recommendation/action"],
  who: ["who", "responsible", "lead", "by whom"],
  details: ["status", "details", "status/details", "status/detail", "progress", "status/progress"],
};

type Cells = Record<Field, string>;

type Row =
  | { kind: "heading"; line: number; number: string | null; title: string }
  | { kind: "item"; line: number; cells: Cells }
  | { kind: "continuation"; line: number; cells: Cells }
  | { kind: "footnote"; line: number; text: string; attach: "above" | "by-marker" };

function normaliseColumnName(name: string): string {
  return collapse(name)
    .toLowerCase()
    .replace(/\s*\/\s*/g, "/");
}

const HEADER_EXPECTED = "a header row naming the columns number, action (Action/Recommendation), who and status (Status/Details)";

/**
 * The field of each column of a header row, or null when the row is not a header. The number column
 * may have an empty heading when it comes first, as in the printed table.
 */
function headerFields(names: string[]): Field[] | null {
  const fields: Field[] = [];
  for (const [index, raw] of names.entries()) {
    const name = normaliseColumnName(raw);
    const field = index === 0 && name === "" ? "number" : FIELDS.find((f) => COLUMN_NAMES[f].includes(name));
    if (!field || fields.includes(field)) return null;
    fields.push(field);
  }
  return FIELDS.every((f) => fields.includes(f)) ? fields : null;
}

/** A row's cells by field. An autolink (`<https://…>`) is not a tag: it becomes the bare address. */
function toCells(values: string[], fields: Field[]): Cells {
  const cells: Cells = { number: "", action: "", who: "", details: "" };
  fields.forEach((field, index) => (cells[field] = unwrapAutolinks(values[index] ?? "").trim()));
  return cells;
}

function unwrapAutolinks(text: string): string {
  return text.replace(/<((?:https?|mailto):[^<>\s]+)>/gi, "$1");
}

function isBlank(cells: Cells): boolean {
  return FIELDS.every((f) => htmlToText(cells[f]) === "");
}

/** A heading written in a cell: "4. Cooperation on returns…" carries its number. */
function headingFrom(line: number, text: string): Row {
  const title = htmlToText(text);
  const numbered = HEADING_NUMBER.exec(title);
  return numbered ? { kind: "heading", line, number: numbered[1], title: numbered[2].trim() } : { kind: "heading", line, number: null, title };
}

/** Whether lone text in the first column reads as a heading rather than a stray piece of a cell. */
function looksLikeHeading(text: string): boolean {
  return text.length <= 150 && !/^\d+(\.\d+)+/.test(text) && !/\.$/.test(text) && !/^\p{Ll}/u.test(text);
}

/** Text and HTML rows: an item, a heading in the number column, or a continuation of the item above. */
function classifyTableRow(line: number, cells: Cells, expectedNext: () => string): Row | null {
  if (isBlank(cells)) return null;
  const first = htmlToText(cells.number);
  if (ITEM_NUMBER.test(first)) return { kind: "item", line, cells: { ...cells, number: first } };
  const othersEmpty = (["action", "who", "details"] as Field[]).every((f) => htmlToText(cells[f]) === "");
  if (first === "") return { kind: "continuation", line, cells };
  if (othersEmpty && FOOTNOTE.test(footnoteText(cells.number))) return { kind: "footnote", line, text: footnoteText(cells.number), attach: "above" };
  if (othersEmpty && looksLikeHeading(first)) return headingFrom(line, cells.number);
  return fail(line, `an item number such as ${expectedNext()} or a section heading`, first);
}

/** Footnote text as plain text, with its marker. */
function footnoteText(raw: string): string {
  return htmlToText(unwrapAutolinks(raw));
}

interface ItemDraft {
  number: string;
  line: number;
  parts: Record<Exclude<Field, "number">, string>;
  footnotes: string[];
}

interface SectionDraft {
  number: string | null;
  ordinal: number;
  title: string;
  line: number;
  items: ItemDraft[];
}

function compareNumbers(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** Puts classified rows together into sections and items, checking the numbering as it goes. */
class ReportBuilder {
  readonly sections: SectionDraft[] = [];
  private readonly seen = new Map<string, number>();
  private item: ItemDraft | null = null;

  /** The item number a reader would expect next, for error messages. */
  expectedNext(): string {
    const section = this.sections.at(-1);
    if (!section) return "1.1";
    const last = section.items.at(-1);
    if (!last) return `${section.ordinal}.1`;
    const parts = last.number.split(".");
    parts[parts.length - 1] = String(Number(parts.at(-1)) + 1);
    return parts.join(".");
  }

  add(row: Row): void {
    switch (row.kind) {
      case "heading":
        return this.addHeading(row);
      case "item":
        return this.addItem(row.line, row.cells);
      case "continuation":
        if (!this.item) fail(row.line, `an item number such as ${this.expectedNext()} (a continuation line must follow an item)`, htmlToText(Object.values(row.cells).join(" ")));
        for (const field of ["action", "who", "details"] as const) {
          if (row.cells[field] !== "") this.item.parts[field] = joinContinuation(this.item.parts[field], row.cells[field]);
        }
        return;
      case "footnote":
        if (row.attach === "by-marker") return this.attachByMarker(row.line, row.text);
        if (!this.item) fail(row.line, "a footnote to follow the item that refers to it", row.text);
        this.item.footnotes.push(row.text);
        return;
    }
  }

  private addHeading(row: Extract<Row, { kind: "heading" }>): void {
    const previous = this.sections.at(-1);
    if (previous && previous.items.length === 0) fail(row.line, `an item number such as ${previous.ordinal}.1 (section “${previous.title}” has no items)`, row.title);
    if (row.title === "") fail(row.line, "a section title", row.title);
    const ordinal = row.number === null ? (previous?.ordinal ?? 0) + 1 : Number(row.number);
    if (previous && ordinal <= previous.ordinal) fail(row.line, `section number ${previous.ordinal + 1} or higher (sections in order)`, `${row.number}. ${row.title}`);
    this.sections.push({ number: row.number, ordinal, title: row.title, line: row.line, items: [] });
    this.item = null;
  }

  private addItem(line: number, cells: Cells): void {
    const section = this.sections.at(-1);
    const number = cells.number;
    if (!section) fail(line, "a section heading before the first item", number);
    const earlier = this.seen.get(number);
    if (earlier !== undefined) fail(line, `a new item number such as ${this.expectedNext()} (${number} is already at line ${earlier})`, number);
    if (number.split(".")[0] !== String(section.ordinal)) {
      fail(line, `an item of section ${section.ordinal} (“${section.title}”) such as ${this.expectedNext()}`, number);
    }
    const last = section.items.at(-1);
    if (last && compareNumbers(number, last.number) <= 0) fail(line, `an item number after ${last.number} such as ${this.expectedNext()}`, number);
    this.seen.set(number, line);
    this.item = { number, line, parts: { action: cells.action, who: cells.who, details: cells.details }, footnotes: [] };
    section.items.push(this.item);
  }

  private attachByMarker(line: number, text: string): void {
    const marker = FOOTNOTE.exec(text)?.[1] ?? "";
    const target = this.sections.flatMap((s) => s.items).find((i) => i.parts.action.includes(marker) || i.parts.details.includes(marker));
    if (!target) fail(line, `an item whose text carries the footnote marker ${marker}`, text);
    target.footnotes.push(text);
  }

  finish(endLine: number, title: string): ParsedReport {
    const last = this.sections.at(-1);
    if (!last) fail(endLine, "a report with at least one section and item");
    if (last.items.length === 0) fail(endLine, `an item number such as ${last.ordinal}.1 (section “${last.title}” has no items)`);
    return {
      title,
      introduction: null,
      sections: this.sections.map((s) => ({
        number: s.number,
        title: s.title,
        line: s.line,
        items: s.items.map((i) => finishItem(i)),
      })),
    };
  }
}

function finishItem(item: ItemDraft): ParsedReportItem {
  const action = htmlToText(item.parts.action);
  if (action === "") fail(item.line, `the action or recommendation of item ${item.number}`, "");
  const who = htmlToText(item.parts.who);
  const details = tidyReportHtml(sanitiseReportHtml(collapse(item.parts.details))).trim();
  return {
    number: item.number,
    action,
    who: who === "" ? null : who,
    details: htmlToText(details) === "" ? null : details,
    footnotes: item.footnotes,
    line: item.line,
  };
}

/** A report whose file carries no title (a CSV never does) and none was given: the title is asked for, not a line of the file. */
export class ReportTitleMissingError extends ReportParseError {
  constructor() {
    super(0, "a title for the report", "the file carries no title for the report: give one");
    this.name = "ReportTitleMissingError";
  }
}

function chooseTitle(fromOptions: string | undefined, fromDocument: string | null): string {
  const title = collapse(fromOptions ?? "") || fromDocument;
  if (!title) throw new ReportTitleMissingError();
  return title;
}

// ---------------------------------------------------------------------------------------------
// Text

/** The tab-separated text form of a report (see the description at the top of this file). */
export function parseReportText(input: string, options: ParseReportOptions = {}): ParsedReport {
  const lines = input.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const headerIndex = lines.findIndex((l) => l.includes("\t"));
  if (headerIndex === -1) fail(1, HEADER_EXPECTED, "no tab-separated line");
  const headerCells = lines[headerIndex].split("\t");
  const fields = headerFields(headerCells);
  if (!fields) fail(headerIndex + 1, HEADER_EXPECTED, lines[headerIndex]);

  // Before the header: the title on the first non-blank line, then the introduction's paragraphs.
  const paragraphs: string[][] = [];
  let titleLine: string | null = null;
  let blankBefore = true;
  for (const raw of lines.slice(0, headerIndex)) {
    const text = htmlToText(raw);
    if (text !== "" && titleLine === null) titleLine = text;
    else if (text !== "" && blankBefore) paragraphs.push([text]);
    else if (text !== "") paragraphs[paragraphs.length - 1].push(text);
    blankBefore = text === "" || paragraphs.length === 0;
  }
  const title = chooseTitle(options.title, titleLine);

  const builder = new ReportBuilder();
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = index + 1;
    const values = lines[index].split("\t");
    if (values.length > 4) fail(line, "at most 4 tab-separated columns (number, action, who, status)", `${values.length} columns`);
    const row = classifyTableRow(line, toCells(values, fields), () => builder.expectedNext());
    if (row) builder.add(row);
  }
  const report = builder.finish(lines.length, title);
  report.introduction = paragraphs.length ? paragraphs.map((p) => p.join(" ")).join("\n\n") : null;
  return report;
}

// ---------------------------------------------------------------------------------------------
// HTML

type Element = ReturnType<typeof DomUtils.findAll>[number];

function lineAt(lineStarts: number[], index: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid] <= index) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

/** The HTML inside an element exactly as written in the source. */
function innerSource(input: string, element: Element): string {
  const first = element.children[0];
  const last = element.children.at(-1);
  if (!first || !last || first.startIndex === null || last.endIndex === null) return "";
  return input.slice(first.startIndex, last.endIndex + 1);
}

/** The deepest nesting of markup a report may have (real ones nest a few dozen deep at most). */
export const MAX_MARKUP_DEPTH = 256;

/**
 * Refuses markup nested deeper than MAX_MARKUP_DEPTH, wherever it is (a whole HTML report, or
 * a cell of a text or CSV one), before anything builds a tree of it or walks it: the HTML parser's
 * cost grows with the square of the depth, and walking a tree that deep overflows the stack.
 * Stops at the first element too deep, so that its own cost stays linear in the input.
 */
function checkNesting(source: string): void {
  if (!source.includes("<")) return;
  let depth = 0;
  const tooDeep = new Error("nested too deeply");
  const parser = new Parser(
    {
      onopentag() {
        if (++depth > MAX_MARKUP_DEPTH) throw tooDeep;
      },
      onclosetag() {
        depth--;
      },
    },
    { lowerCaseTags: true },
  );
  try {
    parser.end(source);
  } catch (error) {
    if (error !== tooDeep) throw error;
    const line = source.slice(0, parser.startIndex).split("\n").length;
    const expected = `markup nested at most ${MAX_MARKUP_DEPTH} elements deep`;
    throw new ReportParseError(line, expected, `line ${line}: expected ${expected}, found an element nested deeper`);
  }
}

function closestTable(element: Element): Element | null {
  let parent = element.parent;
  while (parent && !(parent.type === "tag" && (parent as Element).name === "table")) parent = parent.parent;
  return (parent as Element | null) ?? null;
}

/** A report as an HTML document with a `<table>` (see the description at the top of this file). */
export function parseReportHtml(input: string, options: ParseReportOptions = {}): ParsedReport {
  const source = input.replace(/^\uFEFF/, "");
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (element: Element) => lineAt(lineStarts, element.startIndex ?? 0);

  const document = parseDocument(source, { withStartIndices: true, withEndIndices: true, lowerCaseTags: true });
  const table = DomUtils.findOne((e) => e.name === "table", document.children, true);
  if (!table) fail(1, "a <table> holding the report");
  const tableStart = table.startIndex ?? 0;
  const tableEnd = table.endIndex ?? source.length;

  const heading = DomUtils.findOne((e) => e.name === "h1", document.children, true) ?? DomUtils.findOne((e) => e.name === "title", document.children, true);
  const title = chooseTitle(options.title, heading ? collapse(DomUtils.textContent(heading)) || null : null);
  const paragraphs = DomUtils.findAll((e) => e.name === "p", document.children);
  const introduction = paragraphs
    .filter((p) => (p.endIndex ?? 0) < tableStart)
    .map((p) => htmlToText(innerSource(source, p)))
    .filter((t) => t !== "");

  const rows = DomUtils.findAll((e) => e.name === "tr" && closestTable(e) === table, table.children);
  const cellsOf = (row: Element) => row.children.filter((c): c is Element => c.type === "tag" && ((c as Element).name === "td" || (c as Element).name === "th"));
  if (rows.length === 0) fail(lineOf(table), HEADER_EXPECTED, "an empty table");
  const fields = headerFields(cellsOf(rows[0]).map((c) => htmlToText(innerSource(source, c))));
  if (!fields) fail(lineOf(rows[0]), HEADER_EXPECTED, htmlToText(innerSource(source, rows[0])));

  const builder = new ReportBuilder();
  for (const row of rows.slice(1)) {
    const line = lineOf(row);
    const cells = cellsOf(row);
    if (cells.length > 4) fail(line, "at most 4 cells in a row (number, action, who, status)", `${cells.length} cells`);
    const values = cells.map((c) => innerSource(source, c).trim());
    const texts = values.map(htmlToText);
    const firstIsHeading = cells.length > 0 && cells[0].name === "th" && !ITEM_NUMBER.test(texts[0]) && texts.slice(1).every((t) => t === "");
    if ((cells.length === 1 || firstIsHeading) && texts[0] !== "") {
      builder.add(FOOTNOTE.test(texts[0]) ? { kind: "footnote", line, text: footnoteText(values[0]), attach: "above" } : headingFrom(line, values[0]));
      continue;
    }
    // A row with one filled cell that reads as a heading is a section, whichever column it is in
    // (a spreadsheet saved from the printed table has it in the first); anything else continues the item above.
    const filled = texts.filter((t) => t !== "");
    if (filled.length === 1 && !ITEM_NUMBER.test(filled[0]) && !FOOTNOTE.test(filled[0]) && looksLikeHeading(filled[0])) {
      builder.add(headingFrom(line, values[texts.indexOf(filled[0])]));
      continue;
    }
    const classified = classifyTableRow(line, toCells(values, fields), () => builder.expectedNext());
    if (classified) builder.add(classified);
  }
  for (const element of DomUtils.findAll((e) => (e.name === "p" || e.name === "li") && closestTable(e) === null, document.children)) {
    if ((element.startIndex ?? 0) <= tableEnd) continue;
    const text = footnoteText(innerSource(source, element));
    if (FOOTNOTE.test(text)) builder.add({ kind: "footnote", line: lineOf(element), text, attach: "by-marker" });
  }
  const report = builder.finish(lineStarts.length, title);
  report.introduction = introduction.length ? introduction.join("\n\n") : null;
  return report;
}

// ---------------------------------------------------------------------------------------------
// CSV

interface CsvRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

/** A report as CSV with a header row (see the description at the top of this file). */
export function parseReportCsv(input: string, options: ParseReportOptions = {}): ParsedReport {
  const source = input.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  let records: CsvRecord[];
  try {
    records = parseCsvRecords(source, { info: true, raw: true, skip_empty_lines: true, relax_column_count: true }) as unknown as CsvRecord[];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw new ReportParseError(line, "well-formed CSV", `line ${line}: expected well-formed CSV: ${(error as Error).message}`);
  }
  // csv-parse counts lines up to the end of a record; a quoted cell may span several lines.
  const startLine = (r: CsvRecord) => r.info.lines - (r.raw.replace(/^\n+/, "").replace(/\n$/, "").match(/\n/g)?.length ?? 0);

  if (records.length === 0) fail(1, HEADER_EXPECTED, "an empty file");
  const header = records[0];
  const fields = headerFields(header.record);
  if (!fields) {
    if (header.record.length > 4) fail(startLine(header), "at most 4 columns (number, action, who, status)", header.record.join(","));
    fail(startLine(header), HEADER_EXPECTED, header.record.join(","));
  }
  const title = chooseTitle(options.title, null);

  const builder = new ReportBuilder();
  for (const record of records.slice(1)) {
    const line = startLine(record);
    if (record.record.length > 4 && record.record.slice(4).some((v) => v.trim() !== "")) {
      fail(line, "at most 4 columns (number, action, who, status)", `${record.record.length} columns`);
    }
    const cells = toCells(record.record, fields);
    if (isBlank(cells)) continue;
    const number = htmlToText(cells.number);
    const onlyAction = htmlToText(cells.action) !== "" && htmlToText(cells.who) === "" && htmlToText(cells.details) === "";
    // One filled cell that is not an item number: a footnote, or else a section heading, whichever column it is in.
    const filled = FIELDS.filter((f) => htmlToText(cells[f]) !== "");
    const lone = filled.length === 1 ? htmlToText(cells[filled[0]]) : null;
    if (ITEM_NUMBER.test(number)) builder.add({ kind: "item", line, cells: { ...cells, number } });
    else if (lone !== null && FOOTNOTE.test(lone)) builder.add({ kind: "footnote", line, text: footnoteText(cells[filled[0]]), attach: "above" });
    else if (lone !== null) builder.add(headingFrom(line, cells[filled[0]]));
    else if (onlyAction && /^\d{1,3}\.?$/.test(number)) builder.add({ kind: "heading", line, number: number.replace(/\.$/, ""), title: htmlToText(cells.action) });
    else fail(line, `an item number such as ${builder.expectedNext()} or a section heading (a row with one filled cell)`, number || htmlToText(cells.action));
  }
  return builder.finish(startLine(records.at(-1) ?? header), title);
}

// ---------------------------------------------------------------------------------------------
// Format

/** The format of a report file, from its name or else from its content. */
export function detectReportFormat(input: string, fileName?: string): ReportFormat {
  const name = (fileName ?? "").toLowerCase();
  if (/\.html?$/.test(name)) return "html";
  if (name.endsWith(".csv")) return "csv";
  if (/\.(txt|tsv|tab)$/.test(name)) return "text";
  const source = input.replace(/^\uFEFF/, "");
  if (/^\s*</.test(source)) return "html";
  const lines = source.split(/\r\n|\r|\n/);
  if (lines.some((l) => l.includes("\t") && headerFields(l.split("\t")) !== null)) return "text";
  const firstLine = lines.find((l) => l.trim() !== "") ?? "";
  if (firstLine.includes(",") && /action|recommendation/i.test(firstLine)) return "csv";
  if (/<table[\s>]/i.test(source)) return "html";
  return "text";
}

/** Reads a report in the given format, or in the one `detectReportFormat` finds. */
export function parseReport(raw: string, format?: ReportFormat, options: ParseReportOptions = {}): ParsedReport {
  // Control and private-use characters are taken out first, as from any form.
  const input = cleanText(raw);
  if (options.title !== undefined) options = { ...options, title: cleanLine(options.title) };
  checkNesting(input);
  switch (format ?? detectReportFormat(input)) {
    case "html":
      return parseReportHtml(input, options);
    case "csv":
      return parseReportCsv(input, options);
    case "text":
      return parseReportText(input, options);
  }
}

// ---------------------------------------------------------------------------------------------
// Who

/** An organisation or a country that a report's "who" may name, by its name, acronym or synonyms. */
export interface WhoCandidate {
  kind: "organisation" | "country";
  id: number;
  /** Name, acronym, synonyms. */
  names: string[];
}

const DASHES = "\\-\u2010\u2011\u2012\u2013\u2014";

/** An acronym (IOM, UNODC, TIPs): matched with its case, so "us" is not the US. */
function isAcronym(name: string): boolean {
  return !/\s/.test(name) && name.length <= 5 && (name.match(/\p{Lu}/gu)?.length ?? 0) >= 2;
}

function namePattern(name: string): RegExp | null {
  const words = name.split(new RegExp(`[\\s${DASHES}]+`)).filter((w) => w !== "");
  if (words.length === 0) return null;
  const body = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/['’]/g, "['’]")).join(`[\\s${DASHES}]+`);
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, isAcronym(name.trim()) ? "gu" : "giu");
}

/**
 * The organisations and countries a "who" cell names ("Bangladesh, Australia, IOM"), in the order
 * they first appear, each once. Names match as whole words whatever the case, whatever hyphens or
 * spaces join their words ("CIFAL- Jeju" is "CIFAL Jeju") and whichever apostrophe they use;
 * acronyms match with their case. A
 * remark in brackets ("RSO (NZ funded)", "(South Korea)") says who funds or where, not who acts, and
 * is left out; where two names overlap the longer one wins ("Democratic People's Republic of Korea"
 * over "Republic of Korea").
 */
export function resolveWho(who: string | null, candidates: WhoCandidate[]): { kind: "organisation" | "country"; id: number; matched: string }[] {
  if (!who) return [];
  let text = who;
  for (let previous = ""; previous !== text;) {
    previous = text;
    text = text.replace(/\([^()]*\)/g, (remark) => " ".repeat(remark.length));
  }
  const found: { start: number; end: number; kind: WhoCandidate["kind"]; id: number }[] = [];
  for (const candidate of candidates) {
    for (const name of candidate.names) {
      const pattern = namePattern(name);
      if (!pattern) continue;
      for (const match of text.matchAll(pattern)) {
        found.push({ start: match.index, end: match.index + match[0].length, kind: candidate.kind, id: candidate.id });
      }
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const results: { kind: WhoCandidate["kind"]; id: number; matched: string }[] = [];
  let coveredTo = 0;
  for (const match of found) {
    if (match.start < coveredTo) continue;
    coveredTo = match.end;
    if (results.some((r) => r.kind === match.kind && r.id === match.id)) continue;
    results.push({ kind: match.kind, id: match.id, matched: who.slice(match.start, match.end) });
  }
  return results;
}
