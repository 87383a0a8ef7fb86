import type { Logger } from "pino";
import { OutboxWorker } from "../../db/outbox";
import type { Mailer } from "../accounts/mailer";
import type { MailOutbox } from "./mail-outbox.service";

export interface MailWorkerOptions {
  /** Mails taken per round. */
  batchSize?: number;
  /** Pause between rounds when there is nothing to do (a new mail in this process wakes it at once). */
  idleMs?: number;
}

/**
 * Drains the mail outbox: claims due mails, hands each to the SMTP server, and deletes it only
 * when the server took it. A failure leaves the mail with a later retry time and the error,
 * visible in the logs and in /readyz.
 */
export class MailWorker extends OutboxWorker {
  /** True while the last attempt reached the SMTP server (or there is none to reach). */
  healthy = true;

  constructor(
    private readonly outbox: MailOutbox,
    private readonly mailer: Mailer,
    logger: Logger,
    private readonly options: MailWorkerOptions = {},
  ) {
    super(outbox, logger, options.idleMs ?? 1000);
  }

  protected round(): Promise<number> {
    return this.drainOnce();
  }

  /** One round: sends the mails due now. Returns how many went. */
  async drainOnce(): Promise<number> {
    const rows = await this.outbox.claim(this.options.batchSize ?? 20);
    let sent = 0;
    for (const row of rows) {
      try {
        await this.mailer.deliver({ to: row.toAddress, subject: row.subject, text: row.body, replyTo: row.replyTo });
      } catch (cause) {
        const error = cause instanceof Error ? cause.message : String(cause);
        if (this.healthy) this.logger.warn({ kind: row.kind, attempts: row.attempts + 1, error }, "mail not sent; will retry");
        // Unhealthy before the failure is recorded, so that /readyz never shows the one without the other.
        this.healthy = false;
        await this.outbox.fail(row, error);
        // The server is away: the rest of this round would fail the same way.
        for (const rest of rows.slice(rows.indexOf(row) + 1)) await this.outbox.fail(rest, error);
        return sent;
      }
      await this.outbox.complete(row);
      this.healthy = true;
      sent++;
    }
    return sent;
  }
}
