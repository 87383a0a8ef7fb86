import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, DateTimeColumn } from "../../db/columns";

/**
 * A change to something searchable, written in the same transaction as the change. The search
 * worker sends the latest state of the entity to the index and deletes the row only once the index
 * has it, so a crash anywhere loses nothing.
 */
@Entity("search_outbox")
export class SearchOutboxEntry {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** "resource". */
  @Column({ type: "varchar", length: 40 })
  entityType: string;

  @Index()
  @Column({ type: "integer" })
  entityId: number;

  @CreatedAtColumn()
  createdAt: Date;

  @Column({ type: "integer", default: 0 })
  attempts: number;

  @Index()
  @DateTimeColumn({ nullable: true })
  nextAttemptAt: Date | null;

  @Column({ type: "text", nullable: true })
  lastError: string | null;
}
