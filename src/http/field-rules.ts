/**
 * The rules a single field's value follows wherever it is read: the workspace's forms, an import
 * row, the address bar, the command line. Each schema gives its own message (in the reader's
 * language on pages, in the file format's English in import reports); the rule is written here once.
 */

/** A real calendar day written YYYY-MM-DD (not 2017-02-30). */
export function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

/** An http(s) address with a host. */
export const isHttpUrl = (value: string): boolean => /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(value);

/** An email address, as far as a form can tell. */
export const isEmail = (value: string): boolean => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);

/** A BCP 47 language tag of the kind the reference data holds ("km", "zh-Hant"). */
export const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export const isLanguageTag = (value: string): boolean => LANGUAGE_TAG.test(value);

/** An IANA time zone ("Asia/Bangkok"), or UTC. */
export const isTimeZone = (value: string): boolean => value === "UTC" || Intl.supportedValuesOf("timeZone").includes(value);
