import { DataSource, EntityManager, EntityTarget, In, ObjectLiteral } from "typeorm";
import { ValidationError } from "../../http/errors";
import { message } from "../../i18n/message";
import type { Actor, AuditRecord, AuditService } from "../audit/audit.service";
import type { SearchOutbox } from "../search/search-outbox.service";
import { CourseSession, SESSION_VALUE_KEYS, type SessionValues } from "./course-session.entity";
import { Edition } from "./edition.entity";
import type { ListingRepository } from "./listing.repository";
import { LANGUAGE_FIELDS, type ListingScalars } from "./listing-fields";
import { Language } from "../reference/reference.entities";
import { Resource, ResourceStatus, Visibility } from "./resource.entity";
import { SlugAllocator, slugify } from "./slug";
import type { ResourceKind } from "./vocabulary";

/** A listing's own columns, those its owner writes (the workspace form, an import row): the registry's fields (listing-fields.ts) and these. */
export interface ListingColumns extends ListingScalars {
  kind: ResourceKind | string;
  title: string;
  url: string | null;
  /** The language the listing's own text is written in (a tag of the reference data); null: not given. */
  languageTag: string | null;
  visibility: Visibility;
  status: ResourceStatus;
}

/** One language edition's values. */
export interface EditionValues {
  languageTag: string;
  title: string | null;
  url: string | null;
  format: string | null;
}

/** A session as added on its own (the workspace's form): what it leaves out is empty. */
export type NewSession = Partial<SessionValues> & Pick<SessionValues, "startDate">;

/** A listing to create, its references already resolved and checked. */
export interface NewListing {
  ownerId: number;
  externalId: string | null;
  /** The slug wanted (the demo catalogue names its own); otherwise one is made from the title. */
  slug?: string;
  columns: ListingColumns;
  topicIds: number[];
  audienceSlugs: string[];
  editions: EditionValues[];
  sessions: NewSession[];
  /** Who sent it for review, when it is created awaiting review (`pending`). */
  submittedById?: number | null;
}

/** What an audit event says of a change. */
export interface ListingEvent {
  action: string;
  changes: Record<string, [unknown, unknown]>;
}

/**
 * A change to a saved listing. Parts given (`topicIds`, `editions`, ...) replace the saved ones;
 * parts left out stay. `event` null means nothing changed that anyone reads: no audit event and no
 * search outbox row, only the version and the time of the change move on.
 */
export interface ListingChange {
  id: number;
  ownerId: number;
  columns?: Partial<ListingColumns> & { publishedAt?: Date | null; lastConfirmedAt?: Date | null; reviewNote?: string | null; reviewedAt?: Date | null; submittedById?: number | null };
  topicIds?: number[];
  audienceSlugs?: string[];
  editions?: EditionValues[];
  sessions?: SessionValues[];
  addEdition?: EditionValues;
  removeEditionId?: number;
  addSession?: NewSession;
  removeSessionId?: number;
  /** The caller claimed the version already (`claimVersion`): it is not raised again. */
  versionClaimed?: boolean;
  event: ListingEvent | null;
}

/** Rows per INSERT statement: well inside SQLite's and Postgres's limits on bound parameters. */
const CHUNK = 200;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The slug a new listing is given: from its title, or from its acronym when the title is long. */
export const listingSlugBase = (columns: Pick<ListingColumns, "title" | "acronym">) => slugify(columns.acronym && columns.title.length > 80 ? columns.acronym : columns.title);

/** What a session holds where nothing is given. */
const SESSION_DEFAULTS: Omit<SessionValues, "startDate"> = {
  endDate: null,
  city: null,
  countryCode: null,
  online: false,
  languageTag: null,
  status: "planned",
  venue: null,
  timeZone: null,
  capacity: null,
  seatsPerCountry: null,
  applicationOpens: null,
  applicationDeadline: null,
  interpretationLanguages: null,
};

/** A session's columns for an insert: what is not given is empty, "no languages" is null. */
function sessionRow(resourceId: number, s: NewSession) {
  const values = { ...SESSION_DEFAULTS, ...Object.fromEntries(SESSION_VALUE_KEYS.filter((k) => s[k] !== undefined && s[k] !== null).map((k) => [k, s[k]])) } as SessionValues;
  if (!values.interpretationLanguages?.length) values.interpretationLanguages = null;
  return { resourceId, ...values, startDate: s.startDate };
}

/**
 * The one write path of listings and their parts: the workspace (`CatalogueService.create`,
 * `ListingEditor`), the bulk importer and the demo catalogue all write through it, inside their own
 * transaction, and every change writes its audit event and its search outbox row in that same
 * transaction. `transaction` runs one and tells the search worker once it has committed.
 */
export class ListingWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: ListingRepository,
    private readonly audit: AuditService,
    private readonly outbox: SearchOutbox,
  ) {}

  /** Runs `work` in one transaction; the search worker hears of its changes once it has committed. */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(work);
    this.outbox.notify();
    return result;
  }

  /**
   * Claims the right to write `expectedVersion` of a listing: raises the version only if it is still
   * the expected one. On Postgres the UPDATE also locks the row until the transaction ends, so two
   * saves of the same version cannot both pass.
   */
  async claimVersion(manager: EntityManager, id: number, expectedVersion: number): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Resource)
      .set({ version: () => "version + 1" })
      .where("id = :id AND version = :expectedVersion", { id, expectedVersion })
      .execute();
    return result.affected === 1;
  }

  /**
   * Creates listings with free slugs, their parts, their "created" audit events and their outbox
   * rows, in chunked INSERTs. Returns their ids in the order given; `onWritten` hears how many are
   * written so far.
   */
  async create(manager: EntityManager, listings: NewListing[], actor: Actor, onWritten?: (done: number) => void): Promise<number[]> {
    if (listings.length === 0) return [];
    await this.checkLanguages(
      manager,
      listings.map((l) => l.columns),
    );
    const bases = listings.map((l) => l.slug ?? listingSlugBase(l.columns));
    const slugs = new SlugAllocator(
      await this.repository.slugsTaken(
        manager,
        bases.map((b) => b || "listing"),
      ),
      "listing",
    );
    const withSlugs = listings.map((listing, i) => ({ listing, slug: slugs.next(bases[i]) }));
    const now = new Date();
    const idBySlug = new Map<string, number>();
    let done = 0;
    for (const part of chunks(withSlugs)) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(Resource)
        .values(
          part.map(({ listing, slug }) => ({
            ...listing.columns,
            slug,
            externalId: listing.externalId,
            ownerId: listing.ownerId,
            publishedAt: listing.columns.status === "published" ? now : null,
            submittedById: listing.submittedById ?? null,
            lastConfirmedAt: null,
            version: 1,
          })),
        )
        .updateEntity(false)
        .execute();
      for (const [slug, id] of await this.repository.idsBySlug(
        manager,
        part.map((p) => p.slug),
      ))
        idBySlug.set(slug, id);
      onWritten?.((done += part.length));
    }
    const created = withSlugs.map(({ listing, slug }) => ({ id: idBySlug.get(slug)!, listing }));
    await this.insertParts(
      manager,
      created.map(({ id, listing }) => ({ id, ...listing })),
    );
    await this.audit.recordMany(
      manager,
      actor,
      created.map(({ id, listing }) => ({
        action: "resource.created",
        entityType: "resource",
        entityId: id,
        organisationId: listing.ownerId,
        changes: { title: [null, listing.columns.title], status: [null, listing.columns.status], ...(listing.externalId !== null ? { externalId: [null, listing.externalId] } : {}) },
      })),
    );
    const ids = created.map((c) => c.id);
    await this.outbox.enqueueMany(manager, ids);
    return ids;
  }

  /** Writes changes to saved listings, with their audit events and outbox rows. `onWritten` hears how many are written so far. */
  async update(manager: EntityManager, changes: ListingChange[], actor: Actor, onWritten?: (done: number) => void): Promise<void> {
    await this.checkLanguages(
      manager,
      changes.map((c) => c.columns ?? {}),
    );
    const now = new Date();
    const audits: AuditRecord[] = [];
    let done = 0;
    for (const change of changes) {
      await manager
        .createQueryBuilder()
        .update(Resource)
        .set({ ...change.columns, ...(change.versionClaimed ? {} : { version: () => "version + 1" }), updatedAt: now })
        .where("id = :id", { id: change.id })
        .execute();
      await this.replaceParts(manager, change);
      if (change.event) audits.push({ action: change.event.action, entityType: "resource", entityId: change.id, organisationId: change.ownerId, changes: change.event.changes });
      onWritten?.(++done);
    }
    await this.audit.recordMany(manager, actor, audits);
    await this.outbox.enqueueMany(
      manager,
      changes.filter((c) => c.event).map((c) => c.id),
    );
  }

  private junction(manager: EntityManager, property: "topics" | "audiences") {
    return manager.connection.getMetadata(Resource).manyToManyRelations.find((r) => r.propertyName === property)!.junctionEntityMetadata!.target;
  }

  /**
   * Each of the registry's language fields names a language of the reference data: a value that
   * names none is refused by field before anything is written (rather than by its foreign key).
   */
  async checkLanguages(manager: EntityManager, columns: Array<Partial<ListingColumns>>, fields: ReadonlyArray<{ name: keyof ListingColumns }> = LANGUAGE_FIELDS): Promise<void> {
    const given = (c: Partial<ListingColumns>) => fields.flatMap((f) => (typeof c[f.name] === "string" ? [{ name: f.name, tag: c[f.name] as string }] : []));
    const tags = [...new Set(columns.flatMap((c) => given(c).map((g) => g.tag)))];
    if (tags.length === 0) return;
    const known = new Set((await manager.getRepository(Language).findBy({ tag: In(tags) })).map((l) => l.tag));
    const problems: Record<string, string> = {};
    for (const g of columns.flatMap(given)) if (!known.has(g.tag)) problems[g.name] = message("listing.errors.chooseLanguage");
    if (Object.keys(problems).length) throw new ValidationError(problems);
  }

  /** Topics, audiences, editions and sessions of listings, in chunked INSERTs. */
  private async insertParts(manager: EntityManager, listings: Array<{ id: number } & Partial<Pick<NewListing, "topicIds" | "audienceSlugs" | "editions" | "sessions">>>): Promise<void> {
    const insert = async (target: EntityTarget<ObjectLiteral>, rows: ObjectLiteral[]) => {
      for (const part of chunks(rows)) await manager.createQueryBuilder().insert().into(target).values(part).updateEntity(false).execute();
    };
    await insert(
      this.junction(manager, "topics"),
      listings.flatMap(({ id, topicIds }) => (topicIds ?? []).map((topicId) => ({ resource_id: id, topic_id: topicId }))),
    );
    await insert(
      this.junction(manager, "audiences"),
      listings.flatMap(({ id, audienceSlugs }) => (audienceSlugs ?? []).map((slug) => ({ resource_id: id, audience_slug: slug }))),
    );
    await insert(
      Edition,
      listings.flatMap(({ id, editions }) => (editions ?? []).map((e) => ({ languageTag: e.languageTag, title: e.title, url: e.url, format: e.format, resourceId: id }))),
    );
    await insert(
      CourseSession,
      listings.flatMap(({ id, sessions }) => (sessions ?? []).map((s) => sessionRow(id, s))),
    );
  }

  /** Replaces the parts of a saved listing that a change gives, and adds or removes single ones. */
  private async replaceParts(manager: EntityManager, change: ListingChange): Promise<void> {
    const { id } = change;
    if (change.topicIds) await manager.createQueryBuilder().delete().from(this.junction(manager, "topics")).where("resource_id = :id", { id }).execute();
    if (change.audienceSlugs) await manager.createQueryBuilder().delete().from(this.junction(manager, "audiences")).where("resource_id = :id", { id }).execute();
    if (change.editions) await manager.getRepository(Edition).delete({ resourceId: id });
    if (change.sessions) await manager.getRepository(CourseSession).delete({ resourceId: id });
    if (change.removeEditionId !== undefined) await manager.getRepository(Edition).delete({ id: change.removeEditionId, resourceId: id });
    if (change.removeSessionId !== undefined) await manager.getRepository(CourseSession).delete({ id: change.removeSessionId, resourceId: id });
    await this.insertParts(manager, [
      {
        id,
        topicIds: change.topicIds,
        audienceSlugs: change.audienceSlugs,
        editions: [...(change.editions ?? []), ...(change.addEdition ? [change.addEdition] : [])],
        sessions: [...(change.sessions ?? []), ...(change.addSession ? [change.addSession] : [])],
      },
    ]);
  }
}
