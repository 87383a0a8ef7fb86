import request from "supertest";
import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { TestApp, withTestApp } from "../helpers/app";
import { buildOrganisation, buildResource } from "../helpers/factories";

let t: TestApp;
const PASSWORD = "correct horse battery staple 42";
let sequence = 0;

withTestApp({ demo: false }, (app) => (t = app));

async function newUser(fields: { password?: string; siteRole?: "curator" | "none" } = {}) {
  const org = await buildOrganisation(t);
  const email = `person${++sequence}@example.org`;
  await t.services.accounts.create(
    { email, displayName: `Person ${sequence}`, password: fields.password ?? PASSWORD, organisationId: org.id, organisationRole: "editor", siteRole: fields.siteRole ?? "none" },
    SYSTEM_ACTOR,
  );
  return { email, org };
}

/** The CSRF token of the form on a page. */
function tokenIn(html: string): string {
  const match = html.match(/name="_csrf" value="([^"]+)"/);
  if (!match) throw new Error("no CSRF token in the page");
  return match[1];
}

async function signIn(agent: ReturnType<typeof request.agent>, email: string, password: string) {
  const page = await agent.get("/sign-in").expect(200);
  return agent
    .post("/sign-in")
    .type("form")
    .send({ email, password, _csrf: tokenIn(page.text), next: "/account" });
}

const sessionCookie = (res: request.Response) => ([] as string[]).concat(res.headers["set-cookie"] ?? []).find((c) => c.startsWith("rtc.sid="));

describe("signing in", () => {
  it("signs in with the right password, in a new session stored in the database, and signs out", async () => {
    const { email } = await newUser();
    const agent = request.agent(t.app);
    const form = await agent.get("/sign-in").expect(200);
    const before = sessionCookie(form);
    expect(before).toMatch(/HttpOnly/);
    expect(before).toMatch(/SameSite=Lax/);
    const res = await agent
      .post("/sign-in")
      .type("form")
      .send({ email: email.toUpperCase(), password: PASSWORD, _csrf: tokenIn(form.text), next: "/account" })
      .expect(303);
    expect(res.headers.location).toBe("/account");
    // A new session id at sign-in: one fixed before it is worthless.
    const after = sessionCookie(res);
    expect(after).toBeDefined();
    expect(after!.split(";")[0]).not.toBe(before!.split(";")[0]);
    const [{ n }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM http_sessions WHERE destroyed_at IS NULL AND json LIKE '%passport%'");
    expect(n).toBeGreaterThan(0);

    const account = await agent.get("/account").expect(200);
    expect(account.text).toContain(email);
    await agent
      .post("/sign-out")
      .type("form")
      .send({ _csrf: tokenIn(account.text) })
      .expect(303);
    await agent.get("/account").expect(303).expect("location", "/sign-in?next=%2Faccount");
  });

  it("answers the API as a visitor's without a session cookie, and as the signed-in person's with one", async () => {
    const { email, org } = await newUser();
    const listing = await buildResource(t, { title: "Umbrella members course", visibility: "members", ownerId: org.id });
    const anonymous = await request(t.app).get("/api/v1/search?q=umbrella").expect(200);
    expect(anonymous.body.hits).toEqual([]);
    expect(anonymous.headers["set-cookie"]).toBeUndefined();
    // Other cookies, even one whose name ends like the session's, are no session.
    const others = await request(t.app).get("/api/v1/search?q=umbrella").set("Cookie", "xrtc.sid=abc; theme=dark").expect(200);
    expect(others.body.hits).toEqual([]);
    expect(others.headers["set-cookie"]).toBeUndefined();

    const agent = request.agent(t.app);
    expect((await signIn(agent, email, PASSWORD)).status).toBe(303);
    const member = await agent.get("/api/v1/search?q=umbrella").expect(200);
    expect(member.body.hits.map((h: { slug: string }) => h.slug)).toEqual([listing.slug]);
    await agent.get(`/api/v1/resources/${listing.slug}`).expect(200);
    await request(t.app).get(`/api/v1/resources/${listing.slug}`).expect(404);
  });

  it("gives the same answer for an unknown account and a wrong password", async () => {
    const { email } = await newUser();
    const wrong = await signIn(request.agent(t.app), email, "not the password at all");
    const unknown = await signIn(request.agent(t.app), "nobody@example.org", "not the password at all");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (html: string) => html.match(/<div class="error-summary"[\s\S]*?<\/div>/)?.[0];
    expect(message(wrong.text)).toBe(message(unknown.text));
    expect(message(wrong.text)).toContain("The email or the password is not right.");
  });

  it("refuses a sign-in without the form's CSRF token, or with another session's", async () => {
    const { email } = await newUser();
    const agent = request.agent(t.app);
    await agent.get("/sign-in").expect(200);
    await agent.post("/sign-in").type("form").send({ email, password: PASSWORD }).expect(403);
    const foreign = tokenIn((await request.agent(t.app).get("/sign-in")).text);
    await agent.post("/sign-in").type("form").send({ email, password: PASSWORD, _csrf: foreign }).expect(403);
    await agent.get("/account").expect(303);
  });

  it("stops trying after repeated failures for an account, even with the right password", async () => {
    const { email } = await newUser();
    for (let i = 0; i < 5; i++) expect((await signIn(request.agent(t.app), email, `wrong password ${i}`)).status).toBe(401);
    const blocked = await signIn(request.agent(t.app), email, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.headers["retry-after"]).toBeDefined();
    expect(blocked.text).toContain("Too many failed sign-ins");
    // Another account from the same address is not blocked by this one's failures.
    const other = await newUser();
    expect((await signIn(request.agent(t.app), other.email, PASSWORD)).status).toBe(303);
  });

  it("keeps the failure counts in the database, where a restart does not lose them", async () => {
    const { email } = await newUser();
    await signIn(request.agent(t.app), email, "wrong password once");
    const rows = await t.dataSource.query("SELECT key, points FROM sign_in_limits WHERE key LIKE ?", [`account:${email}`]);
    expect(rows).toEqual([{ key: `account:${email}`, points: 1 }]);
  });

  it("refuses malformed sign-in input with a message per field", async () => {
    const agent = request.agent(t.app);
    const token = tokenIn((await agent.get("/sign-in")).text);
    const res = await agent.post("/sign-in").type("form").send({ email: "", password: "", _csrf: token }).expect(400);
    expect(res.text).toContain("Email enter your email address");
    expect(res.text).toContain("Password enter your password");
    await agent.post("/sign-in").type("form").send({ email: "a@b.c", password: "x", role: "curator", _csrf: token }).expect(400);
  });

  it("only follows a next address on this site", async () => {
    const { email } = await newUser();
    const agent = request.agent(t.app);
    const token = tokenIn((await agent.get("/sign-in")).text);
    const res = await agent.post("/sign-in").type("form").send({ email, password: PASSWORD, _csrf: token, next: "//evil.example/x" }).expect(303);
    expect(res.headers.location).toBe("/workspace");
  });
});

describe("passwords", () => {
  it("refuses short and common passwords", async () => {
    for (const password of ["short", "password1234", "qwertyuiopasdf"]) {
      await expect(t.services.accounts.create({ email: `weak${++sequence}@example.org`, displayName: "Weak", password }, SYSTEM_ACTOR)).rejects.toMatchObject({
        fields: { password: expect.any(String) },
      });
    }
    await expect(t.services.accounts.create({ email: `long${++sequence}@example.org`, displayName: "Long", password: "x".repeat(129) }, SYSTEM_ACTOR)).rejects.toMatchObject({
      fields: { password: "must be at most 128 characters" },
    });
  });

  it("stores argon2id hashes, never the password", async () => {
    const { email } = await newUser();
    const [{ password_hash }] = await t.dataSource.query("SELECT password_hash FROM users WHERE email = ?", [email]);
    expect(password_hash).toMatch(/^\$argon2id\$/);
    expect(password_hash).not.toContain(PASSWORD);
  });

  it("ends every other session when the password changes", async () => {
    const { email } = await newUser();
    const here = request.agent(t.app);
    const elsewhere = request.agent(t.app);
    await signIn(here, email, PASSWORD);
    await signIn(elsewhere, email, PASSWORD);
    await elsewhere.get("/account").expect(200);
    const page = await here.get("/account").expect(200);
    const next = "a completely different passphrase 7";
    await here
      .post("/account/password")
      .type("form")
      .send({ currentPassword: PASSWORD, newPassword: next, confirmPassword: next, _csrf: tokenIn(page.text) })
      .expect(303);
    await here.get("/account").expect(200);
    await elsewhere.get("/account").expect(303);
    expect((await signIn(request.agent(t.app), email, next)).status).toBe(303);
  });

  it("refuses a password change with a wrong current password, and changes nothing", async () => {
    const { email } = await newUser();
    const agent = request.agent(t.app);
    await signIn(agent, email, PASSWORD);
    const page = await agent.get("/account");
    const res = await agent
      .post("/account/password")
      .type("form")
      .send({ currentPassword: "wrong", newPassword: "another fine passphrase 9", confirmPassword: "another fine passphrase 9", _csrf: tokenIn(page.text) })
      .expect(400);
    expect(res.text).toContain("is not your current password");
    expect((await signIn(request.agent(t.app), email, PASSWORD)).status).toBe(303);
  });
});

describe("invitations", () => {
  it("lets the invited person set a password once, then the link is dead", async () => {
    const org = await buildOrganisation(t);
    const { token } = await t.services.accounts.invite({ email: "invited@example.org", displayName: "Invited Person", organisationId: org.id, organisationRole: "editor" }, SYSTEM_ACTOR);
    const agent = request.agent(t.app);
    const page = await agent.get(`/invitations/${token}`).expect(200);
    expect(page.text).toContain("invited@example.org");
    const weak = await agent
      .post(`/invitations/${token}`)
      .type("form")
      .send({ password: "short", confirmPassword: "short", _csrf: tokenIn(page.text) })
      .expect(400);
    expect(weak.text).toContain("must be at least 12 characters");
    await agent
      .post(`/invitations/${token}`)
      .type("form")
      .send({ password: PASSWORD, confirmPassword: PASSWORD, _csrf: tokenIn(page.text) })
      .expect(303);
    await agent.get("/account").expect(200);
    await request(t.app).get(`/invitations/${token}`).expect(404);
    const user = await t.services.accounts.findByEmail("invited@example.org");
    expect(user).toMatchObject({ organisationId: org.id, organisationRole: "editor", siteRole: "none" });
  });

  it("answers an unknown invitation with a 404", async () => {
    await request(t.app).get("/invitations/not-a-real-token").expect(404);
  });
});
