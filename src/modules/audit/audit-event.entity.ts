import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { CreatedAtColumn, JsonColumn } from "../../db/columns";

/** Who changed what, when. Rows are only ever added. */
@Entity("audit_events")
@Index(["entityType", "entityId"])
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @CreatedAtColumn()
  createdAt: Date;

  /** Null for the system (seeds, imports from the command line). */
  @Column({ type: "integer", nullable: true })
  actorId: number | null;

  /** Who it was, as shown (kept when the user is gone). */
  @Column({ type: "varchar", length: 254 })
  actorLabel: string;

  /** "resource.created", "resource.updated", ... */
  @Column({ type: "varchar", length: 60 })
  action: string;

  @Column({ type: "varchar", length: 40 })
  entityType: string;

  @Column({ type: "varchar", length: 64 })
  entityId: string;

  @Index()
  @Column({ type: "integer", nullable: true })
  organisationId: number | null;

  /** Changed fields: { field: [before, after] }. */
  @JsonColumn({ nullable: true })
  changes: Record<string, [unknown, unknown]> | null;
}
