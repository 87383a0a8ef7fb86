import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Enquiry } from "../../src/modules/enquiries/enquiry.entity";
import { EnquiryMessage } from "../../src/modules/enquiries/enquiry-message.entity";
import { MailOutboxEntry } from "../../src/modules/mail/mail-outbox.entity";
import { createTestApp, TestApp } from "../helpers/app";
import { ask, until } from "../helpers/enquiries";
import { buildOrganisation, buildResource } from "../helpers/factories";
import { csrfTokenIn, signedIn } from "../helpers/sessions";

describe("what curators oversee", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ demo: false, services: { enquiryLimits: { perAddressPerHour: 1000, perListingPerDay: 1000 } } });
  });
  afterAll(() => t.close());

  const backdate = (id: number, days: number, answeredAfterHours: number | null = null) => {
    const createdAt = new Date(Date.now() - days * 86_400_000);
    const answeredAt = answeredAfterHours === null ? null : new Date(createdAt.getTime() + answeredAfterHours * 3_600_000);
    return t.dataSource.getRepository(Enquiry).update({ id }, { createdAt, answeredAt, status: answeredAt ? "answered" : "open" });
  };
  const enquiryOf = (email: string) => t.dataSource.getRepository(Enquiry).findOneByOrFail({ senderEmail: email });

  it("lists enquiries unanswered after ten working days per organisation, and shows each organisation's median time to answer", async () => {
    const slow = await buildOrganisation(t, { name: "Slow Answering Agency" });
    const quick = await buildOrganisation(t, { name: "Quick Answering Agency" });
    const slowListing = await buildResource(t, { ownerId: slow.id });
    const quickListing = await buildResource(t, { ownerId: quick.id });
    await ask(t, slowListing.slug, { email: "old@example.net" });
    await ask(t, slowListing.slug, { email: "recent@example.net" });
    await ask(t, quickListing.slug, { email: "q1@example.net" });
    await ask(t, quickListing.slug, { email: "q2@example.net" });
    await ask(t, quickListing.slug, { email: "q3@example.net" });
    await backdate((await enquiryOf("old@example.net")).id, 20);
    await backdate((await enquiryOf("recent@example.net")).id, 3);
    await backdate((await enquiryOf("q1@example.net")).id, 30, 2);
    await backdate((await enquiryOf("q2@example.net")).id, 30, 6);
    await backdate((await enquiryOf("q3@example.net")).id, 30, 100);

    const curator = await signedIn(t, { email: "curator@oversight.example", siteRole: "curator" });
    const overdue = await curator.agent.get("/workspace/enquiries/overdue").expect(200);
    expect(overdue.text).toContain("Slow Answering Agency: 1");
    expect(overdue.text).toContain((await enquiryOf("old@example.net")).reference);
    expect(overdue.text).not.toContain((await enquiryOf("recent@example.net")).reference);
    expect(overdue.text).not.toContain("Quick Answering Agency");
    const editor = await signedIn(t, { email: "editor@slow.example", organisationId: slow.id, role: "editor" });
    await editor.agent.get("/workspace/enquiries/overdue").expect(404);

    const coverage = await request(t.app).get("/coverage").expect(200);
    const row = (name: string) => new RegExp(`${name}</a></th>(.*?)</tr>`, "s").exec(coverage.text)?.[1] ?? "";
    expect(row("Quick Answering Agency")).toContain("6 hours");
    expect(row("Quick Answering Agency")).toContain('<td class="number">3</td>');
    expect(row("Slow Answering Agency")).toContain("—");
  });

  it("deletes enquiries past the retention period, with their threads and unsent mails", async () => {
    const listing = await buildResource(t);
    await ask(t, listing.slug, { email: "ancient@example.net" });
    await ask(t, listing.slug, { email: "fresh@example.net" });
    const ancient = await enquiryOf("ancient@example.net");
    await backdate(ancient.id, 25 * 31);
    expect(await t.dataSource.getRepository(MailOutboxEntry).countBy({ enquiryId: ancient.id })).toBeGreaterThan(0);
    const removed = await t.services.enquiries.purgeExpired();
    expect(removed).toBe(1);
    expect(await t.dataSource.getRepository(Enquiry).countBy({ id: ancient.id })).toBe(0);
    expect(await t.dataSource.getRepository(EnquiryMessage).countBy({ enquiryId: ancient.id })).toBe(0);
    expect(await t.dataSource.getRepository(MailOutboxEntry).countBy({ enquiryId: ancient.id })).toBe(0);
    expect(await t.dataSource.getRepository(Enquiry).countBy({ senderEmail: "fresh@example.net" })).toBe(1);
  });

  it("lets a curator delete every enquiry of one sender on request", async () => {
    const listing = await buildResource(t);
    const other = await buildResource(t);
    await ask(t, listing.slug, { email: "Forget.Me@example.net" });
    await ask(t, other.slug, { email: "forget.me@example.net" });
    await ask(t, other.slug, { email: "keep.me@example.net" });
    const curator = await signedIn(t, { email: "curator@erasure.example", siteRole: "curator" });
    const form = await curator.agent.get("/workspace/enquiries/erase").expect(200);
    const bad = await curator.agent
      .post("/workspace/enquiries/erase")
      .type("form")
      .send({ _csrf: csrfTokenIn(form.text), email: "x\r\ny" });
    expect(bad.status).toBe(400);
    const done = await curator.agent
      .post("/workspace/enquiries/erase")
      .type("form")
      .send({ _csrf: csrfTokenIn(form.text), email: "FORGET.me@example.net" })
      .expect(200);
    expect(done.text).toContain("2 enquiries were deleted");
    expect(await t.dataSource.getRepository(Enquiry).countBy({ senderEmail: "forget.me@example.net" })).toBe(0);
    expect(await t.dataSource.getRepository(Enquiry).countBy({ senderEmail: "keep.me@example.net" })).toBe(1);
    const editor = await signedIn(t, { email: "editor@erasure.example", organisationId: listing.ownerId, role: "editor" });
    await editor.agent.post("/workspace/enquiries/erase").type("form").send({ _csrf: editor.token, email: "keep.me@example.net" }).expect(404);
  });
});

describe("outside development", () => {
  it("has no development mailbox", async () => {
    const other = await createTestApp({ demo: false });
    try {
      await request(other.app).get("/dev/mailbox").expect(404);
    } finally {
      await other.close();
    }
  });
});

describe("mail in development without an SMTP server", () => {
  it("goes to the log and to the development mailbox page, which no other setting shows", async () => {
    const dev = await createTestApp({ demo: false, mail: true, env: { NODE_ENV: "development", LOG_LEVEL: "silent" } });
    try {
      const listing = await buildResource(dev);
      expect((await ask(dev, listing.slug, { email: "dev.sender@example.net" })).status).toBe(303);
      const enquiry = await dev.dataSource.getRepository(Enquiry).findOneByOrFail({ senderEmail: "dev.sender@example.net" });
      await until(
        () => dev.services.mailOutbox.stats(),
        (s) => s.pending === 0,
      );
      const mailbox = await request(dev.app).get("/dev/mailbox").expect(200);
      expect(mailbox.text).toContain(`Your question about &#34;${listing.title}&#34; (${enquiry.reference})`);
      expect(mailbox.text).toContain("To dev.sender@example.net");
    } finally {
      await dev.close();
    }
  });
});
