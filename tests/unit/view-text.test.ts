import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const VIEWS = path.resolve(__dirname, "../../views");

/** Views whose text is not yet taken from the message catalogues: none; a new view never joins. */
const NOT_YET_CONVERTED = new Set<string>([]);

/** Pages only developers see (the development mailbox), which stay English. */
const DEVELOPMENT_ONLY = new Set<string>(["dev/mailbox.ejs"]);

function views(dir = VIEWS): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? views(path.join(dir, entry.name)) : entry.name.endsWith(".ejs") ? [path.relative(VIEWS, path.join(dir, entry.name))] : [],
  );
}

/** Attributes a person reads (or a screen reader speaks). */
const READ_ATTRIBUTES = ["placeholder", "title", "alt", "aria-label", "aria-description", "content", "label", "data-text-[\\w-]+"];

/**
 * Words a person reads that are written into a view itself rather than taken from `t()`: the
 * text between tags and the read attributes, once the EJS tags are taken out.
 */
export function literalText(source: string): string[] {
  const html = source
    .replace(/<%[\s\S]*?%>/g, "\u0000")
    .replace(/<!--[\s\S]*?-->/g, "")
    // Scripts, styles and preformatted code samples (a file format's example) are not prose.
    .replace(/<(script|style|pre)\b[^>]*>[\s\S]*?<\/\1>/gi, "");
  const found: string[] = [];
  const attributes = new RegExp(`\\s(?:${READ_ATTRIBUTES.join("|")})="([^"]*)"`, "g");
  // The viewport's settings are for the browser.
  for (const tag of (html.match(/<[^>]*>/g) ?? []).filter((t) => !t.startsWith('<meta name="viewport"'))) for (const match of tag.matchAll(attributes)) found.push(match[1]);
  for (const text of html.replace(/<[^>]*>/g, "\u0000").split("\u0000")) found.push(text);
  // Letters are words; digits, punctuation and symbols (·, ×, …) are not.
  return found.map((text) => text.trim()).filter((text) => /\p{L}/u.test(text));
}

describe("views", () => {
  const all = views();

  it("finds the views", () => {
    expect(all.length).toBeGreaterThan(20);
    for (const name of NOT_YET_CONVERTED) expect(all, `${name} is listed but does not exist`).toContain(name);
  });

  it.each(all.filter((name) => !NOT_YET_CONVERTED.has(name) && !DEVELOPMENT_ONLY.has(name)))("%s has no user-facing text outside t()", (name) => {
    expect(literalText(readFileSync(path.join(VIEWS, name), "utf8"))).toEqual([]);
  });

  it("recognises text outside t()", () => {
    expect(literalText('<p>Hello <%= name %></p><input placeholder="Search"><a title="<%= t(\'x\') %>">·</a>')).toEqual(["Search", "Hello"]);
  });
});
