/**
 * Charts drawn on the server as SVG, so that the coverage page needs no script. Each chart is an
 * image with a title and a description for assistive technology; the numbers it shows are always
 * given in a table next to it as well. Every piece of text is escaped here, so the result may be
 * written into a page unescaped.
 */

/** One bar: what it stands for, its value, and how the value is written at the end of the bar. */
export interface BarDatum {
  label: string;
  value: number;
  /** Written after the bar; the value itself when not given. */
  valueText?: string;
  /** Shown when the pointer rests on the bar; the label and the value when not given. */
  tooltip?: string;
}

export interface BarChartOptions {
  /** Prefix of the chart's element ids; unique on the page. */
  id: string;
  /** Short name of the chart, read first by screen readers. */
  title: string;
  /** What the chart shows, in a sentence or two. */
  description: string;
  data: BarDatum[];
  /**
   * The value a full-length bar stands for, e.g. 100 for shares in percent. When given, each bar
   * runs on a light track of that length. Defaults to the largest value.
   */
  max?: number;
  /** Shown instead of bars when there is no datum. */
  emptyText?: string;
}

const WIDTH = 640;
const LABEL_WIDTH = 230;
const VALUE_WIDTH = 60;
const GAP = 8;
const BAR_AREA = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 2 * GAP;
const ROW_HEIGHT = 26;
const BAR_HEIGHT = 18;
const PADDING = 6;
/** Labels longer than this are shortened in the picture; the table next to it has them whole. */
const LABEL_CHARACTERS = 28;

const BAR_FILL = "#0b5d6b";
const TRACK_FILL = "#e6ecf0";
const AXIS_STROKE = "#56606b";
const TEXT_FILL = "#1b2430";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe for SVG (and HTML) content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** An id that is valid in SVG and HTML: letters, digits, `-` and `_`, starting with a letter. */
function safeId(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9_-]/g, "-");
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `c-${cleaned}`;
}

/** A length for an attribute: finite, at most two decimals. */
function coordinate(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** A value that can be drawn: negative, infinite or missing values count as nothing. */
function drawable(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** The label as the picture shows it, shortened by whole characters (never splitting one). */
function shortLabel(label: string): string {
  const characters = Array.from(label.replace(/\s+/g, " ").trim());
  return characters.length <= LABEL_CHARACTERS ? characters.join("") : `${characters.slice(0, LABEL_CHARACTERS - 1).join("")}…`;
}

/**
 * A horizontal bar chart: one row per datum, in the order given, the label on the left, the bar's
 * length proportional to its value, and the value written after the bar.
 */
export function horizontalBarChart(options: BarChartOptions): string {
  const id = safeId(options.id);
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const rows = options.data;
  const largest = rows.reduce((m, d) => Math.max(m, drawable(d.value)), 0);
  const scaleMax = options.max !== undefined && drawable(options.max) > 0 ? drawable(options.max) : largest;
  const height = rows.length === 0 ? ROW_HEIGHT + 2 * PADDING : rows.length * ROW_HEIGHT + 2 * PADDING;
  const barX = LABEL_WIDTH + GAP;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart bar-chart" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="${titleId} ${descId}">`,
    `<title id="${titleId}">${escapeXml(options.title)}</title>`,
    `<desc id="${descId}">${escapeXml(options.description)}</desc>`,
  ];

  if (rows.length === 0) {
    parts.push(
      `<text class="chart-empty" x="${WIDTH / 2}" y="${coordinate(height / 2)}" text-anchor="middle" dominant-baseline="middle" fill="${TEXT_FILL}">${escapeXml(options.emptyText ?? "Nothing to show yet")}</text>`,
    );
  } else {
    rows.forEach((datum, i) => {
      const value = drawable(datum.value);
      const width = scaleMax > 0 ? (value / scaleMax) * BAR_AREA : 0;
      const top = PADDING + i * ROW_HEIGHT;
      const barY = top + (ROW_HEIGHT - BAR_HEIGHT) / 2;
      const middle = top + ROW_HEIGHT / 2;
      const valueText = datum.valueText ?? String(value);
      parts.push(
        `<g class="bar-row">`,
        `<title>${escapeXml(datum.tooltip ?? `${datum.label}: ${valueText}`)}</title>`,
        `<text class="bar-label" x="${LABEL_WIDTH}" y="${coordinate(middle)}" text-anchor="end" dominant-baseline="middle" fill="${TEXT_FILL}">${escapeXml(shortLabel(datum.label))}</text>`,
        options.max !== undefined ? `<rect class="bar-track" x="${barX}" y="${coordinate(barY)}" width="${BAR_AREA}" height="${BAR_HEIGHT}" fill="${TRACK_FILL}"/>` : "",
        `<rect class="bar" x="${barX}" y="${coordinate(barY)}" width="${coordinate(width)}" height="${BAR_HEIGHT}" fill="${BAR_FILL}"/>`,
        `<text class="bar-value" x="${coordinate(barX + (options.max !== undefined ? BAR_AREA : width) + GAP)}" y="${coordinate(middle)}" dominant-baseline="middle" fill="${TEXT_FILL}">${escapeXml(valueText)}</text>`,
        `</g>`,
      );
    });
    parts.push(`<line class="chart-axis" x1="${barX}" y1="${PADDING / 2}" x2="${barX}" y2="${height - PADDING / 2}" stroke="${AXIS_STROKE}" stroke-width="1"/>`);
  }

  parts.push(`</svg>`);
  return parts.filter((p) => p !== "").join("");
}
