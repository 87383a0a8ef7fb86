// Passport's strategies are process-wide: each file signs in to one app only.
import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { EnquiryMessage } from "../../src/modules/enquiries/enquiry-message.entity";
import { Enquiry } from "../../src/modules/enquiries/enquiry.entity";
import { MailOutboxEntry } from "../../src/modules/mail/mail-outbox.entity";
import { createTestApp, TestApp } from "../helpers/app";
import { ask, question, until } from "../helpers/enquiries";
import { buildOrganisation, buildResource } from "../helpers/factories";
import { type Agent, csrfTokenIn, signedIn, visitor } from "../helpers/sessions";
import { freePort, startSmtp, TestSmtp } from "../helpers/smtp";

const FROM = "Regional Training Catalogue <catalogue@rtc.example>";
const GENEROUS = { perAddressPerHour: 1000, perListingPerDay: 1000 };

/** Sends an enquiry's reply form in the workspace. */
const sendReply = (agent: Agent, enquiryId: number, csrf: string, fields: { body: string; replyTo: string }) =>
  agent
    .post(`/workspace/enquiries/${enquiryId}/reply`)
    .type("form")
    .send({ _csrf: csrf, ...fields });

describe("enquiries, with a real SMTP server", () => {
  let smtp: TestSmtp;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp({ demo: false, mail: true, env: { SMTP_URL: smtp.url, MAIL_FROM: FROM, PUBLIC_URL: "https://rtc.example" }, services: { enquiryLimits: GENEROUS } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  afterEach(() => {
    smtp.messages.length = 0;
  });

  it("goes from the form to the store, the confirmation and notification, the inbox, the reply and the mail to the sender", async () => {
    const org = await buildOrganisation(t, { name: "Border Academy" });
    const listing = await buildResource(t, { ownerId: org.id, title: "Document examination course" });
    const editor = await signedIn(t, { email: "editor@border-academy.example", organisationId: org.id, role: "editor" });
    await t.services.accounts.create(
      { email: "admin@border-academy.example", displayName: "Admin", password: "correct horse battery staple 42", organisationId: org.id, organisationRole: "admin", siteRole: "none" },
      SYSTEM_ACTOR,
    );

    const page = await request(t.app).get(`/resources/${listing.slug}`).expect(200);
    expect(page.text).toContain("Ask the owner");
    expect(page.text).toContain('name="_csrf"');
    expect(page.text).not.toContain("Nobody of Border Academy has signed up");

    const sent = await ask(t, listing.slug);
    expect(sent.status).toBe(303);
    const reference = /reference=(RTC-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(sent.headers.location)?.[1];
    expect(reference).toBeTruthy();
    const thanks = await request(t.app).get(sent.headers.location).expect(200);
    expect(thanks.text).toContain(reference);

    const stored = await t.dataSource.getRepository(Enquiry).findOneByOrFail({ reference });
    expect(stored).toMatchObject({
      organisationId: org.id,
      resourceId: listing.id,
      senderEmail: "maya.santos@example.net",
      senderCountry: "PHL",
      status: "open",
      shareEmail: false,
      routedToCurators: false,
    });

    await smtp.waitFor(3);
    const [confirmation] = smtp.to("maya.santos@example.net");
    expect(confirmation.subject).toContain(reference);
    expect(confirmation.from?.text).toContain("catalogue@rtc.example");
    expect(confirmation.text).not.toContain("open to officials");
    const notifications = [...smtp.to("editor@border-academy.example"), ...smtp.to("admin@border-academy.example")];
    expect(notifications).toHaveLength(2);
    for (const n of notifications) {
      expect(n.text).toContain("Is the course open to officials from our bureau next year?");
      expect(n.text).toContain(`https://rtc.example/workspace/enquiries/${stored.id}`);
      // Without the sender's consent the owner does not see the address.
      expect(n.text).not.toContain("maya.santos@example.net");
    }

    const inbox = await editor.agent.get("/workspace/enquiries").expect(200);
    expect(inbox.text).toContain(reference);
    expect(inbox.text).toContain("New (1)");
    const view = await editor.agent.get(`/workspace/enquiries/${stored.id}`).expect(200);
    expect(view.text).toContain("Is the course open to officials");
    expect(view.text).not.toContain("maya.santos@example.net");

    smtp.messages.length = 0;
    await sendReply(editor.agent, stored.id, csrfTokenIn(view.text), {
      body: "Yes: the next course starts in March; apply through your training unit.",
      replyTo: "training@border-academy.example",
    }).expect(303);
    const [reply] = await smtp.waitFor(1);
    expect(smtp.to("maya.santos@example.net")).toHaveLength(1);
    expect(reply.from?.text).toContain("catalogue@rtc.example");
    expect(reply.replyTo?.text).toContain("training@border-academy.example");
    expect(reply.subject).toContain(reference);
    expect(reply.text).toContain("the next course starts in March");
    expect(reply.text).toContain("> Is the course open to officials");

    const answered = await t.dataSource.getRepository(Enquiry).findOneByOrFail({ id: stored.id });
    expect(answered.status).toBe("answered");
    expect(answered.answeredAt).not.toBeNull();
    expect((await editor.agent.get("/workspace/enquiries?status=answered").expect(200)).text).toContain(reference);

    await editor.agent.post(`/workspace/enquiries/${stored.id}/close`).type("form").send({ _csrf: editor.token }).expect(303);
    expect((await t.dataSource.getRepository(Enquiry).findOneByOrFail({ id: stored.id })).status).toBe("closed");
    const closed = await editor.agent.get(`/workspace/enquiries/${stored.id}`).expect(200);
    expect(closed.text).toContain("the next course starts in March");
    expect(closed.text).toContain("Is the course open to officials");

    smtp.messages.length = 0;
    const refused = await sendReply(editor.agent, stored.id, editor.token, { body: "One more thing.", replyTo: "" });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("This enquiry is closed");
    expect(await t.dataSource.getRepository(EnquiryMessage).countBy({ enquiryId: stored.id })).toBe(2);
    expect(await t.dataSource.getRepository(MailOutboxEntry).count()).toBe(0);

    // People of another organisation do not see it.
    const other = await buildOrganisation(t);
    const outsider = await signedIn(t, { email: "editor@elsewhere.example", organisationId: other.id, role: "editor" });
    await outsider.agent.get(`/workspace/enquiries/${stored.id}`).expect(404);
    expect((await outsider.agent.get("/workspace/enquiries?status=closed").expect(200)).text).not.toContain(reference);
  });

  it("writes each mail in its reader's language: the sender's in the page's, the owner's in their account's", async () => {
    const org = await buildOrganisation(t, { name: "Akademi Imigrasi" });
    const listing = await buildResource(t, { ownerId: org.id, title: "Travel document examination" });
    const editor = await signedIn(t, { email: `editor.vi@${org.slug}.example`, organisationId: org.id, role: "editor" });
    // Choosing a language while signed in stores it in the account.
    await editor.agent.get("/workspace?lang=vi").expect(200);
    const sender = request.agent(t.app);
    await sender.get("/?lang=id").expect(200);
    expect((await ask(t, listing.slug, { email: "budi@example.id" }, sender)).status).toBe(303);
    const stored = await t.dataSource.getRepository(Enquiry).findOneByOrFail({ senderEmail: "budi@example.id" });
    expect(stored.senderLanguage).toBe("id");

    await smtp.waitFor(2);
    const [confirmation] = smtp.to("budi@example.id");
    expect(confirmation.subject).toBe(`Pertanyaan Anda tentang "Travel document examination" (${stored.reference})`);
    expect(confirmation.text).toContain("Yth. Maya Santos,");
    expect(confirmation.text).toContain("telah diteruskan kepada Akademi Imigrasi");
    expect(confirmation.text).toContain(`https://rtc.example/resources/${listing.slug}?lang=id`);
    const [notification] = smtp.to(`editor.vi@${org.slug}.example`);
    expect(notification.subject).toBe(`Yêu cầu thông tin về "Travel document examination" (${stored.reference})`);
    expect(notification.text).toContain("Người gửi: Maya Santos, Bureau of Immigration, PHL");
    expect(notification.text).toContain("Is the course open to officials from our bureau next year?");

    smtp.messages.length = 0;
    const view = await editor.agent.get(`/workspace/enquiries/${stored.id}`).expect(200);
    await sendReply(editor.agent, stored.id, csrfTokenIn(view.text), { body: "Ya, pendaftaran dibuka pada bulan Maret.", replyTo: "" }).expect(303);
    const [reply] = await smtp.waitFor(1);
    // The owner reads Vietnamese; the reply is written in the sender's Indonesian.
    expect(reply.subject).toBe(`Re: pertanyaan Anda tentang "Travel document examination" (${stored.reference})`);
    expect(reply.text).toContain("Akademi Imigrasi menjawab pertanyaan Anda");
    expect(reply.text).toContain("Alamat ini tidak menerima balasan");
    expect(reply.text).toContain("> Is the course open to officials");
  });

  it("sends the owner the sender's address only with their consent", async () => {
    const org = await buildOrganisation(t);
    const listing = await buildResource(t, { ownerId: org.id });
    const editor = await signedIn(t, { email: `editor.consent@${org.slug}.example`, organisationId: org.id, role: "editor" });
    await ask(t, listing.slug, { email: "consenting@example.net", consent: "yes" }).then((r) => expect(r.status).toBe(303));
    await smtp.waitFor(2);
    expect(smtp.to(`editor.consent@${org.slug}.example`)[0].text).toContain("Email: consenting@example.net");
    const enquiry = await t.dataSource.getRepository(Enquiry).findOneByOrFail({ senderEmail: "consenting@example.net" });
    expect((await editor.agent.get(`/workspace/enquiries/${enquiry.id}`).expect(200)).text).toContain("consenting@example.net");
  });

  it("routes an organisation's enquiries to the curators while nobody of it has signed up, and says so", async () => {
    const org = await buildOrganisation(t, { name: "Unstaffed Institute" });
    const listing = await buildResource(t, { ownerId: org.id });
    const curator = await signedIn(t, { email: "curator@rso.example", siteRole: "curator" });
    const page = await request(t.app).get(`/resources/${listing.slug}`).expect(200);
    expect(page.text).toContain("Nobody of Unstaffed Institute has signed up to the catalogue yet");
    expect(page.text).toContain("curators of the Regional Support Office");

    expect((await ask(t, listing.slug, { email: "routed@example.net" })).status).toBe(303);
    const enquiry = await t.dataSource.getRepository(Enquiry).findOneByOrFail({ senderEmail: "routed@example.net" });
    expect(enquiry.routedToCurators).toBe(true);
    await smtp.waitFor(2);
    const [notification] = smtp.to("curator@rso.example");
    expect(notification.subject).toContain("For Unstaffed Institute");
    expect(notification.text).toContain("Please forward it to the organisation");
    const inbox = await curator.agent.get("/workspace/enquiries").expect(200);
    expect(inbox.text).toContain(enquiry.reference);
    expect(inbox.text).toContain("please forward them");
    await curator.agent.get(`/workspace/enquiries/${enquiry.id}`).expect(200);
  });

  it("refuses bad input with a clear message, keeps nothing and sends nothing", async () => {
    const listing = await buildResource(t);
    const before = await t.dataSource.getRepository(Enquiry).count();
    const cases: Array<[Record<string, string>, string]> = [
      [{ name: "Maya\r\nBcc: victim@example.org" }, "must be on one line"],
      [{ email: "maya@example.net\r\nBcc: victim@example.org" }, "must be on one line"],
      [{ email: "not an address" }, "must be an email address"],
      [{ message: "x".repeat(5001) }, "must be at most 5,000 characters"],
      [{ message: "" }, "Your question"],
      [{ country: "Atlantis" }, "choose a country"],
      [{ extra: "field" }, "is not a known parameter"],
    ];
    for (const [fields, expected] of cases) {
      const res = await ask(t, listing.slug, fields);
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(res.text).toContain("Your question was not sent");
      expect(res.text).toContain(expected);
    }
    // The typed values come back, escaped.
    const html = await ask(t, listing.slug, { name: "<b>Maya</b>", email: "bad" });
    expect(html.text).toContain("&lt;b&gt;Maya&lt;/b&gt;");
    expect(html.text).not.toContain("<b>Maya</b>");

    const v = await visitor(t);
    const missing = await v.agent
      .post("/resources/no-such-listing/enquiries")
      .type("form")
      .send({ _csrf: v.token, ...question() });
    expect(missing.status).toBe(404);
    expect(missing.text).toContain("No listing has this address");
    const archived = await buildResource(t, { status: "archived" });
    const gone = await v.agent
      .post(`/resources/${archived.slug}/enquiries`)
      .type("form")
      .send({ _csrf: v.token, ...question() });
    expect(gone.status).toBe(404);
    const noToken = await request(t.app).post(`/resources/${listing.slug}/enquiries`).type("form").send(question());
    expect(noToken.status).toBe(403);
    expect(await t.dataSource.getRepository(Enquiry).count()).toBe(before);
  });

  it("shows HTML in a message as text", async () => {
    const org = await buildOrganisation(t);
    const listing = await buildResource(t, { ownerId: org.id });
    const editor = await signedIn(t, { email: `editor.html@${org.slug}.example`, organisationId: org.id, role: "editor" });
    await ask(t, listing.slug, { email: "html@example.net", message: '<script>alert("x")</script> <img src=x onerror=alert(1)> Is it free?' }).then((r) => expect(r.status).toBe(303));
    const enquiry = await t.dataSource.getRepository(Enquiry).findOneByOrFail({ senderEmail: "html@example.net" });
    const page = await editor.agent.get(`/workspace/enquiries/${enquiry.id}`).expect(200);
    expect(page.text).toContain("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;");
    expect(page.text).not.toContain("<script>alert");
    expect(page.text).not.toContain("<img src=x");
  });

  it("keeps what a filled honeypot sends out of the store and the mail", async () => {
    const listing = await buildResource(t);
    const before = await t.dataSource.getRepository(Enquiry).count();
    const res = await ask(t, listing.slug, { fax: "http://spam.example", email: "robot@example.net" });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/\/enquiries\/sent\?reference=RTC-/);
    expect(await t.dataSource.getRepository(Enquiry).count()).toBe(before);
    expect(await t.dataSource.getRepository(MailOutboxEntry).countBy({ toAddress: "robot@example.net" })).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.to("robot@example.net")).toHaveLength(0);
  });
});

describe("enquiry rate limits", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ demo: false, services: { enquiryLimits: { perAddressPerHour: 3, perListingPerDay: 2 } } });
  });
  afterAll(() => t.close());

  it("stops a listing's enquiries past its limit, and an address's past its own", async () => {
    const first = await buildResource(t);
    const second = await buildResource(t);
    expect((await ask(t, first.slug, { email: "a1@example.net" })).status).toBe(303);
    expect((await ask(t, first.slug, { email: "a2@example.net" })).status).toBe(303);
    const listingLimited = await ask(t, first.slug, { email: "a3@example.net" });
    expect(listingLimited.status).toBe(429);
    expect(listingLimited.text).toContain("too many questions came from your address or to this listing");
    expect(listingLimited.headers["retry-after"]).toMatch(/^\d+$/);
    // The same address has now used its three.
    const addressLimited = await ask(t, second.slug, { email: "a4@example.net" });
    expect(addressLimited.status).toBe(429);
    expect(await t.dataSource.getRepository(Enquiry).count()).toBe(2);
  });
});

describe("an SMTP outage", () => {
  it("loses no enquiry: its mails wait in the outbox, show in /readyz, and arrive once when the server is back", async () => {
    const port = await freePort();
    const t = await createTestApp({ demo: false, mail: true, env: { SMTP_URL: `smtp://127.0.0.1:${port}` }, services: { mail: { backoffMs: 200, idleMs: 100 } } });
    let smtp: TestSmtp | null = null;
    try {
      const listing = await buildResource(t);
      await t.services.accounts.create(
        { email: "curator@outage.example", displayName: "Curator", password: "correct horse battery staple 42", organisationId: null, organisationRole: null, siteRole: "curator" },
        SYSTEM_ACTOR,
      );
      expect((await ask(t, listing.slug, { email: "patient@example.net" })).status).toBe(303);
      expect(await t.dataSource.getRepository(Enquiry).countBy({ senderEmail: "patient@example.net" })).toBe(1);

      const ready = await until(
        () =>
          request(t.app)
            .get("/readyz")
            .then((r) => r.body),
        (b) => b.checks?.mail?.outbox?.failing > 0,
      );
      expect(ready.status).toBe("ok");
      expect(ready.checks.mail).toMatchObject({ transport: "smtp", state: "retrying", outbox: { pending: 2 } });
      expect(ready.checks.mail.outbox.lastError).toBeTruthy();

      smtp = await startSmtp(port);
      await smtp.waitFor(2, 30_000);
      await until(
        () => t.services.mailOutbox.stats(),
        (s) => s.pending === 0,
      );
      // Give a second round the chance to send anything twice.
      await new Promise((r) => setTimeout(r, 1500));
      expect(smtp.to("patient@example.net")).toHaveLength(1);
      expect(smtp.to("curator@outage.example")).toHaveLength(1);
      expect(smtp.messages).toHaveLength(2);
      expect((await request(t.app).get("/readyz")).body.checks.mail).toMatchObject({ state: "ok", outbox: { pending: 0 } });
    } finally {
      await t.close();
      await smtp?.close();
    }
  });
});
