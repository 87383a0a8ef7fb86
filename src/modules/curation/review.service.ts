import { DataSource, In } from "typeorm";
import { AppError, NotFoundError, ValidationError } from "../../http/errors";
import { translator } from "../../i18n/i18n";
import { DEFAULT_LANGUAGE, supportedLanguage } from "../../i18n/languages";
import { message } from "../../i18n/message";
import type { AccountService } from "../accounts/account.service";
import { User } from "../accounts/user.entity";
import type { Actor } from "../audit/audit.service";
import { ConflictError } from "../catalogue/listing-editor.service";
import type { ListingWriter } from "../catalogue/listing-writer.service";
import type { ListingRepository } from "../catalogue/listing.repository";
import type { Resource } from "../catalogue/resource.entity";
import type { MailOutbox, OutgoingMail } from "../mail/mail-outbox.service";

/** Longest reason a curator may give for sending a listing back. */
export const MAX_REASON = 2000;

/** The listing is not waiting for review (approved or sent back already, or never sent): nothing changed. */
export class NotAwaitingReviewError extends AppError {
  constructor() {
    super(409, "not_awaiting_review", message("review.errors.notAwaiting"));
  }
}

export interface ReviewOptions {
  /** The site's address, for the link in the contributor's mail. */
  publicUrl: string;
}

/**
 * The curators' review of listings from unverified organisations: the queue of listings waiting
 * (`pending`), approving one (it is public at once), or sending it back to its owner with a reason,
 * which is mailed to whoever sent it for review. Each decision is written by the listing writer, with
 * its audit event and search outbox row, and its mail in the same transaction.
 */
export class ReviewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly listings: ListingRepository,
    private readonly accounts: AccountService,
    private readonly writer: ListingWriter,
    private readonly mail: MailOutbox,
    private readonly options: ReviewOptions,
  ) {}

  /** Listings awaiting review, the longest waiting first, with their owner and who sent them. */
  async queue(limit = 500): Promise<Array<{ resource: Resource; submittedBy: User | null }>> {
    const resources = await this.listings.awaitingReview(limit);
    const userIds = [...new Set(resources.map((r) => r.submittedById).filter((id): id is number => id !== null))];
    const users = new Map((userIds.length ? await this.dataSource.getRepository(User).findBy({ id: In(userIds) }) : []).map((u) => [u.id, u]));
    return resources.map((resource) => ({ resource, submittedBy: resource.submittedById === null ? null : (users.get(resource.submittedById) ?? null) }));
  }

  async countWaiting(): Promise<number> {
    return this.listings.countAwaitingReview();
  }

  /** Makes a listing that waits for review public, as it was when the curator read it (`expectedVersion`). */
  async approve(id: number, expectedVersion: number, actor: Actor): Promise<Resource> {
    return this.decide(id, expectedVersion, actor, null);
  }

  /** Sends a listing back to its owner as a draft, with the curator's reason, which is mailed to them. */
  async sendBack(id: number, expectedVersion: number, reason: string, actor: Actor): Promise<Resource> {
    const text = reason.trim();
    if (text === "") throw new ValidationError({ reason: message("review.errors.reasonRequired") });
    if (text.length > MAX_REASON) throw new ValidationError({ reason: message("validation.tooLong", { maximum: MAX_REASON }) });
    return this.decide(id, expectedVersion, actor, text);
  }

  private async decide(id: number, expectedVersion: number, actor: Actor, reason: string | null): Promise<Resource> {
    const saved = await this.writer.transaction(async (manager) => {
      const resource = await this.listings.findWithOwner(manager, id);
      if (!resource) throw new NotFoundError(message("errors.notFound.ownListing"));
      if (resource.status !== "pending") throw new NotAwaitingReviewError();
      if (resource.version !== expectedVersion || !(await this.writer.claimVersion(manager, id, expectedVersion))) throw new ConflictError(resource, {});
      const now = new Date();
      const to = reason === null ? "published" : "draft";
      await this.writer.update(
        manager,
        [
          {
            id,
            ownerId: resource.ownerId,
            columns: { status: to, reviewNote: reason, reviewedAt: now, publishedAt: to === "published" ? (resource.publishedAt ?? now) : resource.publishedAt },
            versionClaimed: true,
            event: {
              action: reason === null ? "resource.approved" : "resource.sent_back",
              changes: { status: ["pending", to], ...(reason === null ? {} : { reviewNote: [resource.reviewNote, reason] }) },
            },
          },
        ],
        actor,
      );
      await this.mail.enqueue(manager, await this.mailsAbout(resource, reason));
      const decided = await this.listings.findWithOwner(manager, id);
      if (!decided) throw new NotFoundError(message("errors.notFound.ownListing"));
      return decided;
    });
    this.mail.notify();
    return saved;
  }

  /** Who hears of the decision: the person who sent the listing for review, or else the organisation's people. */
  private async recipients(resource: Resource): Promise<User[]> {
    const submitter = resource.submittedById === null ? null : await this.dataSource.getRepository(User).findOneBy({ id: resource.submittedById });
    if (submitter && !submitter.disabled && submitter.passwordHash) return [submitter];
    return this.accounts.signedUpMembersOf(resource.ownerId);
  }

  /** The decision's mail to each recipient, in the language of their account. */
  private async mailsAbout(resource: Resource, reason: string | null): Promise<OutgoingMail[]> {
    const link = `${this.options.publicUrl}/workspace/listings/${resource.id}`;
    const mail = (user: User): OutgoingMail => {
      const { t } = translator(supportedLanguage(user.language) ?? DEFAULT_LANGUAGE);
      return reason === null
        ? {
            kind: "review-approved",
            to: user.email,
            subject: t("mail.reviewApproved.subject", { title: resource.title }),
            text: t("mail.reviewApproved.body", { title: resource.title, link }),
          }
        : {
            kind: "review-sent-back",
            to: user.email,
            subject: t("mail.reviewSentBack.subject", { title: resource.title }),
            text: t("mail.reviewSentBack.body", { title: resource.title, reason, link }),
          };
    };
    return (await this.recipients(resource)).map(mail);
  }
}
