import nodemailer, { type Transporter } from "nodemailer";
import type { Logger } from "pino";
import type { Config } from "../../config";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends mail through SMTP when `SMTP_URL` is set. Without it nothing is sent: callers show the
 * message's link to the person acting, and it is written to the log.
 */
export class Mailer {
  private readonly transport: Transporter | null;

  constructor(
    private readonly config: Pick<Config, "mail">,
    private readonly logger: Logger,
  ) {
    this.transport = config.mail.smtpUrl ? nodemailer.createTransport(config.mail.smtpUrl) : null;
  }

  get enabled(): boolean {
    return this.transport !== null;
  }

  /** True when the mail went out; false when there is no SMTP server (or it refused), which is logged. */
  async send(mail: Mail): Promise<boolean> {
    if (!this.transport) {
      this.logger.info({ to: mail.to, subject: mail.subject, text: mail.text }, "no SMTP server configured: mail not sent");
      return false;
    }
    try {
      await this.transport.sendMail({ from: this.config.mail.from, ...mail });
      return true;
    } catch (error) {
      this.logger.error({ err: error, to: mail.to, subject: mail.subject }, "mail could not be sent");
      return false;
    }
  }
}
