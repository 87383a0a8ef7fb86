import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn } from "../../db/columns";
import { User } from "../accounts/user.entity";
import { Enquiry } from "./enquiry.entity";

/** One message of an enquiry's thread: the sender's question ("in") or an owner's reply ("out"). */
@Entity("enquiry_messages")
export class EnquiryMessage {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Index("IDX_enquiry_messages_enquiry")
  @Column({ type: "integer" })
  enquiryId: number;

  @ManyToOne(() => Enquiry, (e) => e.messages, { onDelete: "CASCADE" })
  @JoinColumn({ name: "enquiry_id" })
  enquiry?: Enquiry;

  @Column({ type: "varchar", length: 10 })
  direction: "in" | "out";

  @Column({ type: "integer", nullable: true })
  authorId: number | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "author_id" })
  author?: User | null;

  @Column({ type: "varchar", length: 120, nullable: true })
  authorName: string | null;

  @Column({ type: "text" })
  body: string;

  /** The address a reply named for the sender's answers. */
  @Column({ type: "varchar", length: 254, nullable: true })
  replyTo: string | null;

  @CreatedAtColumn()
  createdAt: Date;
}
