import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flattenCatalogue, readCatalogue, translator } from "../../src/i18n/i18n";
import { createTestApp, TestApp } from "../helpers/app";
import { buildOrganisation } from "../helpers/factories";
import { listingForm } from "../helpers/forms";
import { type Agent, signedIn } from "../helpers/sessions";

let t: TestApp;
let organisationId: number;

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  organisationId = (await buildOrganisation(t)).id;
});
afterAll(async () => t.close());

let editors = 0;
/**
 * A new editor of the organisation, signed in with an agent of their own: a `?lang=` choice is
 * kept in the agent's cookie and in the account, so a case that chooses a language must not share
 * either with another case.
 */
async function newEditor(): Promise<{ editor: Agent; token: string }> {
  editors += 1;
  const { agent, token } = await signedIn(t, { email: `forms-editor-${editors}@example.org`, organisationId, role: "editor" });
  return { editor: agent, token };
}

/** The field's error paragraph of a page, as text. */
const fieldError = (html: string, name: string) =>
  /<p class="field-error" id="([^"]+)-error">([\s\S]*?)<\/p>/g
    .exec(html.slice(html.indexOf(`id="${name}-error"`) - 40))?.[2]
    .replace(/<[^>]+>/g, "")
    .trim();

const thai = flattenCatalogue(readCatalogue("th"));

describe("validation messages in the reader's language", () => {
  it("shows a listing form's error in Thai next to the field", async () => {
    for (const key of ["validation.tooShort", "listing.fields.title", "forms.fieldError"]) expect(thai.get(key), `th.json lacks ${key}`).toBeTruthy();
    const { editor, token } = await newEditor();
    const res = await editor
      .post("/workspace/listings?lang=th")
      .type("form")
      .send({ ...listingForm({ title: "X" }), _csrf: token })
      .expect(400);
    expect(res.text).toContain('<html lang="th"');
    const { t: th } = translator("th");
    const expected = th("forms.fieldError", { field: th("listing.fields.title"), message: th("validation.tooShort", { minimum: 3 }) });
    expect(expected).toMatch(/\p{Script=Thai}/u);
    expect(fieldError(res.text, "title")).toContain(expected);
    // The field points at its message.
    expect(res.text).toMatch(/<input id="title" name="title"[^>]*aria-describedby="title-error"/);
  });

  it("shows the same error in English by default, and never a message key", async () => {
    const { editor, token } = await newEditor();
    const res = await editor
      .post("/workspace/listings")
      .type("form")
      .send({ ...listingForm({ title: "X", contactEmail: "nope" }), _csrf: token })
      .expect(400);
    expect(fieldError(res.text, "title")).toContain("Title must be at least 3 characters");
    expect(fieldError(res.text, "contactEmail")).toContain("Contact email must be an email address");
    expect(res.text).not.toMatch(/validation\.|listing\.errors\./);
  });

  it("answers the API in English whatever the page language", async () => {
    const { editor } = await newEditor();
    const res = await editor.get("/api/v1/search?kind=spaceship").set("Cookie", "lang=th").expect(400);
    expect(res.body.error.fields.kind).toMatch(/^[\x20-\x7e]+$/);
  });
});
