import nodemailer, { type Transporter } from "nodemailer";
import type { Logger } from "pino";
import type { Config } from "../../config";

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** Where the recipient's answer goes, when not to the catalogue's own address. */
  replyTo?: string | null;
}

/** A mail as the development mailbox page shows it. */
export interface KeptMail extends Mail {
  at: Date;
}

/** How many unsent mails the development mailbox keeps (newest first). */
const KEPT_MAILS = 100;

/**
 * Sends mail through SMTP when `SMTP_URL` is set. Without it nothing is sent: the mail is written to
 * the log (its text only outside production) and kept for the development mailbox page.
 */
export class Mailer {
  private readonly transport: Transporter | null;
  private readonly kept: KeptMail[] = [];

  constructor(
    private readonly config: Pick<Config, "mail"> & Partial<Pick<Config, "env">>,
    private readonly logger: Logger,
  ) {
    this.transport = config.mail.smtpUrl ? nodemailer.createTransport({ url: config.mail.smtpUrl, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 }) : null;
  }

  get enabled(): boolean {
    return this.transport !== null;
  }

  /** The catalogue's own sender address. */
  get from(): string {
    return this.config.mail.from;
  }

  /** True when the mail went out; false when there is no SMTP server (or it refused), which is logged. */
  async send(mail: Mail): Promise<boolean> {
    if (!this.transport) {
      this.keep(mail);
      return false;
    }
    try {
      await this.deliver(mail);
      return true;
    } catch (error) {
      this.logger.error({ err: error, to: mail.to, subject: mail.subject }, "mail could not be sent");
      return false;
    }
  }

  /**
   * Hands the mail to the SMTP server, throwing when it does not take it. Without a server the mail
   * goes to the log and the development mailbox, and counts as delivered.
   */
  async deliver(mail: Mail): Promise<void> {
    if (!this.transport) {
      this.keep(mail);
      return;
    }
    await this.transport.sendMail({ from: this.config.mail.from, to: mail.to, subject: mail.subject, text: mail.text, ...(mail.replyTo ? { replyTo: mail.replyTo } : {}) });
  }

  /** The latest mails that had no SMTP server to go to, newest first. */
  recent(): KeptMail[] {
    return [...this.kept];
  }

  private keep(mail: Mail): void {
    // In production a mail's text is personal data: neither logged nor kept.
    if (this.config.env === "production") {
      this.logger.warn({ to: mail.to, subject: mail.subject }, "no SMTP server configured: mail not sent");
      return;
    }
    this.logger.info({ to: mail.to, subject: mail.subject, text: mail.text }, "no SMTP server configured: mail not sent");
    this.kept.unshift({ ...mail, at: new Date() });
    this.kept.length = Math.min(this.kept.length, KEPT_MAILS);
  }
}
