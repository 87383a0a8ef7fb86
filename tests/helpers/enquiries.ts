import request from "supertest";
import type { TestApp } from "./app";
import { csrfTokenIn } from "./sessions";

/** The fields of an "Ask the owner" form, with any of them replaced. */
export function question(fields: Record<string, string> = {}) {
  return {
    name: "Maya Santos",
    email: "maya.santos@example.net",
    organisation: "Bureau of Immigration",
    country: "PHL",
    message: "Is the course open to officials from our bureau next year?",
    ...fields,
  };
}

/** Sends the "Ask the owner" form of a listing page as a visitor would: the page first, for its token. */
export async function ask(t: Pick<TestApp, "app">, slug: string, fields: Record<string, string> = {}, agent = request.agent(t.app)) {
  const page = await agent.get(`/resources/${slug}`).expect(200);
  return agent
    .post(`/resources/${slug}/enquiries`)
    .type("form")
    .send({ _csrf: csrfTokenIn(page.text), ...question(fields) });
}

/** Waits until `ok` holds for what `what` gives. */
export async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
