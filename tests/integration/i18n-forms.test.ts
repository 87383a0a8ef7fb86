import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flattenCatalogue, readCatalogue, translator } from "../../src/i18n/i18n";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation } from "../helpers/factories";
import { type Agent, signedIn } from "../helpers/sessions";

let t: TestApp;
let editor: Agent;
let token: string;

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  const organisation = await buildOrganisation(t);
  ({ agent: editor, token } = await signedIn(t, { email: "forms-editor@example.org", organisationId: organisation.id, role: "editor" }));
});
afterAll(async () => t.close());

const form = (fields: Record<string, string>) => ({
  kind: "course", title: "A course", acronym: "", summary: "", description: "", url: "", deliveryMode: "", duration: "", isFree: "",
  access: "", ownershipStatement: "", contactName: "", contactEmail: "", visibility: "public", ...fields,
});

/** The field's error paragraph of a page, as text. */
const fieldError = (html: string, name: string) => /<p class="field-error" id="([^"]+)-error">([\s\S]*?)<\/p>/g.exec(html.slice(html.indexOf(`id="${name}-error"`) - 40))?.[2].replace(/<[^>]+>/g, "").trim();

const thai = flattenCatalogue(readCatalogue("th"));

describe("validation messages in the reader's language", () => {
  it.skipIf(!thai.get("validation.tooShort") || !thai.get("listing.fields.title") || !thai.get("forms.fieldError"))("shows a listing form's error in Thai next to the field", async () => {
    const res = await editor.post("/workspace/listings?lang=th").type("form").send({ ...form({ title: "X" }), _csrf: token }).expect(400);
    expect(res.text).toContain('<html lang="th"');
    const { t: th } = translator("th");
    const expected = th("forms.fieldError", { field: th("listing.fields.title"), message: th("validation.tooShort", { minimum: 3 }) });
    expect(expected).toMatch(/\p{Script=Thai}/u);
    expect(fieldError(res.text, "title")).toContain(expected);
    // The field points at its message.
    expect(res.text).toMatch(/<input id="title" name="title"[^>]*aria-describedby="title-error"/);
  });

  it("shows the same error in English by default, and never a message key", async () => {
    const res = await editor.post("/workspace/listings").type("form").send({ ...form({ title: "X", contactEmail: "nope" }), _csrf: token }).expect(400);
    expect(fieldError(res.text, "title")).toContain("Title must be at least 3 characters");
    expect(fieldError(res.text, "contactEmail")).toContain("Contact email must be an email address");
    expect(res.text).not.toMatch(/validation\.|listing\.errors\./);
  });

  it("answers the API in English whatever the page language", async () => {
    const res = await editor.get("/api/v1/search?kind=spaceship").set("Cookie", "lang=th").expect(400);
    expect(res.body.error.fields.kind).toMatch(/^[\x20-\x7e]+$/);
  });
});
