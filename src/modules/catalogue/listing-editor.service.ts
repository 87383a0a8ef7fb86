import { DataSource, EntityManager, In } from "typeorm";
import { AppError, NotFoundError, ValidationError } from "../../http/errors";
import type { Actor, AuditService } from "../audit/audit.service";
import { Audience } from "../reference/reference.entities";
import type { SearchOutbox } from "../search/search-outbox.service";
import { CourseSession } from "./course-session.entity";
import { Edition } from "./edition.entity";
import { LISTING_TEXT_FIELDS, type ListingTexts, textsOf } from "./listing-fields";
import { Resource, ResourceStatus, Visibility } from "./resource.entity";
import { Topic } from "./topic.entity";

/** The editable fields of a listing, as the workspace form sends them (already validated). */
export interface ListingFields extends ListingTexts {
  kind: string;
  title: string;
  url: string | null;
  deliveryMode: string | null;
  isFree: boolean | null;
  contactName: string | null;
  contactEmail: string | null;
  visibility: Visibility;
  topicSlugs: string[];
  audienceSlugs: string[];
}

export const EDITABLE_FIELDS: Array<keyof ListingFields> = [
  "kind", "title", ...LISTING_TEXT_FIELDS.map((f) => f.name), "url", "deliveryMode", "isFree", "contactName", "contactEmail", "visibility", "topicSlugs", "audienceSlugs",
];

/** Someone saved the listing since this form was opened: nothing was written. */
export class ConflictError extends AppError {
  constructor(
    readonly current: Resource,
    /** Fields whose saved value differs from what the form was opened with: [saved now, yours]. */
    readonly changed: Record<string, [unknown, unknown]>,
  ) {
    super(409, "edit_conflict", "Someone else saved this listing after you opened it. Nothing of yours was saved yet.");
  }
}

export type StatusAction = "publish" | "unpublish" | "archive" | "confirm";

/** Why a published listing keeps a topic: searchers find listings by topic, and coverage counts them so. */
export const PUBLISHED_NEEDS_TOPIC = "must keep at least one topic while the listing is published";

/**
 * One edition per language and format: a second one would be found twice and say nothing new. (A
 * language may have several formats, such as a PDF and an EPUB.)
 */
export const SECOND_EDITION = "has an edition in this format already: remove that one first to replace it, or give another format";

/** What makes two editions the same one. */
export const editionKey = (e: { languageTag: string; format?: string | null }) => `${e.languageTag}\u0000${(e.format ?? "").trim().toLowerCase()}`;

const TRANSITIONS: Record<StatusAction, { from: ResourceStatus[]; to?: ResourceStatus }> = {
  publish: { from: ["draft", "archived"], to: "published" },
  unpublish: { from: ["published"], to: "draft" },
  archive: { from: ["draft", "published"], to: "archived" },
  confirm: { from: ["draft", "published"] },
};

const STATUS_EVENTS: Record<StatusAction, string> = {
  publish: "resource.published",
  unpublish: "resource.unpublished",
  archive: "resource.archived",
  confirm: "resource.confirmed",
};

/**
 * Claims the right to write `expectedVersion` of a listing: raises the version only if it is still
 * the expected one. On Postgres the UPDATE also locks the row until the transaction ends, so two
 * saves of the same version cannot both pass.
 */
async function claimVersion(manager: EntityManager, id: number, expectedVersion: number): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(Resource)
    .set({ version: () => "version + 1" })
    .where("id = :id AND version = :expectedVersion", { id, expectedVersion })
    .execute();
  return result.affected === 1;
}

/** The fields of a saved listing, in the form's terms, to compare and to show. */
export function fieldsOf(resource: Resource): ListingFields {
  return {
    kind: resource.kind,
    title: resource.title,
    ...textsOf(resource),
    url: resource.url,
    deliveryMode: resource.deliveryMode,
    isFree: resource.isFree,
    contactName: resource.contactName,
    contactEmail: resource.contactEmail,
    visibility: resource.visibility,
    topicSlugs: (resource.topics ?? []).map((t) => t.slug).sort(),
    audienceSlugs: (resource.audiences ?? []).map((a) => a.slug).sort(),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Changes to listings from the workspace: every save checks the version the form was opened with
 * (optimistic locking), and writes its audit event and search outbox row in the same transaction.
 */
export class ListingEditor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: SearchOutbox,
  ) {}

  /** A listing in any status, with everything the editor shows; null when it does not exist. */
  async find(id: number, manager: EntityManager = this.dataSource.manager): Promise<Resource | null> {
    return manager.getRepository(Resource).findOne({ where: { id }, relations: { owner: true, topics: true, audiences: true, editions: true, sessions: true } });
  }

  /** Listings of one organisation (all of them, for a curator, when null), newest change first. */
  async listForOwner(ownerId: number | null, limit = 500): Promise<Resource[]> {
    return this.dataSource.getRepository(Resource).find({
      where: ownerId === null ? {} : { ownerId },
      relations: { owner: true, sessions: true, editions: true },
      order: { updatedAt: "DESC", id: "DESC" },
      take: limit,
    });
  }

  private async resolve(manager: EntityManager, fields: Pick<ListingFields, "topicSlugs" | "audienceSlugs">) {
    const topics = fields.topicSlugs.length ? await manager.getRepository(Topic).findBy({ slug: In(fields.topicSlugs) }) : [];
    const audiences = fields.audienceSlugs.length ? await manager.getRepository(Audience).findBy({ slug: In(fields.audienceSlugs) }) : [];
    const problems: Record<string, string> = {};
    const unknownTopics = fields.topicSlugs.filter((s) => !topics.some((t) => t.slug === s));
    if (unknownTopics.length) problems.topicSlugs = `names unknown topics: ${unknownTopics.join(", ")}`;
    const unknownAudiences = fields.audienceSlugs.filter((s) => !audiences.some((a) => a.slug === s));
    if (unknownAudiences.length) problems.audienceSlugs = `names unknown audiences: ${unknownAudiences.join(", ")}`;
    if (Object.keys(problems).length) throw new ValidationError(problems);
    return { topics, audiences };
  }

  /**
   * Saves the form over the listing if nobody saved it since `expectedVersion`; otherwise throws a
   * `ConflictError` that carries the listing as saved now and the fields that differ.
   */
  async update(id: number, expectedVersion: number, fields: ListingFields, actor: Actor): Promise<Resource> {
    const saved = await this.dataSource.transaction(async (manager) => {
      const resource = await this.find(id, manager);
      if (!resource) throw new NotFoundError("No listing has this address.");
      const before = fieldsOf(resource);
      if (resource.version !== expectedVersion || !(await claimVersion(manager, id, expectedVersion))) {
        const changed: Record<string, [unknown, unknown]> = {};
        for (const key of EDITABLE_FIELDS) if (!same(before[key], fields[key])) changed[key] = [before[key], fields[key]];
        throw new ConflictError(resource, changed);
      }
      const { topics, audiences } = await this.resolve(manager, fields);
      if (resource.status === "published" && topics.length === 0) throw new ValidationError({ topicSlugs: PUBLISHED_NEEDS_TOPIC });
      const changes: Record<string, [unknown, unknown]> = {};
      for (const key of EDITABLE_FIELDS) if (!same(before[key], fields[key])) changes[key] = [before[key], fields[key]];
      const { topicSlugs: _t, audienceSlugs: _a, ...columns } = fields;
      Object.assign(resource, columns, { topics, audiences, version: expectedVersion + 1 });
      await manager.getRepository(Resource).save(resource);
      if (Object.keys(changes).length === 0) return resource;
      await this.audit.record(manager, actor, { action: "resource.updated", entityType: "resource", entityId: id, organisationId: resource.ownerId, changes });
      await this.outbox.enqueue(manager, "resource", id);
      return resource;
    });
    this.outbox.notify();
    return saved;
  }

  /** Publishes, unpublishes, archives, or confirms that a listing is current. */
  async setStatus(id: number, expectedVersion: number, action: StatusAction, actor: Actor): Promise<Resource> {
    const saved = await this.dataSource.transaction(async (manager) => {
      const resource = await this.find(id, manager);
      if (!resource) throw new NotFoundError("No listing has this address.");
      if (resource.version !== expectedVersion || !(await claimVersion(manager, id, expectedVersion))) throw new ConflictError(resource, {});
      resource.version = expectedVersion + 1;
      const rule = TRANSITIONS[action];
      if (!rule.from.includes(resource.status)) {
        throw new ValidationError({ action: `a ${resource.status} listing cannot be ${action === "confirm" ? "confirmed" : `${action}ed`}` });
      }
      const changes: Record<string, [unknown, unknown]> = {};
      if (rule.to) {
        changes.status = [resource.status, rule.to];
        resource.status = rule.to;
        if (rule.to === "published" && !resource.publishedAt) resource.publishedAt = new Date();
      }
      const confirmed = new Date();
      changes.lastConfirmedAt = [resource.lastConfirmedAt?.toISOString() ?? null, confirmed.toISOString()];
      resource.lastConfirmedAt = confirmed;
      await manager.getRepository(Resource).save(resource);
      await this.audit.record(manager, actor, { action: STATUS_EVENTS[action], entityType: "resource", entityId: id, organisationId: resource.ownerId, changes });
      await this.outbox.enqueue(manager, "resource", id);
      return resource;
    });
    this.outbox.notify();
    return saved;
  }

  /** Adds a language edition; the listing's version moves on, like any change. */
  async addEdition(id: number, edition: { languageTag: string; title: string | null; url: string | null; format: string | null }, actor: Actor): Promise<void> {
    await this.touch(id, actor, "resource.edition_added", async (manager, resource) => {
      const others = await manager.getRepository(Edition).findBy({ resourceId: resource.id, languageTag: edition.languageTag });
      if (others.some((other) => editionKey(other) === editionKey(edition))) {
        throw new ValidationError({ languageTag: SECOND_EDITION });
      }
      await manager.getRepository(Edition).insert({ resourceId: resource.id, ...edition });
      return { edition: [null, edition.languageTag] };
    });
  }

  async removeEdition(id: number, editionId: number, actor: Actor): Promise<void> {
    await this.touch(id, actor, "resource.edition_removed", async (manager, resource) => {
      const edition = await manager.getRepository(Edition).findOneBy({ id: editionId, resourceId: resource.id });
      if (!edition) throw new NotFoundError("This listing has no such edition.");
      await manager.getRepository(Edition).delete({ id: edition.id });
      return { edition: [edition.languageTag, null] };
    });
  }

  async addSession(
    id: number,
    session: Pick<CourseSession, "startDate" | "endDate" | "city" | "countryCode" | "online" | "languageTag" | "status" | "timeZone" | "seatsPerCountry" | "applicationOpens" | "applicationDeadline"> & { interpretationLanguages: string[] },
    actor: Actor,
  ): Promise<void> {
    await this.touch(id, actor, "resource.session_added", async (manager, resource) => {
      await manager.getRepository(CourseSession).insert({ resourceId: resource.id, ...session, interpretationLanguages: session.interpretationLanguages.length ? session.interpretationLanguages : null });
      return { session: [null, `${session.startDate}${session.endDate ? ` to ${session.endDate}` : ""}`] };
    });
  }

  async removeSession(id: number, sessionId: number, actor: Actor): Promise<void> {
    await this.touch(id, actor, "resource.session_removed", async (manager, resource) => {
      const session = await manager.getRepository(CourseSession).findOneBy({ id: sessionId, resourceId: resource.id });
      if (!session) throw new NotFoundError("This listing has no such session.");
      await manager.getRepository(CourseSession).delete({ id: session.id });
      return { session: [session.startDate, null] };
    });
  }

  /** Runs a change to a listing's parts, then moves its version on, audits and queues it for the index. */
  private async touch(
    id: number,
    actor: Actor,
    action: string,
    change: (manager: EntityManager, resource: Resource) => Promise<Record<string, [unknown, unknown]>>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const resource = await manager.getRepository(Resource).findOneBy({ id });
      if (!resource) throw new NotFoundError("No listing has this address.");
      const changes = await change(manager, resource);
      await manager.getRepository(Resource).increment({ id }, "version", 1);
      await manager.getRepository(Resource).update({ id }, { updatedAt: new Date() });
      await this.audit.record(manager, actor, { action, entityType: "resource", entityId: id, organisationId: resource.ownerId, changes });
      await this.outbox.enqueue(manager, "resource", id);
    });
    this.outbox.notify();
  }
}
