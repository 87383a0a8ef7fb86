const dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

const asUtc = (day: string) => new Date(`${day}T00:00:00Z`);

/** "2017-04-04" → "4 April 2017". Calendar dates are shown as given, without time-zone shifts. */
export function formatDay(day: string): string {
  return dayFormat.format(asUtc(day));
}

/** "4–7 April 2017", "28 September – 28 October 2015", or one day. */
export function formatDayRange(start: string, end: string | null | undefined): string {
  if (!end || end === start) return formatDay(start);
  const key = `${start}/${end}`;
  let text = rangesFormatted.get(key);
  if (text === undefined) {
    text = dayFormat.formatRange(asUtc(start), asUtc(end));
    if (rangesFormatted.size >= 10_000) rangesFormatted.clear();
    rangesFormatted.set(key, text);
  }
  return text;
}

/** Ranges already formatted: result cards show the same few sessions again and again. */
const rangesFormatted = new Map<string, string>();

/** A UTC timestamp as a date ("28 November 2026"). */
export function formatTimestamp(value: Date | null | undefined): string | null {
  return value ? dayFormat.format(value) : null;
}

/** Today's date in UTC, YYYY-MM-DD. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
