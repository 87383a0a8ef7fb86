import { randomBytes } from "node:crypto";
import { DataSource, In, LessThan } from "typeorm";
import { AppError, NotFoundError } from "../../http/errors";
import { translator } from "../../i18n/i18n";
import { DEFAULT_LANGUAGE, supportedLanguage } from "../../i18n/languages";
import type { AccountService } from "../accounts/account.service";
import { belongsTo, isCurator, type Viewer } from "../accounts/policies";
import type { Actor, AuditService } from "../audit/audit.service";
import type { MailOutbox, OutgoingMail } from "../mail/mail-outbox.service";
import { EnquiryMessage } from "./enquiry-message.entity";
import { Enquiry, type EnquiryStatus } from "./enquiry.entity";
import { median, workingDaysBetween } from "./working-days";
import { message } from "../../i18n/message";

/** An enquiry unanswered for longer than this many working days shows in the curators' list. */
export const OVERDUE_WORKING_DAYS = 10;

/** What the "Ask the owner" form sends, once validated. */
export interface EnquiryInput {
  name: string;
  email: string;
  organisation: string | null;
  country: string | null;
  message: string;
  shareEmail: boolean;
  /** The interface language of the page the question was asked from: the sender's mails are written in it. */
  language: string;
}

/** The listing an enquiry is about, as the catalogue gives it. */
export interface EnquiryListing {
  id: number;
  slug: string;
  title: string;
  ownerId: number;
  ownerName: string;
}

export interface EnquiryOptions {
  /** Base address of the site, for links in mails. */
  publicUrl: string;
  retentionMonths: number;
}

/** A reply to a closed enquiry, and similar requests that no longer fit the enquiry's state: 409. */
export class EnquiryStateError extends AppError {
  constructor(message: string) {
    super(409, "enquiry_state", message);
  }
}

/** May read, answer and close the enquiry: its organisation's people, and the curators. */
export const canAnswerEnquiry = (viewer: Viewer, enquiry: Pick<Enquiry, "organisationId">): boolean => isCurator(viewer) || belongsTo(viewer, enquiry.organisationId);

const REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** A reference such as "RTC-7K3M-Q9XD": no 0/O or 1/I/L to misread. */
export function newReference(): string {
  const bytes = randomBytes(8);
  const chars = [...bytes].map((b) => REFERENCE_ALPHABET[b % REFERENCE_ALPHABET.length]).join("");
  return `RTC-${chars.slice(0, 4)}-${chars.slice(4)}`;
}

export interface InboxCounts {
  open: number;
  answered: number;
  closed: number;
}

/**
 * Enquiries: a visitor's question to a listing's owner, stored first and mailed through the mail
 * outbox in the same transaction; the owner's inbox, replies and closing; what curators oversee.
 */
export class EnquiryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountService,
    private readonly audit: AuditService,
    private readonly mail: MailOutbox,
    private readonly options: EnquiryOptions,
  ) {}

  /** How long enquiries are kept, in months. */
  get retentionMonths(): number {
    return this.options.retentionMonths;
  }

  /** True when nobody of the organisation has signed up, so that its enquiries go to the curators. */
  async routedToCurators(organisationId: number): Promise<boolean> {
    return (await this.accounts.signedUpMembersOf(organisationId)).length === 0;
  }

  /** Stores the enquiry and its first message, and queues the sender's confirmation and the notifications. */
  async submit(listing: EnquiryListing, input: EnquiryInput): Promise<Enquiry> {
    const members = await this.accounts.signedUpMembersOf(listing.ownerId);
    const toCurators = members.length === 0;
    const recipients = toCurators ? await this.accounts.activeCurators() : members;
    const saved = await this.dataSource.transaction(async (manager) => {
      const enquiries = manager.getRepository(Enquiry);
      const enquiry = await enquiries.save(
        enquiries.create({
          resourceId: listing.id,
          resourceTitle: listing.title.slice(0, 300),
          organisationId: listing.ownerId,
          senderName: input.name,
          senderEmail: input.email,
          senderOrganisation: input.organisation,
          senderCountry: input.country,
          shareEmail: input.shareEmail,
          senderLanguage: supportedLanguage(input.language) ?? DEFAULT_LANGUAGE,
          message: input.message,
          reference: newReference(),
          routedToCurators: toCurators,
          status: "open",
          answeredAt: null,
          closedAt: null,
        }),
      );
      await manager.getRepository(EnquiryMessage).insert({ enquiryId: enquiry.id, direction: "in", authorId: null, authorName: input.name, body: input.message, replyTo: null });
      await this.mail.enqueue(manager, [this.confirmation(enquiry, listing), ...recipients.map((r) => this.notification(enquiry, listing, r, toCurators))]);
      return enquiry;
    });
    this.mail.notify();
    return saved;
  }

  /** A link to a page of the site, opening in the given language. */
  private link(path: string, language: string): string {
    return `${this.options.publicUrl}${path}${language === DEFAULT_LANGUAGE ? "" : `?lang=${language}`}`;
  }

  private confirmation(enquiry: Enquiry, listing: EnquiryListing): OutgoingMail {
    // The question itself is not repeated: the form must not become a way to mail any text to anyone.
    const { t } = translator(enquiry.senderLanguage);
    const reference = enquiry.reference ?? "";
    return {
      kind: "enquiry-confirmation",
      enquiryId: enquiry.id,
      to: enquiry.senderEmail,
      subject: t("mail.enquiryConfirmation.subject", { title: listing.title, reference }),
      text: t("mail.enquiryConfirmation.body", {
        name: enquiry.senderName,
        title: listing.title,
        recipient: enquiry.routedToCurators ? t("mail.enquiryConfirmation.viaCurators", { owner: listing.ownerName }) : listing.ownerName,
        reference,
        link: this.link(`/resources/${encodeURIComponent(listing.slug)}`, enquiry.senderLanguage),
      }),
    };
  }

  /** The owner's (or a curator's) notification, in the language of their account. */
  private notification(enquiry: Enquiry, listing: EnquiryListing, recipient: { email: string; language?: string | null }, toCurators: boolean): OutgoingMail {
    const language = supportedLanguage(recipient.language) ?? DEFAULT_LANGUAGE;
    const { t } = translator(language);
    const from = [enquiry.senderName, enquiry.senderOrganisation, enquiry.senderCountry].filter(Boolean).join(", ");
    const values = { owner: listing.ownerName, title: listing.title, reference: enquiry.reference ?? "" };
    return {
      kind: "enquiry-notification",
      enquiryId: enquiry.id,
      to: recipient.email,
      subject: t(toCurators ? "mail.enquiryNotification.subjectCurators" : "mail.enquiryNotification.subject", values),
      text: t("mail.enquiryNotification.body", {
        intro: t(toCurators ? "mail.enquiryNotification.introCurators" : "mail.enquiryNotification.intro", values),
        from,
        email: enquiry.shareEmail ? t("mail.enquiryNotification.email", { email: enquiry.senderEmail }) : t("mail.enquiryNotification.emailHidden"),
        message: enquiry.message,
        link: `${this.options.publicUrl}/workspace/enquiries/${enquiry.id}`,
      }),
    };
  }

  /** An enquiry with its thread, if this person may answer it; otherwise a 404 that does not tell whether it exists. */
  async findFor(viewer: Viewer, id: number): Promise<Enquiry> {
    const enquiry = Number.isSafeInteger(id) ? await this.dataSource.getRepository(Enquiry).findOne({ where: { id }, relations: { messages: true, organisation: true } }) : null;
    if (!enquiry || !canAnswerEnquiry(viewer, enquiry)) throw new NotFoundError(message("errors.notFound.enquiry"));
    enquiry.messages?.sort((a, b) => a.id - b.id);
    return enquiry;
  }

  /** An organisation's enquiries (all organisations' for a curator without one), newest first, with counts per status. */
  async inbox(organisationId: number | null, status: EnquiryStatus): Promise<{ enquiries: Enquiry[]; counts: InboxCounts }> {
    const repo = this.dataSource.getRepository(Enquiry);
    const where = organisationId === null ? {} : { organisationId };
    const [enquiries, grouped] = await Promise.all([
      repo.find({ where: { ...where, status }, relations: { organisation: true }, order: { id: "DESC" }, take: 200 }),
      repo
        .createQueryBuilder("e")
        .select("e.status", "status")
        .addSelect("COUNT(*)", "n")
        .where(organisationId === null ? "1=1" : "e.organisationId = :organisationId", { organisationId })
        .groupBy("e.status")
        .getRawMany<{ status: EnquiryStatus; n: string | number }>(),
    ]);
    const counts: InboxCounts = { open: 0, answered: 0, closed: 0 };
    for (const g of grouped) if (g.status in counts) counts[g.status] = Number(g.n);
    return { enquiries, counts };
  }

  /** Enquiries routed to the curators because their organisation had nobody signed up, still open. */
  async openRoutedToCurators(): Promise<number> {
    return this.dataSource.getRepository(Enquiry).count({ where: { routedToCurators: true, status: "open" } });
  }

  /** Sends the owner's reply to the sender (from the catalogue's address, with the chosen reply-to) and keeps it in the thread. */
  async reply(viewer: NonNullable<Viewer> & { displayName: string }, id: number, body: string, replyTo: string | null): Promise<Enquiry> {
    const enquiry = await this.findFor(viewer, id);
    if (enquiry.status === "closed") throw new EnquiryStateError(message("enquiries.thread.closedNoReply"));
    // The reply is written in the language the sender asked in, whatever the owner's own language.
    const { t } = translator(enquiry.senderLanguage);
    const organisationName = enquiry.organisation?.name ?? t("mail.enquiryReply.theOwner");
    await this.dataSource.transaction(async (manager) => {
      // The status moves only from what was read, so that a close at the same moment wins cleanly.
      const now = new Date();
      const moved = await manager
        .createQueryBuilder()
        .update(Enquiry)
        .set({ status: "answered", answeredAt: enquiry.answeredAt ?? now })
        .where("id = :id AND status <> :closed", { id: enquiry.id, closed: "closed" })
        .execute();
      if (moved.affected === 0) throw new EnquiryStateError(message("enquiries.thread.closedMeanwhile"));
      await manager.getRepository(EnquiryMessage).insert({ enquiryId: enquiry.id, direction: "out", authorId: viewer.id, authorName: viewer.displayName.slice(0, 120), body, replyTo });
      const original = enquiry.message
        .split("\n")
        .map((line) => `> ${line}`)
        .join("\n");
      await this.mail.enqueue(manager, [
        {
          kind: "enquiry-reply",
          enquiryId: enquiry.id,
          to: enquiry.senderEmail,
          replyTo,
          subject: t("mail.enquiryReply.subject", { title: enquiry.resourceTitle ?? t("mail.enquiryReply.aListing"), reference: enquiry.reference ?? "" }),
          text: t("mail.enquiryReply.body", {
            name: enquiry.senderName,
            organisation: organisationName,
            reference: enquiry.reference ?? "",
            answer: body,
            author: viewer.displayName,
            replyNote: replyTo ? t("mail.enquiryReply.replyTo", { address: replyTo }) : t("mail.enquiryReply.noReply"),
            original,
          }),
        },
      ]);
    });
    this.mail.notify();
    return this.findFor(viewer, id);
  }

  async close(viewer: Viewer, id: number): Promise<void> {
    const enquiry = await this.findFor(viewer, id);
    if (enquiry.status === "closed") return;
    await this.dataSource.getRepository(Enquiry).update({ id: enquiry.id }, { status: "closed", closedAt: new Date() });
  }

  async reopen(viewer: Viewer, id: number): Promise<void> {
    const enquiry = await this.findFor(viewer, id);
    if (enquiry.status !== "closed") return;
    await this.dataSource.getRepository(Enquiry).update({ id: enquiry.id }, { status: enquiry.answeredAt ? "answered" : "open", closedAt: null });
  }

  /** Open enquiries unanswered for more than ten working days, grouped by organisation, most first. */
  async overdue(now = new Date()): Promise<Array<{ organisationId: number; organisationName: string; organisationSlug: string; count: number; oldest: Date; enquiries: Enquiry[] }>> {
    const open = await this.dataSource.getRepository(Enquiry).find({ where: { status: "open" }, relations: { organisation: true }, order: { createdAt: "ASC" } });
    const late = open.filter((e) => workingDaysBetween(e.createdAt, now) > OVERDUE_WORKING_DAYS);
    const groups = new Map<number, { organisationId: number; organisationName: string; organisationSlug: string; count: number; oldest: Date; enquiries: Enquiry[] }>();
    for (const e of late) {
      const group = groups.get(e.organisationId) ?? {
        organisationId: e.organisationId,
        organisationName: e.organisation?.name ?? "",
        organisationSlug: e.organisation?.slug ?? "",
        count: 0,
        oldest: e.createdAt,
        enquiries: [],
      };
      group.count++;
      group.enquiries.push(e);
      groups.set(e.organisationId, group);
    }
    return [...groups.values()].sort((a, b) => b.count - a.count || a.organisationName.localeCompare(b.organisationName));
  }

  /** Per organisation: enquiries received, answered, and the median time from question to first answer, in hours. */
  async answerTimes(): Promise<Map<number, { received: number; answered: number; medianHours: number | null }>> {
    const rows = await this.dataSource.getRepository(Enquiry).find({ select: { organisationId: true, createdAt: true, answeredAt: true } });
    const byOrganisation = new Map<number, { received: number; hours: number[] }>();
    for (const r of rows) {
      const entry = byOrganisation.get(r.organisationId) ?? { received: 0, hours: [] };
      entry.received++;
      if (r.answeredAt) entry.hours.push(Math.max(0, (r.answeredAt.getTime() - r.createdAt.getTime()) / 3_600_000));
      byOrganisation.set(r.organisationId, entry);
    }
    return new Map([...byOrganisation].map(([id, e]) => [id, { received: e.received, answered: e.hours.length, medianHours: median(e.hours) }]));
  }

  /** Deletes enquiries older than the retention period, with their threads and unsent mails. Returns how many. */
  async purgeExpired(now = new Date()): Promise<number> {
    const cutoff = new Date(now);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - this.options.retentionMonths);
    const ids = (await this.dataSource.getRepository(Enquiry).find({ select: { id: true }, where: { createdAt: LessThan(cutoff) } })).map((e) => e.id);
    await this.remove(ids);
    return ids.length;
  }

  /** A curator deletes every enquiry of one sender, on that person's request. Returns how many went. */
  async eraseSender(email: string, actor: Actor): Promise<number> {
    const ids = (await this.dataSource.getRepository(Enquiry).find({ select: { id: true }, where: { senderEmail: email.trim().toLowerCase() } })).map((e) => e.id);
    await this.dataSource.transaction(async (manager) => {
      await this.removeWith(manager, ids);
      // The audit keeps that it happened and how much, not whose (that would keep the address).
      await this.audit.record(manager, actor, { action: "enquiries.erased", entityType: "enquiry", entityId: ids.length, changes: { count: [ids.length, 0] } });
    });
    return ids.length;
  }

  private async remove(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.transaction((manager) => this.removeWith(manager, ids));
  }

  private async removeWith(manager: import("typeorm").EntityManager, ids: number[]): Promise<void> {
    await this.mail.removeForEnquiries(manager, ids);
    for (let i = 0; i < ids.length; i += 500) {
      const batch = ids.slice(i, i + 500);
      await manager.getRepository(EnquiryMessage).delete({ enquiryId: In(batch) });
      await manager.getRepository(Enquiry).delete({ id: In(batch) });
    }
  }
}
