import { DataSource, In } from "typeorm";
import { formatTimestamp } from "../../i18n/format";
import { translator } from "../../i18n/i18n";
import type { AccountService } from "../accounts/account.service";
import type { ListingEditor } from "../catalogue/listing-editor.service";
import type { ListingRepository } from "../catalogue/listing.repository";
import { CONFIRM_NOTICE_DAYS, confirmationDueAt, confirmedSince } from "../catalogue/listing-rules";
import type { Resource } from "../catalogue/resource.entity";
import type { MailOutbox, OutgoingMail } from "../mail/mail-outbox.service";
import { Organisation } from "../organisations/organisation.entity";
import type { ConfirmLink, ConfirmLinks } from "./confirm-links";
import type { User } from "../accounts/user.entity";

/** A listing whose yearly confirmation is due within the notice period, or past due. */
export interface DueListing {
  id: number;
  slug: string;
  title: string;
  ownerId: number;
  version: number;
  confirmedSince: Date;
  dueAt: Date;
  overdue: boolean;
}

/** What one link click did, for the page that says so. */
export type LinkOutcome =
  | { kind: "confirmed"; title: string; slug: string; confirmedAt: Date; resourceId: number }
  | { kind: "invalid" }
  | { kind: "expired" }
  | { kind: "used"; title: string; confirmedAt: Date | null; resourceId: number }
  | { kind: "archived"; title: string; resourceId: number };

/** What a link shows before its button is pressed. */
export type LinkPreview = { kind: "ready"; title: string; slug: string; ownerName: string; confirmedSince: Date; dueAt: Date; expiresAt: Date } | Exclude<LinkOutcome, { kind: "confirmed" }>;

/**
 * Owners confirm each published listing at least once a year: which are due, the weekly digest per
 * organisation (each person in their language, with a one-click link per listing), and the links.
 */
export class ConfirmationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly listings: ListingRepository,
    private readonly accounts: AccountService,
    private readonly editor: ListingEditor,
    private readonly mail: MailOutbox,
    private readonly links: ConfirmLinks,
    private readonly options: { publicUrl: string },
  ) {}

  /** Published listings (of one organisation, or every one) due within the notice period or past due, most overdue first. */
  async due(ownerId: number | null, now = new Date()): Promise<DueListing[]> {
    // Due within the notice period: last confirmed (or published, or made) before this moment.
    const horizon = new Date(now.getTime() + CONFIRM_NOTICE_DAYS * 86_400_000);
    const before = new Date(horizon);
    before.setUTCMonth(before.getUTCMonth() - 12);
    const rows = await this.listings.confirmedAtOrBefore(ownerId, before);
    return rows
      .map((r) => {
        const since = confirmedSince(r);
        const dueAt = confirmationDueAt(since);
        return { id: r.id, slug: r.slug, title: r.title, ownerId: r.ownerId, version: r.version, confirmedSince: since, dueAt, overdue: dueAt.getTime() <= now.getTime() };
      })
      .filter((d) => d.dueAt.getTime() <= horizon.getTime())
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
  }

  /**
   * The weekly digest: to each signed-up person of every organisation with listings due, one mail
   * listing them with a confirm link each. Organisations with nobody signed up get none (their
   * listings show as due to the curators). Returns what went out.
   */
  async sendDigests(now = new Date()): Promise<{ organisations: number; mails: number; listings: number; unreached: number }> {
    const due = await this.due(null, now);
    const byOwner = new Map<number, DueListing[]>();
    for (const d of due) byOwner.set(d.ownerId, [...(byOwner.get(d.ownerId) ?? []), d]);
    const organisations = byOwner.size ? await this.dataSource.getRepository(Organisation).findBy({ id: In([...byOwner.keys()]) }) : [];
    let mails = 0;
    let unreached = 0;
    for (const organisation of organisations) {
      const listings = byOwner.get(organisation.id) ?? [];
      const people = await this.accounts.signedUpMembersOf(organisation.id);
      if (people.length === 0) {
        unreached++;
        continue;
      }
      const outgoing = people.map((person) => this.digest(organisation, listings, person, now));
      await this.dataSource.transaction((manager) => this.mail.enqueue(manager, outgoing));
      mails += outgoing.length;
    }
    if (mails) this.mail.notify();
    return { organisations: organisations.length - unreached, mails, listings: due.length, unreached };
  }

  private digest(organisation: Organisation, listings: DueListing[], person: { id: number; email: string; language: string | null; displayName: string }, now: Date): OutgoingMail {
    const language = person.language ?? "en";
    const { t } = translator(language);
    const day = (d: Date) => formatTimestamp(d, language) ?? "";
    const lines = listings.map((l) =>
      t(l.overdue ? "mail.confirmationDigest.overdueItem" : "mail.confirmationDigest.dueItem", {
        title: l.title,
        date: day(l.dueAt),
        since: day(l.confirmedSince),
        link: `${this.options.publicUrl}/confirm/${this.links.make(l.id, person.id, now)}`,
      }),
    );
    return {
      kind: "confirmation-digest",
      to: person.email,
      subject: t("mail.confirmationDigest.subject", { count: listings.length, organisation: organisation.name }),
      text: t("mail.confirmationDigest.body", {
        name: person.displayName,
        organisation: organisation.name,
        count: listings.length,
        listings: lines.join("\n\n"),
        workspace: `${this.options.publicUrl}/workspace`,
      }),
    };
  }

  /** What a confirm link would do, shown before its button is pressed (a GET changes nothing). */
  async preview(token: string, now = new Date()): Promise<LinkPreview> {
    const read = await this.check(token, now);
    if (!("resource" in read)) return read;
    const { resource, link } = read;
    const since = confirmedSince(resource);
    return { kind: "ready", title: resource.title, slug: resource.slug, ownerName: resource.owner?.name ?? "", confirmedSince: since, dueAt: confirmationDueAt(since), expiresAt: link.expiresAt };
  }

  /** Confirms the listing of a link, once. */
  async confirm(token: string, now = new Date()): Promise<LinkOutcome> {
    const read = await this.check(token, now);
    if (!("resource" in read)) return read;
    const { resource, link, person } = read;
    const outcome = await this.editor.confirmFromLink(resource.id, link.issuedAt, { id: person.id, label: `${person.email} (confirm link)` });
    if (outcome.done) return { kind: "confirmed", title: resource.title, slug: resource.slug, confirmedAt: outcome.resource.lastConfirmedAt ?? now, resourceId: resource.id };
    if (outcome.reason === "missing") return { kind: "invalid" };
    if (outcome.reason === "archived") return { kind: "archived", title: resource.title, resourceId: resource.id };
    return { kind: "used", title: resource.title, confirmedAt: outcome.resource?.lastConfirmedAt ?? null, resourceId: resource.id };
  }

  /** Reads a link and what it names; a refusal (as an outcome) when it cannot be used. */
  private async check(token: string, now: Date): Promise<Exclude<LinkOutcome, { kind: "confirmed" }> | { resource: Resource; link: ConfirmLink; person: User }> {
    const read = this.links.read(token, now);
    if (!read.ok) return { kind: read.reason };
    const { link } = read;
    const resource = await this.editor.find(link.resourceId);
    const person = await this.accounts.findById(link.userId);
    // The person must still be one of the listing's organisation (or a curator) and able to sign in.
    const allowed = person && !person.disabled && (person.siteRole === "curator" || (resource && person.organisationId === resource.ownerId && person.organisationRole !== null));
    if (!resource || !allowed) return { kind: "invalid" };
    if (resource.lastConfirmedAt && resource.lastConfirmedAt.getTime() >= link.issuedAt.getTime())
      return { kind: "used", title: resource.title, confirmedAt: resource.lastConfirmedAt, resourceId: resource.id };
    if (resource.status === "archived") return { kind: "archived", title: resource.title, resourceId: resource.id };
    return { resource, link, person };
  }
}
