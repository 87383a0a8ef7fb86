import { DataSource, EntityManager, In, IsNull, LessThanOrEqual } from "typeorm";
import { outboxStats, type OutboxStats } from "../../db/outbox";
import { MailOutboxEntry } from "./mail-outbox.entity";

/** Longest wait before a failing mail is tried again. */
const MAX_BACKOFF_MS = 5 * 60_000;

/** How long a worker holds the mails it took before another instance may take them. */
const CLAIM_MS = 2 * 60_000;

export interface OutgoingMail {
  kind: string;
  to: string;
  subject: string;
  text: string;
  replyTo?: string | null;
  enquiryId?: number | null;
}

export interface MailOutboxOptions {
  /** First retry delay; it doubles with each failure up to five minutes. */
  backoffMs?: number;
}

/**
 * The mail outbox. `enqueue` runs inside the transaction of the change a mail is about, so that the
 * mail exists exactly when the change does; the mail worker sends it afterwards.
 */
export class MailOutbox {
  private listeners: Array<() => void> = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: MailOutboxOptions = {},
  ) {}

  async enqueue(manager: EntityManager, mails: OutgoingMail[]): Promise<void> {
    if (mails.length === 0) return;
    await manager.getRepository(MailOutboxEntry).insert(
      mails.map((m) => ({
        kind: m.kind,
        toAddress: m.to,
        replyTo: m.replyTo ?? null,
        subject: m.subject.slice(0, 300),
        body: m.text,
        enquiryId: m.enquiryId ?? null,
        attempts: 0,
        nextAttemptAt: null,
        lastError: null,
      })),
    );
  }

  /** Tells the worker (in this process) that mails are waiting; call after the transaction commits. */
  notify(): void {
    for (const listener of this.listeners) listener();
  }

  onNotify(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * Takes up to `limit` due mails for this worker. Each is claimed with one conditional update (its
   * retry time moves past the claim period), so that two app instances never send the same mail.
   */
  async claim(limit: number, now = new Date()): Promise<MailOutboxEntry[]> {
    const repo = this.dataSource.getRepository(MailOutboxEntry);
    const due = await repo.find({ where: [{ nextAttemptAt: IsNull() }, { nextAttemptAt: LessThanOrEqual(now) }], order: { id: "ASC" }, take: limit });
    const claimed: MailOutboxEntry[] = [];
    const until = new Date(now.getTime() + CLAIM_MS);
    for (const row of due) {
      const result = await repo
        .createQueryBuilder()
        .update(MailOutboxEntry)
        .set({ nextAttemptAt: until })
        .where("id = :id AND attempts = :attempts", { id: row.id, attempts: row.attempts })
        .andWhere("(next_attempt_at IS NULL OR next_attempt_at <= :now)", { now })
        .execute();
      if (result.affected === 1) claimed.push(row);
    }
    return claimed;
  }

  /** The SMTP server took the mail: it goes. */
  async complete(row: MailOutboxEntry): Promise<void> {
    await this.dataSource.getRepository(MailOutboxEntry).delete({ id: row.id });
  }

  /** The mail did not go: it stays, to be tried again later with a growing delay. */
  async fail(row: MailOutboxEntry, error: string, now = new Date()): Promise<void> {
    const attempts = row.attempts + 1;
    const delay = Math.min(MAX_BACKOFF_MS, (this.options.backoffMs ?? 1000) * 2 ** Math.min(attempts - 1, 12));
    await this.dataSource.getRepository(MailOutboxEntry).update({ id: row.id }, { attempts, lastError: error.slice(0, 2000), nextAttemptAt: new Date(now.getTime() + delay) });
  }

  /** Mails of these enquiries that are still waiting (an erasure removes them with the enquiries). */
  async removeForEnquiries(manager: EntityManager, enquiryIds: number[]): Promise<void> {
    for (let i = 0; i < enquiryIds.length; i += 500) await manager.getRepository(MailOutboxEntry).delete({ enquiryId: In(enquiryIds.slice(i, i + 500)) });
  }

  async stats(): Promise<OutboxStats> {
    return outboxStats(this.dataSource.getRepository(MailOutboxEntry));
  }
}
