import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, DateTimeColumn, JsonColumn } from "../../db/columns";
import type { ImportPlan } from "./listing-importer.service";

/** An uploaded import file between its dry run and its commit. */
@Entity("import_batches")
export class ImportBatch {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  /** Random: the batch's address, so that batches cannot be found by counting. */
  @Index({ unique: true })
  @Column({ type: "varchar", length: 64 })
  token: string;

  @Index()
  @Column({ type: "integer" })
  userId: number;

  /** The organisation imported for; null for a curator's import of several organisations. */
  @Column({ type: "integer", nullable: true })
  organisationId: number | null;

  @Column({ type: "varchar", length: 255 })
  fileName: string;

  @Column({ type: "varchar", length: 10 })
  format: string;

  /** The file as uploaded; emptied once committed. */
  @Column({ type: "text" })
  content: string;

  /** What the latest dry run found. */
  @JsonColumn({ nullable: true })
  plan: ImportPlan | null;

  @CreatedAtColumn()
  createdAt: Date;

  @DateTimeColumn({ nullable: true })
  committedAt: Date | null;
}
