import type { EntityManager } from "typeorm";
import { In } from "typeorm";
import { AppError, NotFoundError, ValidationError } from "../../http/errors";
import type { Actor } from "../audit/audit.service";
import { Audience, Language } from "../reference/reference.entities";
import type { CourseSession } from "./course-session.entity";
import { LISTING_FIELDS, scalarsOf } from "./listing-fields";
import { waitsForReview } from "./listing-rules";
import type { ListingRepository } from "./listing.repository";
import type { ListingChange, ListingColumns, ListingWriter } from "./listing-writer.service";
import { Resource, ResourceStatus } from "./resource.entity";
import { Topic } from "./topic.entity";
import { message } from "../../i18n/message";

/** The editable fields of a listing, as the workspace form sends them (already validated). */
export interface ListingFields extends Omit<ListingColumns, "status"> {
  topicSlugs: string[];
  audienceSlugs: string[];
}

export const EDITABLE_FIELDS: Array<keyof ListingFields> = ["kind", "title", "languageTag", ...LISTING_FIELDS.map((f) => f.name), "url", "visibility", "topicSlugs", "audienceSlugs"];

/** Someone saved the listing since this form was opened: nothing was written. */
export class ConflictError extends AppError {
  constructor(
    readonly current: Resource,
    /** Fields whose saved value differs from what the form was opened with: [saved now, yours]. */
    readonly changed: Record<string, [unknown, unknown]>,
  ) {
    super(409, "edit_conflict", message("listing.errors.conflict"));
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

/** What each action may start from, and where it leads ("publish" may lead to the review queue instead). */
const TRANSITIONS: Record<StatusAction, { from: ResourceStatus[]; to?: ResourceStatus }> = {
  publish: { from: ["draft", "archived"], to: "published" },
  unpublish: { from: ["published", "pending"], to: "draft" },
  archive: { from: ["draft", "pending", "published"], to: "archived" },
  confirm: { from: ["draft", "pending", "published"] },
};

const STATUS_EVENTS: Record<StatusAction, string> = {
  publish: "resource.published",
  unpublish: "resource.unpublished",
  archive: "resource.archived",
  confirm: "resource.confirmed",
};

export interface StatusOptions {
  /** The one acting is a curator: what they publish is public at once, whoever owns it. */
  byCurator?: boolean;
}

/** The fields of a saved listing, in the form's terms, to compare and to show. */
export function fieldsOf(resource: Resource): ListingFields {
  return {
    kind: resource.kind,
    title: resource.title,
    languageTag: resource.languageTag ?? null,
    ...scalarsOf(resource),
    url: resource.url,
    visibility: resource.visibility,
    topicSlugs: (resource.topics ?? []).map((t) => t.slug).sort(),
    audienceSlugs: (resource.audiences ?? []).map((a) => a.slug).sort(),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Changes to listings from the workspace: every save checks the version the form was opened with
 * (optimistic locking); the writer writes it with its audit event and search outbox row.
 */
export class ListingEditor {
  constructor(
    private readonly listings: ListingRepository,
    private readonly writer: ListingWriter,
  ) {}

  /** A listing in any status, with everything the editor shows; null when it does not exist. */
  async find(id: number, manager?: EntityManager): Promise<Resource | null> {
    return this.listings.findFullById(id, manager);
  }

  /** Listings of one organisation (all of them, for a curator, when null), newest change first. */
  async listForOwner(ownerId: number | null, limit = 500): Promise<Resource[]> {
    return this.listings.listForOwner(ownerId, limit);
  }

  private async resolve(manager: EntityManager, fields: Pick<ListingFields, "topicSlugs" | "audienceSlugs" | "languageTag">) {
    const topics = fields.topicSlugs.length ? await manager.getRepository(Topic).findBy({ slug: In(fields.topicSlugs) }) : [];
    const audiences = fields.audienceSlugs.length ? await manager.getRepository(Audience).findBy({ slug: In(fields.audienceSlugs) }) : [];
    const problems: Record<string, string> = {};
    const unknownTopics = fields.topicSlugs.filter((s) => !topics.some((t) => t.slug === s));
    if (unknownTopics.length) problems.topicSlugs = `names unknown topics: ${unknownTopics.join(", ")}`;
    const unknownAudiences = fields.audienceSlugs.filter((s) => !audiences.some((a) => a.slug === s));
    if (unknownAudiences.length) problems.audienceSlugs = `names unknown audiences: ${unknownAudiences.join(", ")}`;
    if (fields.languageTag && !(await manager.getRepository(Language).existsBy({ tag: fields.languageTag }))) problems.languageTag = message("listing.errors.chooseLanguage");
    if (Object.keys(problems).length) throw new ValidationError(problems);
    return { topics, audiences };
  }

  /**
   * Saves the form over the listing if nobody saved it since `expectedVersion`; otherwise throws a
   * `ConflictError` that carries the listing as saved now and the fields that differ.
   */
  async update(id: number, expectedVersion: number, fields: ListingFields, actor: Actor): Promise<Resource> {
    return this.writer.transaction(async (manager) => {
      const resource = await this.find(id, manager);
      if (!resource) throw new NotFoundError(message("errors.notFound.ownListing"));
      const before = fieldsOf(resource);
      if (resource.version !== expectedVersion || !(await this.writer.claimVersion(manager, id, expectedVersion))) {
        const changed: Record<string, [unknown, unknown]> = {};
        for (const key of EDITABLE_FIELDS) if (!same(before[key], fields[key])) changed[key] = [before[key], fields[key]];
        throw new ConflictError(resource, changed);
      }
      const { topics, audiences } = await this.resolve(manager, fields);
      if (resource.status === "published" && topics.length === 0) throw new ValidationError({ topicSlugs: message("listing.errors.needsTopic") });
      const changes: Record<string, [unknown, unknown]> = {};
      for (const key of EDITABLE_FIELDS) if (!same(before[key], fields[key])) changes[key] = [before[key], fields[key]];
      const { topicSlugs: _t, audienceSlugs: _a, ...columns } = fields;
      await this.writer.update(
        manager,
        [
          {
            id,
            ownerId: resource.ownerId,
            columns,
            ...("topicSlugs" in changes ? { topicIds: topics.map((t) => t.id) } : {}),
            ...("audienceSlugs" in changes ? { audienceSlugs: audiences.map((a) => a.slug) } : {}),
            versionClaimed: true,
            event: Object.keys(changes).length ? { action: "resource.updated", changes } : null,
          },
        ],
        actor,
      );
      return (await this.find(id, manager))!;
    });
  }

  /**
   * Publishes, unpublishes, archives, or confirms that a listing is current. Publishing a listing
   * of an unverified organisation sends it to the curators' queue instead (`waitsForReview`).
   */
  async setStatus(id: number, expectedVersion: number, action: StatusAction, actor: Actor, options: StatusOptions = {}): Promise<Resource> {
    return this.writer.transaction(async (manager) => {
      const resource = await this.find(id, manager);
      if (!resource) throw new NotFoundError(message("errors.notFound.ownListing"));
      if (resource.version !== expectedVersion || !(await this.writer.claimVersion(manager, id, expectedVersion))) throw new ConflictError(resource, {});
      const rule = TRANSITIONS[action];
      if (!rule.from.includes(resource.status)) {
        throw new ValidationError({ action: message("listing.errors.cannot", { action, status: resource.status }) });
      }
      const changes: Record<string, [unknown, unknown]> = {};
      const columns: NonNullable<ListingChange["columns"]> & { lastConfirmedAt: Date } = { lastConfirmedAt: new Date() };
      const review = action === "publish" && waitsForReview(resource, resource.owner!, options.byCurator ?? false);
      const to = review ? "pending" : rule.to;
      if (to) {
        changes.status = [resource.status, to];
        columns.status = to;
        if (to === "published" && !resource.publishedAt) columns.publishedAt = new Date();
        // Sent for review (again), or published: a curator's earlier reason no longer applies.
        if (to === "pending" || to === "published") columns.reviewNote = null;
        if (review) columns.submittedById = actor.id;
      }
      changes.lastConfirmedAt = [resource.lastConfirmedAt?.toISOString() ?? null, columns.lastConfirmedAt.toISOString()];
      await this.writer.update(manager, [{ id, ownerId: resource.ownerId, columns, versionClaimed: true, event: { action: review ? "resource.submitted" : STATUS_EVENTS[action], changes } }], actor);
      return (await this.find(id, manager))!;
    });
  }

  /**
   * Confirms that a listing is current from a one-click link made at `linkIssuedAt`: refused when the
   * listing was confirmed since the link was made (the link was used, or the owner confirmed in the
   * workspace), or when it is archived. Two clicks at once: one confirms, the other is refused.
   */
  async confirmFromLink(
    id: number,
    linkIssuedAt: Date,
    actor: Actor,
  ): Promise<{ done: true; resource: Resource } | { done: false; reason: "missing" | "used" | "archived"; resource: Resource | null }> {
    return this.writer.transaction(async (manager) => {
      const resource = await this.find(id, manager);
      if (!resource) return { done: false as const, reason: "missing" as const, resource: null };
      if (resource.lastConfirmedAt && resource.lastConfirmedAt.getTime() >= linkIssuedAt.getTime()) return { done: false as const, reason: "used" as const, resource };
      if (!TRANSITIONS.confirm.from.includes(resource.status)) return { done: false as const, reason: "archived" as const, resource };
      if (!(await this.writer.claimVersion(manager, id, resource.version))) return { done: false as const, reason: "used" as const, resource: await this.find(id, manager) };
      const columns = { lastConfirmedAt: new Date() };
      const changes: Record<string, [unknown, unknown]> = { lastConfirmedAt: [resource.lastConfirmedAt?.toISOString() ?? null, columns.lastConfirmedAt.toISOString()] };
      await this.writer.update(manager, [{ id, ownerId: resource.ownerId, columns, versionClaimed: true, event: { action: STATUS_EVENTS.confirm, changes } }], actor);
      return { done: true as const, resource: (await this.find(id, manager))! };
    });
  }

  /** Adds a language edition; the listing's version moves on, like any change. */
  async addEdition(id: number, edition: { languageTag: string; title: string | null; url: string | null; format: string | null }, actor: Actor): Promise<void> {
    await this.touch(id, actor, async (manager, resource) => {
      if ((resource.editions ?? []).some((other) => editionKey(other) === editionKey(edition))) {
        throw new ValidationError({ languageTag: message("listing.errors.secondEdition") });
      }
      return { addEdition: edition, event: { action: "resource.edition_added", changes: { edition: [null, edition.languageTag] } } };
    });
  }

  async removeEdition(id: number, editionId: number, actor: Actor): Promise<void> {
    await this.touch(id, actor, async (_manager, resource) => {
      const edition = (resource.editions ?? []).find((e) => e.id === editionId);
      if (!edition) throw new NotFoundError(message("errors.notFound.edition"));
      return { removeEditionId: edition.id, event: { action: "resource.edition_removed", changes: { edition: [edition.languageTag, null] } } };
    });
  }

  async addSession(
    id: number,
    session: Pick<
      CourseSession,
      "startDate" | "endDate" | "city" | "countryCode" | "online" | "languageTag" | "status" | "timeZone" | "seatsPerCountry" | "applicationOpens" | "applicationDeadline"
    > & { interpretationLanguages: string[] },
    actor: Actor,
  ): Promise<void> {
    await this.touch(id, actor, async () => ({
      addSession: session,
      event: { action: "resource.session_added", changes: { session: [null, `${session.startDate}${session.endDate ? ` to ${session.endDate}` : ""}`] } },
    }));
  }

  async removeSession(id: number, sessionId: number, actor: Actor): Promise<void> {
    await this.touch(id, actor, async (_manager, resource) => {
      const session = (resource.sessions ?? []).find((s) => s.id === sessionId);
      if (!session) throw new NotFoundError(message("errors.notFound.session"));
      return { removeSessionId: session.id, event: { action: "resource.session_removed", changes: { session: [session.startDate, null] } } };
    });
  }

  /** A change to a listing's parts: the writer writes it, moves its version on, audits it and queues it for the index. */
  private async touch(id: number, actor: Actor, change: (manager: EntityManager, resource: Resource) => Promise<Omit<ListingChange, "id" | "ownerId">>): Promise<void> {
    await this.writer.transaction(async (manager) => {
      const resource = await this.find(id, manager);
      if (!resource) throw new NotFoundError(message("errors.notFound.ownListing"));
      await this.writer.update(manager, [{ id, ownerId: resource.ownerId, ...(await change(manager, resource)) }], actor);
    });
  }
}
