import path from "node:path";
import ejs from "ejs";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { translator } from "../../src/i18n/i18n";
import { translateMessage } from "../../src/i18n/message";
import { fieldFormSchema, fieldRowSchema, formValueOf, LISTING_FIELDS, type ListingField } from "../../src/modules/catalogue/listing-fields";
import { factOf } from "../../src/modules/catalogue/resource.presenter";
import { fieldFromCell, fieldToCell } from "../../src/modules/transfer/listing-row";

/**
 * A copy of the registry with one more field of each type that is not text. The names are of
 * columns the listing does not have (a real field would add one); their labels are messages the
 * catalogues hold already, so that the form shows them.
 */
const added = [
  { name: "capacity", type: "integer", min: 1, max: 500, group: "practical", onPage: true, filter: true },
  { name: "applicationOpens", type: "date", group: "taking-part", onPage: true },
  { name: "online", type: "boolean", says: { yes: "resource.free", no: "resource.fee" }, group: "practical", onPage: true },
  { name: "url", type: "url", max: 500, group: "practical", onPage: true },
  { name: "languageOfInstruction", type: "languageTag", group: "practical", onPage: true },
  { name: "status", type: "oneOf", choices: ["planned", "open"], nameOf: (c: string) => c.toUpperCase(), noun: "status", group: "practical", onPage: true },
  { name: "contactEmail", type: "email", max: 254, group: "contact", onPage: true },
] as unknown as ListingField[];
const registry: ListingField[] = [...LISTING_FIELDS, ...added];

const byName = (name: string) => registry.find((f) => f.name === name)!;

/** What the form sends, what the listing then holds, what a JSON row and a CSV cell hold, and a value each refuses. */
const cases: Array<{ name: string; form: string; stored: unknown; json: unknown; cell: string; badForm: string; formError: string; badJson: unknown; rowError: string }> = [
  { name: "capacity", form: " 40 ", stored: 40, json: 40, cell: "40", badForm: "501", formError: "validation.tooBig", badJson: 2.5, rowError: "must be a whole number" },
  {
    name: "applicationOpens",
    form: "2031-02-28",
    stored: "2031-02-28",
    json: "2031-02-28",
    cell: "2031-02-28",
    badForm: "2031-02-30",
    formError: "validation.date",
    badJson: "28/02/2031",
    rowError: "must be a date (YYYY-MM-DD)",
  },
  { name: "online", form: "yes", stored: true, json: true, cell: "yes", badForm: "maybe", formError: "validation.yesNo", badJson: "yes", rowError: "must be true or false" },
  {
    name: "url",
    form: "https://example.org/x",
    stored: "https://example.org/x",
    json: "https://example.org/x",
    cell: "https://example.org/x",
    badForm: "ftp://x",
    formError: "validation.url",
    badJson: "javascript:alert(1)",
    rowError: "must be an address starting with http:// or https://",
  },
  {
    name: "languageOfInstruction",
    form: "km",
    stored: "km",
    json: "km",
    cell: "km",
    badForm: "Khmer language",
    formError: "validation.languageTag",
    badJson: "x".repeat(81),
    rowError: "must be at most 80 characters",
  },
  {
    name: "status",
    form: "open",
    stored: "open",
    json: "open",
    cell: "open",
    badForm: "closed",
    formError: "validation.choice",
    badJson: "closed",
    rowError: '"closed" is not a known status; accepted: planned, open (or their names)',
  },
  {
    name: "contactEmail",
    form: "Desk@Example.org",
    stored: "desk@example.org",
    json: "desk@example.org",
    cell: "desk@example.org",
    badForm: "desk",
    formError: "validation.email",
    badJson: "desk",
    rowError: "must be an email address",
  },
];

const { t } = translator("en");
const view = (file: string, data: Record<string, unknown>) =>
  ejs.renderFile(path.resolve(__dirname, "../../views/partials", file), {
    t,
    msg: (text: string) => translateMessage(t, text),
    vocab: {},
    fmt: { number: (n: number) => n.toLocaleString("en"), day: (d: string) => d, language: (tag: string, name: string | null) => name ?? tag },
    langAttr: () => "",
    ...data,
  });

describe("a field added to a copy of the registry, of each type that is not text", () => {
  it("is read by the form's schema, which refuses a bad value with the field's message", () => {
    const schema = z.object(Object.fromEntries(registry.map((f) => [f.name, fieldFormSchema(f)]))).strict();
    const parsed = schema.parse(Object.fromEntries(cases.map((c) => [c.name, c.form])));
    for (const c of cases) expect(parsed[c.name], c.name).toEqual(c.stored);
    // Left empty or not sent at all, it is not stated.
    for (const c of cases) expect(fieldFormSchema(byName(c.name)).parse(""), c.name).toBeNull();
    for (const c of cases) expect(fieldFormSchema(byName(c.name)).parse(undefined), c.name).toBeNull();
    for (const c of cases) {
      const bad = fieldFormSchema(byName(c.name)).safeParse(c.badForm);
      expect(bad.success, c.name).toBe(false);
      expect(bad.error?.issues[0].message.split("\u001f")[0], c.name).toBe(c.formError);
    }
  });

  it("is read by the import row's schema, and goes to a CSV cell and back to the same value", () => {
    for (const c of cases) {
      const field = byName(c.name);
      expect(fieldRowSchema(field).parse(c.json), c.name).toEqual(c.stored);
      expect(fieldRowSchema(field).parse(null), c.name).toBeNull();
      expect(fieldRowSchema(field).parse(undefined), c.name).toBeNull();
      const bad = fieldRowSchema(field).safeParse(c.badJson);
      expect(bad.error?.issues[0].message, c.name).toBe(c.rowError);
      expect(fieldToCell(field, c.json as string), c.name).toBe(c.cell);
      expect(fieldFromCell(field, c.cell), c.name).toEqual({ value: c.json });
      expect(fieldFromCell(field, ""), c.name).toEqual({});
    }
    expect(fieldRowSchema(byName("status")).parse("OPEN")).toBe("open");
    // An import row may name a language as its other languages do; the importer resolves the name.
    expect(fieldRowSchema(byName("languageOfInstruction")).parse(" Khmer ")).toBe("Khmer");
    expect(fieldFromCell(byName("online"), "perhaps")).toEqual({ problem: "must be yes or no" });
    expect(fieldFromCell(byName("capacity"), "forty")).toEqual({ problem: "must be a whole number" });
  });

  it("has an input in the form, with its label tied to it and its error next to it", async () => {
    const inputs: Record<string, RegExp> = {
      capacity: /<input id="capacity" name="capacity" type="number" value="abc" inputmode="numeric" min="1" max="500" aria-describedby="capacity-error" aria-invalid="true">/,
      applicationOpens: /<input id="applicationOpens" name="applicationOpens" type="date" value="abc"/,
      online: /<select id="online" name="online" aria-describedby="online-error" aria-invalid="true">\s*<option value="">Not stated<\/option>/,
      url: /<input id="url" name="url" type="url" value="abc" maxlength="500"/,
      languageOfInstruction: /<input id="languageOfInstruction" name="languageOfInstruction" type="text" value="abc"/,
      status: /<select id="status" name="status"[^>]*>\s*<option value="">Not stated<\/option>\s*<option value="planned">/,
      contactEmail: /<input id="contactEmail" name="contactEmail" type="email" value="abc" maxlength="254"/,
    };
    for (const c of cases) {
      const html = await view("listing-field.ejs", { f: { ...byName(c.name), hasHint: c.name === "url" }, values: { [c.name]: "abc" }, errors: { [c.name]: c.formError } });
      expect(html, c.name).toContain(`<label for="${c.name}">${t(`listing.fields.${c.name}`)}</label>`);
      expect(html, c.name).toMatch(inputs[c.name]);
      expect(html, c.name).toContain(`<p class="field-error" id="${c.name}-error">`);
    }
    const hinted = await view("listing-field.ejs", { f: { ...byName("url"), hasHint: true }, values: {}, errors: { url: "validation.url" } });
    expect(hinted).toContain('<p class="hint" id="url-hint">');
    expect(hinted).toContain('aria-describedby="url-hint url-error"');
    // A saved value comes back into the form as it was sent.
    expect(cases.map((c) => formValueOf(byName(c.name), c.stored as string))).toEqual(["40", "2031-02-28", "yes", "https://example.org/x", "km", "open", "desk@example.org"]);
  });

  it("is shown on the listing page, each type in its way", async () => {
    const ctx = { languages: new Map([["km", { tag: "km", name: "Khmer" }]]) as never, countries: new Map() };
    const shown: Record<string, string> = {
      capacity: "40",
      applicationOpens: "2031-02-28",
      online: "Free of charge",
      url: '<a href="https://example.org/x" rel="noopener nofollow">https://example.org/x</a>',
      languageOfInstruction: "Khmer",
      status: "",
      contactEmail: '<a href="mailto:desk@example.org">desk@example.org</a>',
    };
    for (const c of cases.filter((x) => x.name !== "status")) {
      const [fact] = factOf(byName(c.name), c.stored as string, ctx);
      expect(await view("listing-fact.ejs", { fact }), c.name).toContain(shown[c.name]);
    }
    expect(factOf(byName("capacity"), null, ctx)).toEqual([]);
    expect(factOf(byName("status"), "open", ctx)[0]).toMatchObject({ says: "listing.choices.status.open", shownName: "OPEN" });
  });
});
