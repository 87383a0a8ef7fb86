import { DataSource, In, Repository, SelectQueryBuilder } from "typeorm";
import { todayUtc } from "../../http/dates";
import { ValidationError } from "../../http/errors";
import type { Actor } from "../audit/audit.service";
import type { OrganisationService } from "../organisations/organisation.service";
import { Audience, Language } from "../reference/reference.entities";
import type { ReferenceService } from "../reference/reference.service";
import type { DatabaseSearchText } from "../search/search-text";
import type { SessionStatus } from "./course-session.entity";
import type { ListingRepository } from "./listing.repository";
import type { ListingWriter } from "./listing-writer.service";
import { type ListingTexts, pickTexts } from "./listing-fields";
import { confirmationCutoff, confirmedWithinYearSql, upcomingSessionSql, visibleSql } from "./listing-rules";
import { Resource, ResourceStatus, Visibility } from "./resource.entity";
import { Topic } from "./topic.entity";
import type { TopicService } from "./topic.service";
import { editionKey } from "./listing-editor.service";
import { message } from "../../i18n/message";

/** Who is looking: visitors see public listings; signed-in members also see members-only ones. */
export interface Viewer {
  member: boolean;
}

export const VISITOR: Viewer = { member: false };

/** The facets of search, named as in the search index. */
export type FacetName = "topics" | "languages" | "kind" | "deliveryMode" | "ownerSlug" | "countries";

export const SORTS = ["relevance", "title", "newest", "next-session", "updated"] as const;
export type Sort = (typeof SORTS)[number];

/** Filters of the catalogue list, already well-formed (see `catalogue.schemas.ts`). */
export interface ListFilters {
  q?: string;
  topic?: string;
  language?: string;
  kind?: string;
  mode?: string;
  org?: string;
  country?: string;
  upcoming?: boolean;
  /** Only listings their owner confirmed within the last twelve months. */
  confirmed?: boolean;
}

export interface ListRequest extends ListFilters {
  sort?: Sort;
  page: number;
  pageSize: number;
}

export interface ListResult {
  resources: Resource[];
  total: number;
  page: number;
  pageSize: number;
  totalPages: number;
  sort: Sort;
}

/** What it takes to create a listing. */
export interface ResourceInput extends Partial<ListingTexts> {
  /** The language the listing's text is written in. */
  languageTag?: string | null;
  slug?: string;
  externalId?: string | null;
  kind: string;
  title: string;
  ownerId: number;
  contactName?: string | null;
  contactEmail?: string | null;
  deliveryMode?: string | null;
  isFree?: boolean | null;
  url?: string | null;
  visibility?: Visibility;
  status?: ResourceStatus;
  topicSlugs?: string[];
  audienceSlugs?: string[];
  editions?: Array<{ languageTag: string; title?: string | null; url?: string | null; format?: string | null }>;
  sessions?: Array<{
    startDate: string;
    endDate?: string | null;
    timeZone?: string | null;
    venue?: string | null;
    city?: string | null;
    countryCode?: string | null;
    online?: boolean;
    languageTag?: string | null;
    capacity?: number | null;
    seatsPerCountry?: number | null;
    applicationOpens?: string | null;
    applicationDeadline?: string | null;
    interpretationLanguages?: string[] | null;
    status?: SessionStatus;
  }>;
}

/** Sessions that still lie ahead (`listing-rules.ts`). */
const UPCOMING_SESSION = upcomingSessionSql("cs");

/** Each listing's languages: the one its text is written in, and those of its editions and of its sessions. */
const LANGUAGES_OF_LISTINGS =
  "(SELECT lr.id AS resource_id, lr.language_tag AS tag FROM resources lr WHERE lr.language_tag IS NOT NULL UNION SELECT e.resource_id AS resource_id, e.language_tag AS tag FROM editions e UNION SELECT cs.resource_id AS resource_id, cs.language_tag AS tag FROM course_sessions cs WHERE cs.language_tag IS NOT NULL)";

/** Escapes LIKE wildcards so that a query is matched literally. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Reads and writes the catalogue's listings. Listing queries here are plain database queries;
 * full-text search with facets belongs to the search module.
 */
export class CatalogueService {
  private readonly resources: Repository<Resource>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly topics: TopicService,
    private readonly organisations: OrganisationService,
    private readonly reference: ReferenceService,
    private readonly searchText: DatabaseSearchText,
    private readonly listings: ListingRepository,
    private readonly writer: ListingWriter,
  ) {
    this.resources = dataSource.getRepository(Resource);
  }

  /** Published listings this viewer may see. */
  private visible(viewer: Viewer): SelectQueryBuilder<Resource> {
    const { where, params } = visibleSql("r", viewer);
    return this.resources.createQueryBuilder("r").where(where, params);
  }

  /**
   * Applies well-formed filters. A value that names nothing (an unknown topic, language, organisation
   * or country) is a `ValidationError`, so that a mistyped link says so instead of showing nothing.
   */
  private async applyFilters(qb: SelectQueryBuilder<Resource>, filters: ListFilters): Promise<void> {
    const unknown: Record<string, string> = {};
    if (filters.q) {
      // Every word of the query, as a prefix, in the listing's search text (FTS5 on SQLite).
      const condition = this.searchText.condition(filters.q);
      if (condition) qb.andWhere(condition.sql, condition.params);
    }
    if (filters.topic) {
      const topic = await this.topics.findBySlug(filters.topic);
      if (!topic) unknown.topic = message("catalogue.unknownFilter.topic", { value: filters.topic });
      else {
        const ids = (await this.topics.withDescendants(topic)).map((t) => t.id);
        qb.andWhere("r.id IN (SELECT rt.resource_id FROM resource_topics rt WHERE rt.topic_id IN (:...topicIds))", { topicIds: ids });
      }
    }
    if (filters.language) {
      const language = await this.reference.findLanguage(filters.language);
      if (!language) unknown.language = message("catalogue.unknownFilter.language", { value: filters.language });
      else {
        qb.andWhere(
          "(r.language_tag = :language OR r.id IN (SELECT e.resource_id FROM editions e WHERE e.language_tag = :language) OR r.id IN (SELECT cs.resource_id FROM course_sessions cs WHERE cs.language_tag = :language))",
          { language: language.tag },
        );
      }
    }
    if (filters.kind) qb.andWhere("r.kind = :kind", { kind: filters.kind });
    if (filters.mode) qb.andWhere("r.deliveryMode = :mode", { mode: filters.mode });
    if (filters.org) {
      const organisation = await this.organisations.findBySlug(filters.org);
      if (!organisation) unknown.org = message("catalogue.unknownFilter.org", { value: filters.org });
      else qb.andWhere("r.ownerId = :ownerId", { ownerId: organisation.id });
    }
    if (filters.country) {
      const country = await this.reference.findCountry(filters.country);
      if (!country) unknown.country = message("catalogue.unknownFilter.country", { value: filters.country });
      else {
        qb.andWhere(
          "(r.ownerId IN (SELECT o2.id FROM organisations o2 WHERE o2.country_code = :country) OR r.id IN (SELECT cs.resource_id FROM course_sessions cs WHERE cs.country_code = :country))",
          { country: country.code },
        );
      }
    }
    if (filters.upcoming) {
      qb.andWhere(`r.id IN (SELECT cs.resource_id FROM course_sessions cs WHERE ${UPCOMING_SESSION})`, { today: todayUtc() });
    }
    if (filters.confirmed) qb.andWhere(confirmedWithinYearSql("r"), { confirmedCutoff: confirmationCutoff(new Date()) });
    if (Object.keys(unknown).length > 0) throw new ValidationError(unknown, message("errors.unknownFilters"));
  }

  /** One page of the listings that match, with their owner, topics, editions and sessions. */
  async list(request: ListRequest, viewer: Viewer = VISITOR): Promise<ListResult> {
    const qb = this.visible(viewer);
    await this.applyFilters(qb, request);
    const sort: Sort = request.sort ?? (request.q ? "relevance" : "title");

    // The page's ids and the number of matches in one pass (a window count over the same rows):
    // the query has no join that could repeat a listing.
    const idQuery = qb.clone().select("r.id", "id").addSelect("COUNT(*) OVER ()", "total");
    switch (sort) {
      case "relevance":
        if (request.q) {
          idQuery
            .orderBy("CASE WHEN LOWER(r.title) LIKE :pattern ESCAPE '\\' OR LOWER(r.acronym) LIKE :pattern ESCAPE '\\' THEN 0 WHEN LOWER(r.summary) LIKE :pattern ESCAPE '\\' THEN 1 ELSE 2 END", "ASC")
            .setParameter("pattern", likePattern(request.q));
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
      .offset((request.page - 1) * request.pageSize)
      .limit(request.pageSize)
      .getRawMany();
    // A page past the end has no rows to carry the count: count on its own then.
    const total = rows.length > 0 ? Number(rows[0].total) : Number((await qb.clone().select("COUNT(*)", "n").getRawOne<{ n: number | string }>())?.n ?? 0);
    const totalPages = Math.max(1, Math.ceil(total / request.pageSize));
    const ids = rows.map((row) => Number(row.id));
    return { resources: await this.listings.findFull(ids), total, page: request.page, pageSize: request.pageSize, totalPages, sort };
  }

  /** A published listing this viewer may see, or null. */
  async findVisibleBySlug(slug: string, viewer: Viewer = VISITOR): Promise<Resource | null> {
    const row = await this.visible(viewer).andWhere("r.slug = :slug", { slug }).select("r.id", "id").getRawOne<{ id: number }>();
    if (!row) return null;
    const [resource] = await this.listings.findFull([Number(row.id)]);
    return resource ?? null;
  }

  /** The newest published listings. */
  async latest(limit: number, viewer: Viewer = VISITOR): Promise<Resource[]> {
    return (await this.list({ sort: "newest", page: 1, pageSize: limit }, viewer)).resources;
  }

  /** Number of visible listings per key, a listing counted once per key: `key` is an expression over the joined `rt` (its topics) and `t`. */
  private async countByTopicKey(viewer: Viewer, key: string): Promise<Map<number, number>> {
    const rows: Array<{ key: number | string; n: number | string }> = await this.visible(viewer)
      .innerJoin("resource_topics", "rt", "rt.resource_id = r.id")
      .innerJoin("topics", "t", "t.id = rt.topic_id")
      .select(key, "key")
      .addSelect("COUNT(DISTINCT r.id)", "n")
      .groupBy(key)
      .getRawMany();
    return new Map(rows.map((row) => [Number(row.key), Number(row.n)]));
  }

  /** Number of visible listings per topic id (each listing counted once per topic it has). */
  countByTopic(viewer: Viewer = VISITOR): Promise<Map<number, number>> {
    return this.countByTopicKey(viewer, "rt.topic_id");
  }

  /** Number of visible listings under each top-level topic (a listing counted once however many of its children it has). */
  countByRootTopic(viewer: Viewer = VISITOR): Promise<Map<number, number>> {
    return this.countByTopicKey(viewer, "COALESCE(t.parent_id, t.id)");
  }

  /** Number of visible listings per language tag, by editions and session languages. */
  async countByLanguage(viewer: Viewer = VISITOR): Promise<Map<string, number>> {
    const rows: Array<{ tag: string; n: number | string }> = await this.visible(viewer)
      .innerJoin(LANGUAGES_OF_LISTINGS, "lang", "lang.resource_id = r.id")
      .select("lang.tag", "tag")
      .addSelect("COUNT(DISTINCT r.id)", "n")
      .groupBy("lang.tag")
      .getRawMany();
    return new Map(rows.map((row) => [row.tag, Number(row.n)]));
  }

  /** Number of visible listings per owner organisation id. */
  async countByOwner(viewer: Viewer = VISITOR): Promise<Map<number, number>> {
    const rows: Array<{ ownerId: number | string; n: number | string }> = await this.visible(viewer).select("r.ownerId", "ownerId").addSelect("COUNT(r.id)", "n").groupBy("r.ownerId").getRawMany();
    return new Map(rows.map((row) => [Number(row.ownerId), Number(row.n)]));
  }

  /** Count of visible listings, and of their owners and languages. */
  async totals(viewer: Viewer = VISITOR): Promise<{ resources: number; organisations: number; languages: number }> {
    const [resources, byOwner, byLanguage] = await Promise.all([this.visible(viewer).getCount(), this.countByOwner(viewer), this.countByLanguage(viewer)]);
    return { resources, organisations: byOwner.size, languages: byLanguage.size };
  }

  /** Countries that visible listings belong to, by their owner or a session venue. */
  async countriesInUse(viewer: Viewer = VISITOR): Promise<string[]> {
    const owners: Array<{ code: string }> = await this.visible(viewer).innerJoin("r.owner", "o").select("DISTINCT o.countryCode", "code").andWhere("o.countryCode IS NOT NULL").getRawMany();
    const venues: Array<{ code: string }> = await this.visible(viewer)
      .innerJoin("course_sessions", "cs", "cs.resource_id = r.id")
      .select("DISTINCT cs.country_code", "code")
      .andWhere("cs.country_code IS NOT NULL")
      .getRawMany();
    return [...new Set([...owners, ...venues].map((row) => row.code))];
  }

  countAll(): Promise<number> {
    return this.listings.count();
  }

  /** A listing in any status, by its slug (for curators' tools). */
  findAnyBySlug(slug: string): Promise<Resource | null> {
    return this.listings.findBySlug(slug);
  }

  existsSlug(slug: string): Promise<boolean> {
    return this.listings.existsSlug(slug);
  }

  /**
   * Creates a listing with its topics, audiences, editions and sessions in one transaction, together
   * with its audit event and its search outbox row (through the listing writer).
   */
  async create(input: ResourceInput, actor: Actor): Promise<Resource> {
    return this.writer.transaction(async (manager) => {
      const topicSlugs = input.topicSlugs ?? [];
      const topics = topicSlugs.length ? await manager.getRepository(Topic).findBy({ slug: In(topicSlugs) }) : [];
      const audienceSlugs = input.audienceSlugs ?? [];
      const audiences = audienceSlugs.length ? await manager.getRepository(Audience).findBy({ slug: In(audienceSlugs) }) : [];
      const tags = [...new Set([...(input.editions ?? []).map((e) => e.languageTag), ...(input.sessions ?? []).flatMap((s) => (s.languageTag ? [s.languageTag] : []))])];
      const languages = tags.length ? await manager.getRepository(Language).findBy({ tag: In(tags) }) : [];
      const problems: Record<string, string> = {};
      const missing = (wanted: string[], found: string[]) => wanted.filter((w) => !found.includes(w));
      const editionKeys = (input.editions ?? []).map(editionKey);
      const twice = (input.editions ?? []).filter((e, i) => editionKeys.indexOf(editionKey(e)) !== i).map((e) => e.languageTag);
      if (twice.length) problems.editions = `have the same edition twice (${[...new Set(twice)].join(", ")}): one edition per language and format`;
      if (
        missing(
          topicSlugs,
          topics.map((t) => t.slug),
        ).length
      )
        problems.topicSlugs = `names unknown topics: ${missing(
          topicSlugs,
          topics.map((t) => t.slug),
        ).join(", ")}`;
      if (
        missing(
          audienceSlugs,
          audiences.map((a) => a.slug),
        ).length
      )
        problems.audienceSlugs = `names unknown audiences: ${missing(
          audienceSlugs,
          audiences.map((a) => a.slug),
        ).join(", ")}`;
      if (
        missing(
          tags,
          languages.map((l) => l.tag),
        ).length
      )
        problems.languages = `unknown language tags: ${missing(
          tags,
          languages.map((l) => l.tag),
        ).join(", ")}`;
      if (input.languageTag && !(await manager.getRepository(Language).existsBy({ tag: input.languageTag }))) problems.languageTag = message("listing.errors.chooseLanguage");
      if (!(await this.organisations.findById(input.ownerId))) problems.owner = "no such organisation";
      if (Object.keys(problems).length) throw new ValidationError(problems);

      const [id] = await this.writer.create(
        manager,
        [
          {
            ownerId: input.ownerId,
            externalId: input.externalId ?? null,
            slug: input.slug,
            columns: {
              kind: input.kind,
              title: input.title,
              ...pickTexts(input),
              contactName: input.contactName ?? null,
              contactEmail: input.contactEmail ?? null,
              deliveryMode: input.deliveryMode ?? null,
              isFree: input.isFree ?? null,
              url: input.url ?? null,
              languageTag: input.languageTag ?? null,
              visibility: input.visibility ?? "public",
              status: input.status ?? "draft",
            },
            topicIds: topics.map((t) => t.id),
            audienceSlugs: audiences.map((a) => a.slug),
            editions: (input.editions ?? []).map((e) => ({ languageTag: e.languageTag, title: e.title ?? null, url: e.url ?? null, format: e.format ?? null })),
            sessions: input.sessions ?? [],
          },
        ],
        actor,
      );
      return (await this.listings.findFullById(id, manager))!;
    });
  }

  /**
   * Counts of the matching listings per facet value, for the database fallback of search: the same
   * counts the engine gives (those of the listings that match every filter).
   */
  async facetCounts(filters: ListFilters, viewer: Viewer = VISITOR): Promise<Record<FacetName, Record<string, number>>> {
    const base = this.visible(viewer);
    await this.applyFilters(base, filters);
    const matching = async () => base.clone();
    const tally = (rows: Array<{ value: string | number | null; n: number | string }>) => Object.fromEntries(rows.filter((r) => r.value !== null).map((r) => [String(r.value), Number(r.n)]));

    const [topics, languages, kind, deliveryMode, ownerSlug, countries] = await Promise.all([
      matching().then((qb) =>
        qb
          .innerJoin("resource_topics", "rt", "rt.resource_id = r.id")
          .innerJoin("topics", "t", "t.id = rt.topic_id OR t.id = (SELECT t2.parent_id FROM topics t2 WHERE t2.id = rt.topic_id)")
          .select("t.slug", "value")
          .addSelect("COUNT(DISTINCT r.id)", "n")
          .groupBy("t.slug")
          .getRawMany(),
      ),
      matching().then((qb) =>
        qb.innerJoin(LANGUAGES_OF_LISTINGS, "lang", "lang.resource_id = r.id").select("lang.tag", "value").addSelect("COUNT(DISTINCT r.id)", "n").groupBy("lang.tag").getRawMany(),
      ),
      matching().then((qb) => qb.select("r.kind", "value").addSelect("COUNT(r.id)", "n").groupBy("r.kind").getRawMany()),
      matching().then((qb) => qb.select("r.deliveryMode", "value").addSelect("COUNT(r.id)", "n").groupBy("r.deliveryMode").getRawMany()),
      matching().then((qb) => qb.innerJoin("r.owner", "o").select("o.slug", "value").addSelect("COUNT(r.id)", "n").groupBy("o.slug").getRawMany()),
      matching().then((qb) =>
        qb
          .innerJoin(
            "(SELECT r2.id AS resource_id, o2.country_code AS code FROM resources r2 INNER JOIN organisations o2 ON o2.id = r2.owner_id WHERE o2.country_code IS NOT NULL UNION SELECT cs.resource_id AS resource_id, cs.country_code AS code FROM course_sessions cs WHERE cs.country_code IS NOT NULL)",
            "ctry",
            "ctry.resource_id = r.id",
          )
          .select("ctry.code", "value")
          .addSelect("COUNT(DISTINCT r.id)", "n")
          .groupBy("ctry.code")
          .getRawMany(),
      ),
    ]);
    return {
      topics: tally(topics),
      languages: tally(languages),
      kind: tally(kind),
      deliveryMode: tally(deliveryMode),
      ownerSlug: tally(ownerSlug),
      countries: tally(countries),
    };
  }
}
