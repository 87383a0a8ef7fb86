import type { MessageValues, Translate } from "./i18n";
import { flattenCatalogue, readCatalogue } from "./i18n";

/**
 * Messages made where no language is known yet (validation in services, zod issues) travel as
 * strings that name a catalogue key, with their values after a unit separator, so that they fit
 * every `fields` map; the page (or the API, in English) translates them with `translateMessage`.
 */
const SEPARATOR = "\u001f";

/** A message for later translation: `message("validation.tooShort", { minimum: 3 })`. */
export function message(key: string, values?: MessageValues): string {
  return values && Object.keys(values).length ? `${key}${SEPARATOR}${JSON.stringify(values)}` : key;
}

let englishKeys: Set<string> | null = null;
const isKey = (key: string) => {
  englishKeys ??= new Set(flattenCatalogue(readCatalogue("en")).keys());
  return englishKeys.has(key);
};

/** A stored message in a language: catalogue keys are translated, anything else is shown as it is. */
export function translateMessage(t: Translate, text: string | null | undefined): string {
  if (!text) return "";
  const at = text.indexOf(SEPARATOR);
  const key = at === -1 ? text : text.slice(0, at);
  if (!isKey(key)) return text;
  let values: MessageValues | undefined;
  if (at !== -1) {
    try {
      values = JSON.parse(text.slice(at + 1)) as MessageValues;
    } catch {
      values = undefined;
    }
  }
  return t(key, values);
}
