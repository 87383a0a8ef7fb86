import { DataSource, EntityManager, In, IsNull, SelectQueryBuilder } from "typeorm";
import { todayUtc } from "../../http/dates";
import { confirmationCutoff, confirmedSinceSql, confirmedWithinYearSql, upcomingSessionSql, visibleSql, type VisibilityViewer } from "./listing-rules";
import { CourseSession } from "./course-session.entity";
import { Edition } from "./edition.entity";
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

/** Sessions that still lie ahead (`listing-rules.ts`). */
const UPCOMING_SESSION = upcomingSessionSql("cs");

/** Each listing's languages: the one its text is written in, and those of its editions and of its sessions. */
const LANGUAGES_OF_LISTINGS =
  "(SELECT lr.id AS resource_id, lr.language_tag AS tag FROM resources lr WHERE lr.language_tag IS NOT NULL UNION SELECT e.resource_id AS resource_id, e.language_tag AS tag FROM editions e UNION SELECT cs.resource_id AS resource_id, cs.language_tag AS tag FROM course_sessions cs WHERE cs.language_tag IS NOT NULL)";

/** Each listing's countries: its owner's and those of its sessions' venues. */
const COUNTRIES_OF_LISTINGS =
  "(SELECT r2.id AS resource_id, o2.country_code AS code FROM resources r2 INNER JOIN organisations o2 ON o2.id = r2.owner_id WHERE o2.country_code IS NOT NULL UNION SELECT cs.resource_id AS resource_id, cs.country_code AS code FROM course_sessions cs WHERE cs.country_code IS NOT NULL)";

/** Each listing's topics, a listing under a sub-topic counted under its theme as well. */
const TOPICS_OF_LISTINGS =
  "(SELECT rt.resource_id AS resource_id, rt.topic_id AS topic_id FROM resource_topics rt UNION SELECT rt.resource_id AS resource_id, t.parent_id AS topic_id FROM resource_topics rt INNER JOIN topics t ON t.id = rt.topic_id WHERE t.parent_id IS NOT NULL)";

/** Listings that name no language at all: neither their text's, nor an edition's or a session's. */
const WITHOUT_LANGUAGE = `r.id NOT IN (SELECT lol.resource_id FROM ${LANGUAGES_OF_LISTINGS} lol)`;

/** Which of the visible listings a count takes: all, or only those that name no language at all. */
export interface CountScope {
  withoutLanguage?: boolean;
}

/** An organisation that owns visible listings, and how many. */
export interface OwnerListings {
  id: number;
  slug: string;
  name: string;
  shortName: string | null;
  countryCode: string | null;
  countryName: string | null;
  listings: number;
}

/** A saved listing as duplicates are looked for, and whether the viewer asked about may see it. */
export interface ListingMatch {
  id: number;
  slug: string;
  title: string;
  url: string | null;
  ownerId: number;
  visible: boolean;
}

interface MatchRow {
  id: number | string;
  slug: string;
  title: string;
  url: string | null;
  ownerId: number | string;
}

const matchOf = (row: MatchRow): Omit<ListingMatch, "visible"> => ({ id: Number(row.id), slug: row.slug, title: row.title, url: row.url, ownerId: Number(row.ownerId) });

/** Values per `IN (...)` list of a duplicates query. */
const MATCH_BATCH = 400;

/** A date column as a driver gives it raw: a string, or (node-postgres) a Date at local midnight. */
function rawDay(value: string | Date): string {
  if (!(value instanceof Date)) return String(value).slice(0, 10);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}

/** An edition's link, with its listing's owner and title. */
export interface EditionAddress {
  id: number;
  url: string;
  languageTag: string;
  resourceId: number;
  ownerId: number;
  title: string;
}

/** Escapes LIKE wildcards so that a query is matched literally. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The facets of search, named as in the search index. */
export type FacetName = "topics" | "languages" | "kind" | "deliveryMode" | "ownerSlug" | "countries";

/** Orders of a list of listings. */
export const SORTS = ["relevance", "title", "newest", "next-session", "updated"] as const;
export type Sort = (typeof SORTS)[number];

/**
 * A catalogue request's filters, resolved to what the database holds: each value names something
 * that exists (`CatalogueService` refuses the others).
 */
export interface ListingFilter {
  /** The query's condition on `r.id` from the database's search text, with its parameters. */
  text?: { sql: string; params: Record<string, unknown> };
  /** The words of the query as typed, for ordering by relevance. */
  q?: string;
  /** A topic and all its sub-topics. */
  topicIds?: number[];
  languageTag?: string;
  kind?: string;
  deliveryMode?: string;
  ownerId?: number;
  countryCode?: string;
  upcoming?: boolean;
  /** Only listings their owner confirmed within the last twelve months. */
  confirmed?: boolean;
}

type Tally = Record<string, number>;
type TallyRows = Array<{ value: string | number | null; n: number | string }>;
const tally = (rows: TallyRows): Tally => Object.fromEntries(rows.filter((r) => r.value !== null).map((r) => [String(r.value), Number(r.n)]));

/**
 * The queries on listings and their parts (editions, sessions, topics, audiences) that are not the
 * catalogue's search: a listing with its parts, by id, slug or the owner's own id, the feed the
 * search index is built from, and what the review queue, the yearly confirmation, the link checks,
 * the reports and the duplicate warnings read of listings. Every method takes the transaction's
 * manager when it runs in one. Writes go through `ListingWriter`.
 */
export class ListingRepository {
  constructor(private readonly dataSource: DataSource) {}

  // What a viewer may see: the catalogue's lists, facets and counts.

  /** Published listings this viewer may see, on the alias `r`. */
  private visible(viewer: VisibilityViewer): SelectQueryBuilder<Resource> {
    const { where, params } = visibleSql("r", viewer);
    return this.dataSource.getRepository(Resource).createQueryBuilder("r").where(where, params);
  }

  /** The listings this viewer may see that meet every condition of the filter: the base of a list and of each facet count. */
  private matching(viewer: VisibilityViewer, filter: ListingFilter): SelectQueryBuilder<Resource> {
    const qb = this.visible(viewer);
    if (filter.text) qb.andWhere(filter.text.sql, filter.text.params);
    if (filter.topicIds) qb.andWhere("r.id IN (SELECT rt.resource_id FROM resource_topics rt WHERE rt.topic_id IN (:...topicIds))", { topicIds: filter.topicIds });
    if (filter.languageTag) {
      qb.andWhere(
        "(r.language_tag = :language OR r.id IN (SELECT e.resource_id FROM editions e WHERE e.language_tag = :language) OR r.id IN (SELECT cs.resource_id FROM course_sessions cs WHERE cs.language_tag = :language))",
        { language: filter.languageTag },
      );
    }
    if (filter.kind) qb.andWhere("r.kind = :kind", { kind: filter.kind });
    if (filter.deliveryMode) qb.andWhere("r.deliveryMode = :mode", { mode: filter.deliveryMode });
    if (filter.ownerId !== undefined) qb.andWhere("r.ownerId = :ownerId", { ownerId: filter.ownerId });
    if (filter.countryCode) {
      qb.andWhere("(r.ownerId IN (SELECT o2.id FROM organisations o2 WHERE o2.country_code = :country) OR r.id IN (SELECT cs.resource_id FROM course_sessions cs WHERE cs.country_code = :country))", {
        country: filter.countryCode,
      });
    }
    if (filter.upcoming) qb.andWhere(`r.id IN (SELECT cs.resource_id FROM course_sessions cs WHERE ${UPCOMING_SESSION})`, { today: todayUtc() });
    if (filter.confirmed) qb.andWhere(confirmedWithinYearSql("r"), { confirmedCutoff: confirmationCutoff(new Date()) });
    return qb;
  }

  /** The ids of one page of the listings that match, in the order asked for, and how many match in all. */
  async page(filter: ListingFilter, viewer: VisibilityViewer, sort: Sort, page: number, pageSize: number): Promise<{ ids: number[]; total: number }> {
    const qb = this.matching(viewer, filter);
    // The page's ids and the number of matches in one pass (a window count over the same rows):
    // the query has no join that could repeat a listing.
    const idQuery = qb.clone().select("r.id", "id").addSelect("COUNT(*) OVER ()", "total");
    switch (sort) {
      case "relevance":
        if (filter.q) {
          idQuery
            .orderBy("CASE WHEN LOWER(r.title) LIKE :pattern ESCAPE '\\' OR LOWER(r.acronym) LIKE :pattern ESCAPE '\\' THEN 0 WHEN LOWER(r.summary) LIKE :pattern ESCAPE '\\' THEN 1 ELSE 2 END", "ASC")
            .setParameter("pattern", likePattern(filter.q));
          // Among equally good matches, listings not confirmed within a year come after the others.
          idQuery.addOrderBy(`CASE WHEN ${confirmedWithinYearSql("r")} THEN 0 ELSE 1 END`, "ASC").setParameter("confirmedCutoff", confirmationCutoff(new Date()));
        }
        idQuery.addOrderBy("LOWER(r.title)", "ASC");
        break;
      case "title":
        idQuery.orderBy("LOWER(r.title)", "ASC");
        break;
      case "newest":
        idQuery.orderBy("r.publishedAt", "DESC");
        break;
      case "updated":
        idQuery.orderBy("r.updatedAt", "DESC");
        break;
      case "next-session": {
        const next = `(SELECT MIN(cs.start_date) FROM course_sessions cs WHERE cs.resource_id = r.id AND ${UPCOMING_SESSION})`;
        idQuery.orderBy(`CASE WHEN ${next} IS NULL THEN 1 ELSE 0 END`, "ASC").addOrderBy(next, "ASC").addOrderBy("LOWER(r.title)", "ASC").setParameter("today", todayUtc());
        break;
      }
    }
    idQuery.addOrderBy("r.id", "ASC");
    const rows: Array<{ id: number | string; total: number | string }> = await idQuery
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getRawMany();
    // A page past the end has no rows to carry the count: count on its own then.
    const total = rows.length > 0 ? Number(rows[0].total) : Number((await qb.clone().select("COUNT(*)", "n").getRawOne<{ n: number | string }>())?.n ?? 0);
    return { ids: numbers(rows), total };
  }

  /**
   * Counts of the matching listings per facet value: the same counts the engine gives (those of the
   * listings that match every filter). A listing under a sub-topic counts under its theme as well.
   */
  async facetCounts(filter: ListingFilter, viewer: VisibilityViewer): Promise<Record<FacetName, Tally>> {
    const matching = () => this.matching(viewer, filter);
    const distinctPer = (qb: SelectQueryBuilder<Resource>, value: string) => qb.select(value, "value").addSelect("COUNT(DISTINCT r.id)", "n").groupBy(value).getRawMany<TallyRows[number]>();
    const [topics, languages, kind, deliveryMode, ownerSlug, countries] = await Promise.all([
      distinctPer(
        matching().innerJoin("resource_topics", "rt", "rt.resource_id = r.id").innerJoin("topics", "t", "t.id = rt.topic_id OR t.id = (SELECT t2.parent_id FROM topics t2 WHERE t2.id = rt.topic_id)"),
        "t.slug",
      ),
      distinctPer(matching().innerJoin(LANGUAGES_OF_LISTINGS, "lang", "lang.resource_id = r.id"), "lang.tag"),
      distinctPer(matching(), "r.kind"),
      distinctPer(matching(), "r.deliveryMode"),
      distinctPer(matching().innerJoin("r.owner", "o"), "o.slug"),
      distinctPer(matching().innerJoin(COUNTRIES_OF_LISTINGS, "ctry", "ctry.resource_id = r.id"), "ctry.code"),
    ]);
    return { topics: tally(topics), languages: tally(languages), kind: tally(kind), deliveryMode: tally(deliveryMode), ownerSlug: tally(ownerSlug), countries: tally(countries) };
  }

  /** The id of the listing with this slug if this viewer may see it, or null. */
  async visibleIdBySlug(slug: string, viewer: VisibilityViewer): Promise<number | null> {
    const row = await this.visible(viewer).andWhere("r.slug = :slug", { slug }).select("r.id", "id").getRawOne<{ id: number | string }>();
    return row ? Number(row.id) : null;
  }

  /**
   * Number of visible listings per topic id, a listing counted once per topic: under each topic it
   * has (`"topic"`), or under each top-level topic whichever of its children it has (`"theme"`).
   */
  async countByTopic(viewer: VisibilityViewer, per: "topic" | "theme"): Promise<Map<number, number>> {
    const key = per === "topic" ? "rt.topic_id" : "COALESCE(t.parent_id, t.id)";
    const rows: Array<{ key: number | string; n: number | string }> = await this.visible(viewer)
      .innerJoin("resource_topics", "rt", "rt.resource_id = r.id")
      .innerJoin("topics", "t", "t.id = rt.topic_id")
      .select(key, "key")
      .addSelect("COUNT(DISTINCT r.id)", "n")
      .groupBy(key)
      .getRawMany();
    return new Map(rows.map((row) => [Number(row.key), Number(row.n)]));
  }

  /** Number of visible listings per language tag: their text's, their editions' and their sessions'. */
  async countByLanguage(viewer: VisibilityViewer): Promise<Map<string, number>> {
    const rows: Array<{ tag: string; n: number | string }> = await this.visible(viewer)
      .innerJoin(LANGUAGES_OF_LISTINGS, "lang", "lang.resource_id = r.id")
      .select("lang.tag", "tag")
      .addSelect("COUNT(DISTINCT r.id)", "n")
      .groupBy("lang.tag")
      .getRawMany();
    return new Map(rows.map((row) => [row.tag, Number(row.n)]));
  }

  /** Number of visible listings per owner organisation id. */
  async countByOwner(viewer: VisibilityViewer): Promise<Map<number, number>> {
    const rows: Array<{ ownerId: number | string; n: number | string }> = await this.visible(viewer).select("r.ownerId", "ownerId").addSelect("COUNT(r.id)", "n").groupBy("r.ownerId").getRawMany();
    return new Map(rows.map((row) => [Number(row.ownerId), Number(row.n)]));
  }

  /** Number of listings this viewer may see (of those in `scope`). */
  countVisible(viewer: VisibilityViewer, scope: CountScope = {}): Promise<number> {
    return this.inScope(viewer, scope).getCount();
  }

  private inScope(viewer: VisibilityViewer, scope: CountScope): SelectQueryBuilder<Resource> {
    const qb = this.visible(viewer);
    return scope.withoutLanguage ? qb.andWhere(WITHOUT_LANGUAGE) : qb;
  }

  /** Number of visible listings (of those in `scope`) under each topic id, a listing under a sub-topic counted under its theme as well. */
  async countUnderTopic(viewer: VisibilityViewer, scope: CountScope = {}): Promise<Map<number, number>> {
    const rows = await this.inScope(viewer, scope)
      .innerJoin(TOPICS_OF_LISTINGS, "tol", "tol.resource_id = r.id")
      .select("tol.topic_id", "topicId")
      .addSelect("COUNT(DISTINCT r.id)", "n")
      .groupBy("tol.topic_id")
      .getRawMany<{ topicId: number | string; n: number | string }>();
    return new Map(rows.map((row) => [Number(row.topicId), Number(row.n)]));
  }

  /** Number of visible listings per topic id and language tag, as in `countUnderTopic` and `countByLanguage`. */
  async countByTopicAndLanguage(viewer: VisibilityViewer): Promise<Array<{ topicId: number; tag: string; listings: number }>> {
    const rows = await this.visible(viewer)
      .innerJoin(TOPICS_OF_LISTINGS, "tol", "tol.resource_id = r.id")
      .innerJoin(LANGUAGES_OF_LISTINGS, "lang", "lang.resource_id = r.id")
      .select("tol.topic_id", "topicId")
      .addSelect("lang.tag", "tag")
      .addSelect("COUNT(DISTINCT r.id)", "n")
      .groupBy("tol.topic_id")
      .addGroupBy("lang.tag")
      .getRawMany<{ topicId: number | string; tag: string; n: number | string }>();
    return rows.map((row) => ({ topicId: Number(row.topicId), tag: row.tag, listings: Number(row.n) }));
  }

  /** The organisations that own visible listings, with their country's name, and how many each owns. */
  async countByOwnerOrganisation(viewer: VisibilityViewer): Promise<OwnerListings[]> {
    const rows = await this.visible(viewer)
      .innerJoin("organisations", "o", "o.id = r.ownerId")
      .leftJoin("countries", "c", "c.code = o.country_code")
      .select("o.id", "id")
      .addSelect("o.slug", "slug")
      .addSelect("o.name", "name")
      .addSelect("o.short_name", "shortName")
      .addSelect("o.country_code", "countryCode")
      .addSelect("c.name", "countryName")
      .addSelect("COUNT(r.id)", "n")
      .groupBy("o.id")
      .addGroupBy("o.slug")
      .addGroupBy("o.name")
      .addGroupBy("o.short_name")
      .addGroupBy("o.country_code")
      .addGroupBy("c.name")
      .getRawMany<Omit<OwnerListings, "id" | "listings"> & { id: number | string; n: number | string }>();
    return rows.map(({ n, ...o }) => ({ ...o, id: Number(o.id), listings: Number(n) }));
  }

  // Listings in any status.

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

  /** One listing in any status (its parts not loaded), or null. */
  findById(manager: EntityManager, id: number): Promise<Resource | null> {
    return manager.getRepository(Resource).findOneBy({ id });
  }

  /** One listing in any status with its owner, or null. */
  findWithOwner(manager: EntityManager, id: number): Promise<Resource | null> {
    return manager.getRepository(Resource).findOne({ where: { id }, relations: { owner: true } });
  }

  // The curators' review queue.

  /** Listings awaiting review (`pending`), the longest waiting first, with their owner and topics. */
  awaitingReview(limit: number): Promise<Resource[]> {
    return this.dataSource.getRepository(Resource).find({ where: { status: "pending" }, relations: { owner: true, topics: true }, order: { updatedAt: "ASC", id: "ASC" }, take: limit });
  }

  countAwaitingReview(): Promise<number> {
    return this.dataSource.getRepository(Resource).count({ where: { status: "pending" } });
  }

  // Yearly confirmation.

  /**
   * Published listings (of one organisation, or everyone's when null) last confirmed (or published,
   * or made: `confirmedSince`) at or before `before`, with the columns a confirmation reads.
   */
  confirmedAtOrBefore(ownerId: number | null, before: Date): Promise<Resource[]> {
    return this.dataSource
      .getRepository(Resource)
      .createQueryBuilder("r")
      .select(["r.id", "r.slug", "r.title", "r.ownerId", "r.version", "r.lastConfirmedAt", "r.publishedAt", "r.createdAt"])
      .where("r.status = 'published'")
      .andWhere(ownerId === null ? "1=1" : "r.ownerId = :ownerId", { ownerId })
      .andWhere(`${confirmedSinceSql("r")} <= :before`, { before })
      .getMany();
  }

  // Link checks.

  /** The websites of listings not archived: their id, address, owner and title (the address may be empty). */
  listingAddresses(): Promise<Array<Pick<Resource, "id" | "url" | "ownerId" | "title">>> {
    return this.dataSource.getRepository(Resource).createQueryBuilder("r").select(["r.id", "r.url", "r.ownerId", "r.title"]).where("r.status <> 'archived'").getMany();
  }

  /** The links of editions that have one, of listings not archived, with their listing's owner and title. */
  async editionAddresses(): Promise<EditionAddress[]> {
    const rows = await this.dataSource
      .getRepository(Edition)
      .createQueryBuilder("e")
      .innerJoin(Resource, "r", "r.id = e.resourceId")
      .select(["e.id", "e.url", "e.languageTag", "e.resourceId"])
      .addSelect(["r.ownerId", "r.title"])
      .where("r.status <> 'archived'")
      .andWhere("e.url IS NOT NULL")
      .getRawMany<{ e_id: number; e_url: string; e_language_tag: string; e_resource_id: number; r_owner_id: number; r_title: string }>();
    return rows.map((e) => ({ id: Number(e.e_id), url: e.e_url, languageTag: e.e_language_tag, resourceId: Number(e.e_resource_id), ownerId: Number(e.r_owner_id), title: e.r_title }));
  }

  // Duplicates: listings that look like one about to be created.

  /** Listings whose address, in lower case and without a trailing slash, is one of `urls`; `visible` says whether this viewer may see each. */
  async matchesByUrl(urls: string[], viewer: VisibilityViewer, manager: EntityManager = this.dataSource.manager): Promise<ListingMatch[]> {
    const rows = await this.visibleMatches<MatchRow>(manager, viewer, urls, (qb, part, params) => qb.where("rtrim(lower(r.url), '/') IN (:...urls)", { urls: part, ...params }));
    return rows.map((row) => ({ ...matchOf(row), visible: Number(row.visible) === 1 }));
  }

  /** One organisation's listings, any status. */
  async matchesOfOwner(ownerId: number, manager: EntityManager = this.dataSource.manager): Promise<Omit<ListingMatch, "visible">[]> {
    return (await this.matchBase(manager).where("r.owner_id = :ownerId", { ownerId }).getRawMany<MatchRow>()).map(matchOf);
  }

  /** Listings with a session starting on one of `dates` (YYYY-MM-DD), once per such session, with its day; `visible` as in `matchesByUrl`. */
  async matchesWithSessionOn(dates: string[], viewer: VisibilityViewer, manager: EntityManager = this.dataSource.manager): Promise<Array<ListingMatch & { startDate: string }>> {
    const rows = await this.visibleMatches<MatchRow & { startDate: string | Date }>(manager, viewer, dates, (qb, part, params) =>
      qb
        .addSelect("s.start_date", "startDate")
        .innerJoin(CourseSession, "s", "s.resource_id = r.id")
        .where("s.start_date IN (:...dates)", { dates: part, ...params }),
    );
    return rows.map((row) => ({ ...matchOf(row), visible: Number(row.visible) === 1, startDate: rawDay(row.startDate) }));
  }

  /** The rows of `matchBase` that `narrow` keeps of each batch of `values`, each with whether this viewer may see it (1 or 0). */
  private async visibleMatches<R extends MatchRow>(
    manager: EntityManager,
    viewer: VisibilityViewer,
    values: string[],
    narrow: (qb: SelectQueryBuilder<Resource>, part: string[], params: Record<string, unknown>) => SelectQueryBuilder<Resource>,
  ): Promise<Array<R & { visible: number | string }>> {
    const visible = visibleSql("r", viewer);
    const out: Array<R & { visible: number | string }> = [];
    for (const part of batches(values, MATCH_BATCH)) {
      out.push(...(await narrow(this.matchBase(manager).addSelect(`CASE WHEN ${visible.where} THEN 1 ELSE 0 END`, "visible"), part, visible.params).getRawMany<R & { visible: number | string }>()));
    }
    return out;
  }

  private matchBase(manager: EntityManager): SelectQueryBuilder<Resource> {
    return manager.getRepository(Resource).createQueryBuilder("r").select(["r.id AS id", "r.slug AS slug", "r.title AS title", "r.url AS url", 'r.owner_id AS "ownerId"']);
  }

  // The search index's feed.

  /** Ids of the listings that meet `where`, in id order, at most `limit` of them. */
  private async idsWhere(where: string, params: Record<string, unknown>, limit?: number): Promise<number[]> {
    const qb = this.dataSource.getRepository(Resource).createQueryBuilder("r").select("r.id", "id").where(where, params).orderBy("r.id", "ASC");
    if (limit !== undefined) qb.limit(limit);
    return numbers(await qb.getRawMany());
  }

  /**
   * The words of the listings this viewer may see after `afterId`, in id order, page by page: their
   * titles, summaries, owners' names, topics' names (once for each listing that has the topic) and
   * editions' titles. Read as plain columns, not as whole listings: "did you mean" reads thousands
   * of them while the app answers searches.
   */
  async visibleTextsAfter(viewer: VisibilityViewer, afterId: number, limit: number): Promise<{ lastId: number | null; texts: string[] }> {
    const rows: Array<{ id: number | string; title: string; summary: string | null; owner: string | null }> = await this.visible(viewer)
      .leftJoin("r.owner", "o")
      .select("r.id", "id")
      .addSelect("r.title", "title")
      .addSelect("r.summary", "summary")
      .addSelect("o.name", "owner")
      .andWhere("r.id > :afterId", { afterId })
      .orderBy("r.id", "ASC")
      .limit(limit)
      .getRawMany();
    if (rows.length === 0) return { lastId: null, texts: [] };
    const ids = rows.map((row) => Number(row.id));
    const [topics, editions]: [Array<{ name: string }>, Array<{ title: string | null }>] = await Promise.all([
      this.dataSource.getRepository(Resource).createQueryBuilder("r").innerJoin("r.topics", "t").select("t.name", "name").where("r.id IN (:...ids)", { ids }).getRawMany(),
      this.dataSource.getRepository(Edition).createQueryBuilder("e").select("e.title", "title").where("e.resourceId IN (:...ids)", { ids }).getRawMany(),
    ]);
    const texts = [...rows.flatMap((row) => [row.title, row.summary, row.owner]), ...topics.map((t) => t.name), ...editions.map((e) => e.title)].filter((text): text is string => Boolean(text));
    return { lastId: ids[ids.length - 1], texts };
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
