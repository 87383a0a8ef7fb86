import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, DateTimeColumn } from "../../db/columns";

/**
 * A mail to send, written in the same transaction as the change that causes it. The mail worker
 * sends it and deletes the row only once the SMTP server took it, so an outage loses nothing.
 */
@Entity("mail_outbox")
export class MailOutboxEntry {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** What the mail is for ("enquiry-confirmation", "enquiry-notification", "enquiry-reply", ...). */
  @Column({ type: "varchar", length: 40 })
  kind: string;

  @Column({ type: "varchar", length: 254 })
  toAddress: string;

  @Column({ type: "varchar", length: 254, nullable: true })
  replyTo: string | null;

  @Column({ type: "varchar", length: 300 })
  subject: string;

  @Column({ type: "text" })
  body: string;

  /** The enquiry the mail is about: deleting the enquiry deletes its unsent mails too. */
  @Index("IDX_mail_outbox_enquiry")
  @Column({ type: "integer", nullable: true })
  enquiryId: number | null;

  @CreatedAtColumn()
  createdAt: Date;

  @Column({ type: "integer", default: 0 })
  attempts: number;

  @Index("IDX_mail_outbox_next_attempt")
  @DateTimeColumn({ nullable: true })
  nextAttemptAt: Date | null;

  @Column({ type: "text", nullable: true })
  lastError: string | null;
}
