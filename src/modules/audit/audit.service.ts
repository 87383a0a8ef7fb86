import type { EntityManager } from "typeorm";
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

/** Writes audit events. Takes the caller's transaction so that the event commits with the change. */
export class AuditService {
  async record(manager: EntityManager, actor: Actor, record: AuditRecord): Promise<void> {
    const events = manager.getRepository(AuditEvent);
    await events.save(events.create({
      actorId: actor.id,
      actorLabel: actor.label,
      action: record.action,
      entityType: record.entityType,
      entityId: String(record.entityId),
      organisationId: record.organisationId ?? null,
      changes: record.changes ?? null,
    }));
  }
}
