import type { DataSource, EntityManager } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import { AuditEvent } from "./audit-event.entity";

/** Who acts: a signed-in user, or the system (seeds, command-line imports). */
export interface Actor {
  id: number | null;
  label: string;
}

export const SYSTEM_ACTOR: Actor = { id: null, label: "system" };

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId: string | number;
  organisationId?: number | null;
  changes?: Record<string, [unknown, unknown]> | null;
}

/** The columns of one event. */
function rowOf(actor: Actor, record: AuditRecord) {
  return {
    actorId: actor.id,
    actorLabel: actor.label,
    action: record.action,
    entityType: record.entityType,
    entityId: String(record.entityId),
    organisationId: record.organisationId ?? null,
    changes: record.changes ?? null,
  };
}

/** Writes audit events (in the caller's transaction, so that the event commits with the change) and reads them. */
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** The latest events of one organisation, or of everything (null), newest first. */
  recent(organisationId: number | null, limit: number): Promise<AuditEvent[]> {
    return this.dataSource.getRepository(AuditEvent).find({
      where: organisationId === null ? {} : { organisationId },
      order: { id: "DESC" },
      take: limit,
    });
  }

  /** Many events at once (a bulk import), in chunked INSERTs. */
  async recordMany(manager: EntityManager, actor: Actor, records: AuditRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 200) {
      const rows = records.slice(i, i + 200).map((record) => rowOf(actor, record));
      await manager
        .createQueryBuilder()
        .insert()
        .into(AuditEvent)
        .values(rows as QueryDeepPartialEntity<AuditEvent>[])
        .updateEntity(false)
        .execute();
    }
  }

  async record(manager: EntityManager, actor: Actor, record: AuditRecord): Promise<void> {
    const events = manager.getRepository(AuditEvent);
    await events.save(events.create(rowOf(actor, record)));
  }
}
