import request from "supertest";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import type { TestApp } from "./app";

export const TEST_PASSWORD = "correct horse battery staple 42";

export type Agent = ReturnType<typeof request.agent>;

/** The CSRF token a page's forms carry. */
export function csrfTokenIn(html: string): string {
  const match = html.match(/name="_csrf" value="([^"]+)"/);
  if (!match) throw new Error("no CSRF token in the page");
  return match[1];
}

/** A new account, signed in through the real sign-in form; returns its agent and a CSRF token. */
export async function signedIn(
  t: Pick<TestApp, "app" | "services">,
  person: { email: string; organisationId?: number | null; role?: "admin" | "editor" | null; siteRole?: "curator" | "none" },
): Promise<{ agent: Agent; token: string }> {
  await t.services.accounts.create(
    {
      email: person.email,
      displayName: person.email,
      password: TEST_PASSWORD,
      organisationId: person.organisationId ?? null,
      organisationRole: person.role ?? null,
      siteRole: person.siteRole ?? "none",
    },
    SYSTEM_ACTOR,
  );
  const agent = request.agent(t.app);
  const form = await agent.get("/sign-in");
  await agent
    .post("/sign-in")
    .type("form")
    .send({ email: person.email, password: TEST_PASSWORD, _csrf: csrfTokenIn(form.text) })
    .expect(303);
  return { agent, token: csrfTokenIn((await agent.get("/account")).text) };
}

/** A visitor with a session (and so a CSRF token) but no account. */
export async function visitor(t: Pick<TestApp, "app">): Promise<{ agent: Agent; token: string }> {
  const agent = request.agent(t.app);
  return { agent, token: csrfTokenIn((await agent.get("/sign-in")).text) };
}
