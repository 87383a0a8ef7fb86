import { In } from "typeorm";
import { ValidationError } from "../../http/errors";
import type { Actor } from "../audit/audit.service";
import type { OrganisationService } from "../organisations/organisation.service";
import { Audience, Language } from "../reference/reference.entities";
import type { ReferenceService } from "../reference/reference.service";
import type { DatabaseSearchText } from "../search/search-text";
import type { SessionStatus } from "./course-session.entity";
import type { FacetName, ListingFilter, ListingRepository, Sort } from "./listing.repository";
import type { ListingWriter } from "./listing-writer.service";
import { type ListingScalars, pickScalars } from "./listing-fields";
import type { Resource, ResourceStatus, Visibility } from "./resource.entity";
import { Topic } from "./topic.entity";
import type { TopicService } from "./topic.service";
import { editionKey } from "./listing-editor.service";
import { message } from "../../i18n/message";

/** Who is looking: visitors see public listings; signed-in members also see members-only ones. */
export interface Viewer {
  member: boolean;
}

export const VISITOR: Viewer = { member: false };

export { type FacetName, SORTS, type Sort } from "./listing.repository";

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
export interface ResourceInput extends Partial<ListingScalars> {
  /** The language the listing's text is written in. */
  languageTag?: string | null;
  slug?: string;
  externalId?: string | null;
  kind: string;
  title: string;
  ownerId: number;
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

/**
 * Reads and writes the catalogue's listings. Listing queries here are plain database queries;
 * full-text search with facets belongs to the search module.
 */
export class CatalogueService {
  constructor(
    private readonly topics: TopicService,
    private readonly organisations: OrganisationService,
    private readonly reference: ReferenceService,
    private readonly searchText: DatabaseSearchText,
    private readonly listings: ListingRepository,
    private readonly writer: ListingWriter,
  ) {}

  /**
   * Resolves well-formed filters to what the database holds. A value that names nothing (an unknown
   * topic, language, organisation or country) is a `ValidationError`, so that a mistyped link says
   * so instead of showing nothing.
   */
  private async resolve(filters: ListFilters): Promise<ListingFilter> {
    const unknown: Record<string, string> = {};
    const filter: ListingFilter = { kind: filters.kind, deliveryMode: filters.mode, upcoming: filters.upcoming, confirmed: filters.confirmed };
    if (filters.q) {
      // Every word of the query, as a prefix, in the listing's search text (FTS5 on SQLite).
      filter.q = filters.q;
      filter.text = this.searchText.condition(filters.q) ?? undefined;
    }
    if (filters.topic) {
      const topic = await this.topics.findBySlug(filters.topic);
      if (!topic) unknown.topic = message("catalogue.unknownFilter.topic", { value: filters.topic });
      else filter.topicIds = (await this.topics.withDescendants(topic)).map((t) => t.id);
    }
    if (filters.language) {
      const language = await this.reference.findLanguage(filters.language);
      if (!language) unknown.language = message("catalogue.unknownFilter.language", { value: filters.language });
      else filter.languageTag = language.tag;
    }
    if (filters.org) {
      const organisation = await this.organisations.findBySlug(filters.org);
      if (!organisation) unknown.org = message("catalogue.unknownFilter.org", { value: filters.org });
      else filter.ownerId = organisation.id;
    }
    if (filters.country) {
      const country = await this.reference.findCountry(filters.country);
      if (!country) unknown.country = message("catalogue.unknownFilter.country", { value: filters.country });
      else filter.countryCode = country.code;
    }
    if (Object.keys(unknown).length > 0) throw new ValidationError(unknown, message("errors.unknownFilters"));
    return filter;
  }

  /** One page of the listings that match, with their owner, topics, editions and sessions. */
  async list(request: ListRequest, viewer: Viewer = VISITOR): Promise<ListResult> {
    const filter = await this.resolve(request);
    const sort: Sort = request.sort ?? (request.q ? "relevance" : "title");
    const { ids, total } = await this.listings.page(filter, viewer, sort, request.page, request.pageSize);
    const totalPages = Math.max(1, Math.ceil(total / request.pageSize));
    return { resources: await this.listings.findFull(ids), total, page: request.page, pageSize: request.pageSize, totalPages, sort };
  }

  /**
   * Counts of the matching listings per facet value, for the database fallback of search: the same
   * counts the engine gives (those of the listings that match every filter).
   */
  async facetCounts(filters: ListFilters, viewer: Viewer = VISITOR): Promise<Record<FacetName, Record<string, number>>> {
    return this.listings.facetCounts(await this.resolve(filters), viewer);
  }

  /** A published listing this viewer may see, or null. */
  async findVisibleBySlug(slug: string, viewer: Viewer = VISITOR): Promise<Resource | null> {
    const id = await this.listings.visibleIdBySlug(slug, viewer);
    return id === null ? null : this.listings.findFullById(id);
  }

  /** The newest published listings. */
  async latest(limit: number, viewer: Viewer = VISITOR): Promise<Resource[]> {
    return (await this.list({ sort: "newest", page: 1, pageSize: limit }, viewer)).resources;
  }

  /** Number of visible listings per topic id (each listing counted once per topic it has). */
  countByTopic(viewer: Viewer = VISITOR): Promise<Map<number, number>> {
    return this.listings.countByTopic(viewer, "topic");
  }

  /** Number of visible listings under each top-level topic (a listing counted once however many of its children it has). */
  countByRootTopic(viewer: Viewer = VISITOR): Promise<Map<number, number>> {
    return this.listings.countByTopic(viewer, "theme");
  }

  /** Number of visible listings per language tag, by editions and session languages. */
  countByLanguage(viewer: Viewer = VISITOR): Promise<Map<string, number>> {
    return this.listings.countByLanguage(viewer);
  }

  /** Number of visible listings per owner organisation id. */
  countByOwner(viewer: Viewer = VISITOR): Promise<Map<number, number>> {
    return this.listings.countByOwner(viewer);
  }

  /** Count of visible listings, and of their owners and languages. */
  async totals(viewer: Viewer = VISITOR): Promise<{ resources: number; organisations: number; languages: number }> {
    const [resources, byOwner, byLanguage] = await Promise.all([this.listings.countVisible(viewer), this.countByOwner(viewer), this.countByLanguage(viewer)]);
    return { resources, organisations: byOwner.size, languages: byLanguage.size };
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
      const editionKeys = (input.editions ?? []).map(editionKey);
      const twice = (input.editions ?? []).filter((e, i) => editionKeys.indexOf(editionKey(e)) !== i).map((e) => e.languageTag);
      if (twice.length) problems.editions = `have the same edition twice (${[...new Set(twice)].join(", ")}): one edition per language and format`;
      // Each name given that matched nothing, under its field: "names unknown topics: a, b".
      const named = [
        { field: "topicSlugs", wanted: topicSlugs, found: topics.map((t) => t.slug), what: "names unknown topics" },
        { field: "audienceSlugs", wanted: audienceSlugs, found: audiences.map((a) => a.slug), what: "names unknown audiences" },
        { field: "languages", wanted: tags, found: languages.map((l) => l.tag), what: "unknown language tags" },
      ];
      for (const { field, wanted, found, what } of named) {
        const absent = wanted.filter((w) => !found.includes(w));
        if (absent.length) problems[field] = `${what}: ${absent.join(", ")}`;
      }
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
              ...pickScalars(input),
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
}
