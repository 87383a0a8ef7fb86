import { DataSource, EntityManager, In, IsNull } from "typeorm";
import { confirmedSinceSql } from "./listing-rules";
import { Resource } from "./resource.entity";

/** A listing with all its parts: what a page, a card, an export, the editor and a search document read. */
export const LISTING_PARTS = { owner: true, topics: true, audiences: true, editions: true, sessions: true } as const;

/** Ids per `IN (...)` list: well inside SQLite's and Postgres's limits on bound parameters. */
const BATCH = 500;

function batches<T>(items: T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const numbers = (rows: Array<{ id: number | string }>) => rows.map((r) => Number(r.id));

/**
 * The queries on listings and their parts (editions, sessions, topics, audiences) that are not the
 * catalogue's search: a listing with its parts, by id, slug or the owner's own id, and the feed the
 * search index is built from. Every method takes the transaction's manager when it runs in one.
 * Writes go through `ListingWriter`.
 */
export class ListingRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Listings in any status with all their parts, in the order of `ids` (ids that name nothing are left out). */
  async findFull(ids: number[], manager: EntityManager = this.dataSource.manager): Promise<Resource[]> {
    if (ids.length === 0) return [];
    const byId = new Map<number, Resource>();
    for (const part of batches([...new Set(ids)])) {
      for (const r of await manager.getRepository(Resource).find({ where: { id: In(part) }, relations: LISTING_PARTS })) byId.set(r.id, r);
    }
    return ids.map((id) => byId.get(id)).filter((r): r is Resource => r !== undefined);
  }

  /** One listing in any status with all its parts, or null. */
  async findFullById(id: number, manager: EntityManager = this.dataSource.manager): Promise<Resource | null> {
    return (await this.findFull([id], manager))[0] ?? null;
  }

  /** A listing in any status, by its slug (its parts not loaded). */
  findBySlug(slug: string): Promise<Resource | null> {
    return this.dataSource.getRepository(Resource).findOneBy({ slug });
  }

  existsSlug(slug: string): Promise<boolean> {
    return this.dataSource.getRepository(Resource).exists({ where: { slug } });
  }

  /**
   * Slugs in use that a new listing with one of these bases could collide with: the bases and their
   * numbered forms (`base-2`, ...). Many bases at once read every slug instead.
   */
  async slugsTaken(manager: EntityManager, bases: string[]): Promise<Set<string>> {
    if (bases.length === 0) return new Set();
    const qb = manager.getRepository(Resource).createQueryBuilder("r").select("r.slug", "slug");
    const distinct = [...new Set(bases)];
    if (distinct.length <= 20) {
      // Slugs hold only a-z, 0-9 and hyphens, so a base has no LIKE wildcard to escape.
      distinct.forEach((base, i) => qb.orWhere(`r.slug = :base${i} OR r.slug LIKE :prefix${i}`, { [`base${i}`]: base, [`prefix${i}`]: `${base}-%` }));
    }
    return new Set((await qb.getRawMany<{ slug: string }>()).map((r) => r.slug));
  }

  /** Ids of the listings with these slugs, by slug. */
  async idsBySlug(manager: EntityManager, slugs: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const part of batches(slugs)) {
      for (const r of await manager.getRepository(Resource).find({ select: { id: true, slug: true }, where: { slug: In(part) } })) out.set(r.slug, r.id);
    }
    return out;
  }

  /** One organisation's listings that carry these ids of its own, with their parts. */
  async findByExternalIds(manager: EntityManager, ownerId: number, externalIds: string[]): Promise<Resource[]> {
    const ids: number[] = [];
    for (const part of batches(externalIds)) {
      ids.push(...(await manager.getRepository(Resource).find({ select: { id: true }, where: { ownerId, externalId: In(part) } })).map((r) => r.id));
    }
    return this.findFull(ids, manager);
  }

  /** One organisation's listings among `ids` that have no id of their own, with their parts. */
  async findWithoutExternalId(manager: EntityManager, ownerId: number, ids: number[]): Promise<Resource[]> {
    const found: number[] = [];
    for (const part of batches(ids)) {
      found.push(...(await manager.getRepository(Resource).find({ select: { id: true }, where: { id: In(part), ownerId, externalId: IsNull() } })).map((r) => r.id));
    }
    return this.findFull(found, manager);
  }

  /** Ids of one organisation's listings (everyone's when null), any status, in id order. */
  async idsOfOwner(ownerId: number | null, manager: EntityManager = this.dataSource.manager): Promise<number[]> {
    return (await manager.getRepository(Resource).find({ select: { id: true }, where: ownerId === null ? {} : { ownerId }, order: { id: "ASC" } })).map((r) => r.id);
  }

  /** Listings of one organisation (all of them when null), newest change first, with their owner, sessions and editions. */
  listForOwner(ownerId: number | null, limit = 500): Promise<Resource[]> {
    return this.dataSource.getRepository(Resource).find({
      where: ownerId === null ? {} : { ownerId },
      relations: { owner: true, sessions: true, editions: true },
      order: { updatedAt: "DESC", id: "DESC" },
      take: limit,
    });
  }

  /** How many listings each organisation has, any status, by organisation id. */
  async countByOwnerAnyStatus(): Promise<Map<number, number>> {
    const rows: Array<{ id: number | string; n: number | string }> = await this.dataSource
      .getRepository(Resource)
      .createQueryBuilder("r")
      .select("r.ownerId", "id")
      .addSelect("COUNT(*)", "n")
      .groupBy("r.ownerId")
      .getRawMany();
    return new Map(rows.map((r) => [Number(r.id), Number(r.n)]));
  }

  count(manager: EntityManager = this.dataSource.manager): Promise<number> {
    return manager.getRepository(Resource).count();
  }

  // The search index's feed.

  /** Ids of the listings that meet `where`, in id order, at most `limit` of them. */
  private async idsWhere(where: string, params: Record<string, unknown>, limit?: number): Promise<number[]> {
    const qb = this.dataSource.getRepository(Resource).createQueryBuilder("r").select("r.id", "id").where(where, params).orderBy("r.id", "ASC");
    if (limit !== undefined) qb.limit(limit);
    return numbers(await qb.getRawMany());
  }

  /** Ids of published listings after `afterId`, in id order: for rebuilding the index page by page. */
  publishedIdsAfter(afterId: number, limit: number): Promise<number[]> {
    return this.idsWhere("r.status = 'published' AND r.id > :afterId", { afterId }, limit);
  }

  countPublished(): Promise<number> {
    return this.dataSource.getRepository(Resource).count({ where: { status: "published" } });
  }

  /** Ids of listings changed at or after `since` (any status). */
  idsUpdatedSince(since: Date): Promise<number[]> {
    return this.idsWhere("r.updatedAt >= :since", { since });
  }

  /** Published listings whose last confirmation (or publication) fell between two moments: those that have just become past due. */
  idsConfirmedBetween(from: Date, to: Date): Promise<number[]> {
    return this.idsWhere(`r.status = 'published' AND ${confirmedSinceSql("r")} >= :from AND ${confirmedSinceSql("r")} < :to`, { from, to });
  }

  /** Ids of listings with a session that started between `from` and `to` (dates), so their "next session" moved. */
  idsWithSessionsStartingBetween(from: string, to: string): Promise<number[]> {
    return this.idsWhere("r.id IN (SELECT cs.resource_id FROM course_sessions cs WHERE cs.start_date >= :from AND cs.start_date <= :to)", { from, to });
  }
}
