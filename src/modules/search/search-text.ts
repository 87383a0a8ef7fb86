import type { EntityManager } from "typeorm";
import type { DatabaseKind } from "../../config";
import type { SearchDocument } from "./search-engine";
import { MAX_QUERY_WORDS, readQuery } from "./search-query";
import { STOP_WORDS } from "./search-settings";

/** The fields of a search document that the database fallback searches, in one string. */
export function searchTextOf(doc: SearchDocument): string {
  const parts: unknown[] = [
    doc.title,
    doc.acronym,
    doc.summary,
    Object.values((doc.editionTitles as Record<string, string>) ?? {}),
    doc.topicNames,
    doc.topicNamesLocalized,
    doc.kindName,
    doc.kindNamesLocalized,
    doc.ownerName,
    doc.ownerAcronym,
    doc.audiences,
    doc.languageNames,
    doc.countryNames,
    doc.deliveryModeName,
    doc.details,
    doc.description,
    // The searchable forms and concept tokens, as the engine has them: queries are read the same way.
    doc.sTitle,
    doc.sEditions,
    doc.sTopics,
    doc.sOwner,
    doc.sSummary,
    doc.sOther,
    doc.sDetails,
    doc.sDescription,
    doc.cTitle,
    doc.cTopics,
    doc.cText,
  ];
  return parts
    .flat(2)
    .filter((p): p is string => typeof p === "string" && p.length > 0)
    .join(" \n ");
}

/** Words of a query, as the database matches them: read as the engine reads them (concept tokens, searchable forms), at most 12. */
export function queryWords(q: string): string[] {
  return readQuery(q)
    .engineQ.split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter((w) => w && !STOP_WORDS.includes(w))
    .slice(0, MAX_QUERY_WORDS);
}

/**
 * The searchable text of each listing, kept in the database (FTS5 on SQLite, a plain table on
 * Postgres) in the same transaction as the change, so that search works without the engine.
 */
export class DatabaseSearchText {
  constructor(private readonly kind: DatabaseKind) {}

  async write(manager: EntityManager, resourceId: number, body: string): Promise<void> {
    if (this.kind === "postgres") {
      await manager.query("INSERT INTO resource_search (resource_id, body) VALUES ($1, $2) ON CONFLICT (resource_id) DO UPDATE SET body = EXCLUDED.body", [resourceId, body]);
    } else {
      await manager.query("DELETE FROM resource_search WHERE rowid = ?", [resourceId]);
      await manager.query("INSERT INTO resource_search (rowid, body) VALUES (?, ?)", [resourceId, body]);
    }
  }

  /** Writes many listings' text at once (rebuilds). */
  async writeMany(manager: EntityManager, rows: Array<{ id: number; body: string }>): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) {
      const chunk = rows.slice(i, i + 200);
      if (this.kind === "postgres") {
        const values = chunk.map((_, j) => `($${2 * j + 1}, $${2 * j + 2})`).join(", ");
        await manager.query(
          `INSERT INTO resource_search (resource_id, body) VALUES ${values} ON CONFLICT (resource_id) DO UPDATE SET body = EXCLUDED.body`,
          chunk.flatMap((r) => [r.id, r.body]),
        );
      } else {
        await manager.query(
          `DELETE FROM resource_search WHERE rowid IN (${chunk.map(() => "?").join(", ")})`,
          chunk.map((r) => r.id),
        );
        await manager.query(
          `INSERT INTO resource_search (rowid, body) VALUES ${chunk.map(() => "(?, ?)").join(", ")}`,
          chunk.flatMap((r) => [r.id, r.body]),
        );
      }
    }
  }

  async remove(manager: EntityManager, resourceId: number): Promise<void> {
    await manager.query(this.kind === "postgres" ? "DELETE FROM resource_search WHERE resource_id = $1" : "DELETE FROM resource_search WHERE rowid = ?", [resourceId]);
  }

  async count(manager: EntityManager): Promise<number> {
    const [row] = await manager.query("SELECT COUNT(*) AS n FROM resource_search");
    return Number(row.n);
  }

  /**
   * A condition on `r.id` that keeps listings containing every word (each as a prefix), with its
   * parameters; null when the query has no words. Words are letters, digits and marks only, so
   * nothing in them can change the meaning of the condition.
   */
  condition(q: string): { sql: string; params: Record<string, string> } | null {
    const words = queryWords(q);
    if (words.length === 0) return null;
    if (this.kind === "postgres") {
      const params: Record<string, string> = {};
      const clauses = words.map((word, i) => {
        params[`w${i}`] = `%${word}%`;
        return `rs.body ILIKE :w${i}`;
      });
      return { sql: `r.id IN (SELECT rs.resource_id FROM resource_search rs WHERE ${clauses.join(" AND ")})`, params };
    }
    return {
      sql: "r.id IN (SELECT rowid FROM resource_search WHERE resource_search MATCH :match)",
      params: { match: words.map((w) => `"${w}"*`).join(" ") },
    };
  }
}
