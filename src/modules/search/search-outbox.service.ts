import type { EntityManager } from "typeorm";
import { SearchOutboxEntry } from "./search-outbox.entity";

/** Records that a searchable entity changed. Called inside the transaction that changes it. */
export class SearchOutbox {
  async enqueue(manager: EntityManager, entityType: "resource", entityId: number): Promise<void> {
    await manager.getRepository(SearchOutboxEntry).insert({ entityType, entityId, attempts: 0, nextAttemptAt: null, lastError: null });
  }

  /** Rows not yet taken up by the index. */
  async pending(manager: EntityManager): Promise<number> {
    return manager.getRepository(SearchOutboxEntry).count();
  }
}
