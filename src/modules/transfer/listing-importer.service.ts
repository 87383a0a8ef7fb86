import { DataSource, EntityManager, EntityTarget, In, IsNull, ObjectLiteral } from "typeorm";
import { AppError } from "../../http/errors";
import type { Actor, AuditRecord, AuditService } from "../audit/audit.service";
import { CourseSession, sessionValuesOf, type SessionValues } from "../catalogue/course-session.entity";
import { Edition } from "../catalogue/edition.entity";
import { EDITABLE_FIELDS, type ListingFields, PUBLISHED_NEEDS_TOPIC, SECOND_EDITION, editionKey } from "../catalogue/listing-editor.service";
import { pickTexts } from "../catalogue/listing-fields";
import { Resource, ResourceStatus } from "../catalogue/resource.entity";
import { slugify } from "../catalogue/slug";
import { Organisation } from "../organisations/organisation.entity";
import type { SearchOutbox } from "../search/search-outbox.service";
import { FileRow } from "./listing-file";
import { ListingRow, listingRowSchema } from "./listing-row";
import { ReferenceResolver } from "./reference-resolver";

export type RowAction = "create" | "update" | "unchanged" | "reject";

/** Rejected rows listed by `describePlan`. */
const MAX_LISTED = 50;

/** What a plan does, as lines of text: the counts, then every rejected row with its reasons. */
export function describePlan(plan: ImportPlan): string {
  const { create, update, unchanged, reject } = plan.counts;
  const lines = [`${create} to create, ${update} to update, ${unchanged} unchanged, ${reject} rejected`];
  if (plan.newOrganisations.length) lines.push(`New organisations, created unverified: ${plan.newOrganisations.join(", ")}`);
  const rejected = plan.rows.filter((r) => r.action === "reject");
  for (const row of rejected.slice(0, MAX_LISTED)) {
    lines.push(`  line ${row.line}${row.externalId ? ` (${row.externalId})` : ""}: ${Object.entries(row.errors).map(([field, reason]) => `${field} ${reason}`).join("; ")}`);
  }
  if (rejected.length > MAX_LISTED) lines.push(`  ... and ${rejected.length - MAX_LISTED} more rejected rows`);
  return lines.join("\n");
}

/** What an import does with one row of the file. */
export interface PlannedRow {
  line: number;
  externalId: string | null;
  title: string | null;
  /** The organisation the row lists for (its name), when known. */
  organisation: string | null;
  action: RowAction;
  /** For an update: the fields that change. */
  changes: string[];
  /** For a rejected row: what is wrong, by field. */
  errors: Record<string, string>;
}

export interface ImportPlan {
  rows: PlannedRow[];
  counts: Record<RowAction, number>;
  /** Organisations a curator's import would create, unverified, by name. */
  newOrganisations: string[];
  /** True when no row is rejected: the import may be committed. */
  ok: boolean;
}

export interface ImportResult extends ImportPlan {
  /** Ids of the listings created or updated. */
  changedIds: number[];
}

/**
 * Whose listings a file holds: one organisation's, or, for a curator, several, each row naming its
 * `organisation` (unknown ones are created unverified).
 */
export type ImportScope = { kind: "organisation"; organisation: Organisation } | { kind: "several" };

/** The file has rejected rows: nothing was imported. */
export class ImportRejectedError extends AppError {
  constructor(readonly plan: ImportPlan) {
    const first = plan.rows.find((r) => r.action === "reject")!;
    const [field, reason] = Object.entries(first.errors)[0];
    super(400, "import_rejected", `${plan.counts.reject} row${plan.counts.reject === 1 ? "" : "s"} cannot be imported, so nothing was imported. First: line ${first.line}, ${field} ${reason}.`);
  }
}

/** Someone saved the same listings (or slugs) while this import ran: it was rolled back whole. */
export class ImportCollisionError extends AppError {
  constructor() {
    super(409, "import_collision", "Another change to these listings was saved at the same moment, so nothing of this import was saved. Run it again: it will see that change.");
  }
}

/** A unique index refused a row (Postgres 23505, SQLite SQLITE_CONSTRAINT on a UNIQUE index). */
function isUniqueViolation(error: unknown): boolean {
  const driver = (error as { driverError?: { code?: string; message?: string } })?.driverError;
  return driver?.code === "23505" || (driver?.code === "SQLITE_CONSTRAINT" && /UNIQUE/.test(driver.message ?? ""));
}

/** A listing as the file describes it, resolved against the reference data. */
interface Resolved {
  ownerId: number | null;
  /** The organisation to create for this row (curator imports), by name. */
  newOwner: string | null;
  ownerName: string;
  externalId: string;
  /** The listing's own columns: those the workspace edits, and its status. */
  columns: Omit<ListingFields, "topicSlugs" | "audienceSlugs"> & { status: ResourceStatus };
  topicIds: number[];
  audienceSlugs: string[];
  editions: Array<{ languageTag: string; title: string | null; url: string | null; format: string | null }>;
  sessions: SessionValues[];
}

type Snapshot = Omit<Resolved, "ownerId" | "newOwner" | "ownerName" | "externalId">;

/** The columns an import compares and writes: those the workspace edits, and the status. */
type ColumnKey = keyof Resolved["columns"];
const COLUMN_KEYS: ColumnKey[] = [...EDITABLE_FIELDS.filter((k): k is Exclude<keyof ListingFields, "topicSlugs" | "audienceSlugs"> => k !== "topicSlugs" && k !== "audienceSlugs"), "status"];

/** Editions and sessions in one order whatever order the file or the database gives them in: every field counts. */
const byEdition = (a: Snapshot["editions"][number], b: Snapshot["editions"][number]) => a.languageTag.localeCompare(b.languageTag) || JSON.stringify(a).localeCompare(JSON.stringify(b));
const bySession = (a: Snapshot["sessions"][number], b: Snapshot["sessions"][number]) => a.startDate.localeCompare(b.startDate) || JSON.stringify(a).localeCompare(JSON.stringify(b));

/** A saved listing in the same terms as a resolved row, to compare the two. */
function snapshotOf(resource: Resource): Snapshot {
  return {
    columns: Object.fromEntries(COLUMN_KEYS.map((k) => [k, resource[k] ?? null])) as Snapshot["columns"],
    topicIds: (resource.topics ?? []).map((t) => t.id).sort((a, b) => a - b),
    audienceSlugs: (resource.audiences ?? []).map((a) => a.slug).sort(),
    editions: (resource.editions ?? []).map((e) => ({ languageTag: e.languageTag, title: e.title, url: e.url, format: e.format })).sort(byEdition),
    sessions: (resource.sessions ?? []).map(sessionValuesOf).sort(bySession),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** An organisation's name as compared: case and spacing do not matter. */
const organisationKey = (name: string) => name.normalize("NFC").trim().toLocaleLowerCase("en").replace(/\s+/g, " ");

/** The fields of a listing that an import would change. */
function differences(saved: Snapshot, wanted: Snapshot): string[] {
  const changed: string[] = COLUMN_KEYS.filter((k) => !same(saved.columns[k], wanted.columns[k]));
  if (!same(saved.topicIds, wanted.topicIds)) changed.push("topics");
  if (!same(saved.audienceSlugs, wanted.audienceSlugs)) changed.push("audiences");
  if (!same(saved.editions, wanted.editions)) changed.push("editions");
  if (!same(saved.sessions, wanted.sessions)) changed.push("sessions");
  return changed;
}

/** The id an export gives a listing that has no `externalId` of its own. */
const GENERATED_ID = /^listing-(\d{1,9})$/;

/** Rows per INSERT statement: well inside SQLite's and Postgres's limits on bound parameters. */
const CHUNK = 200;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface ImportOptions {
  /** Told how many rows are done, for a progress bar. */
  onProgress?: (stage: "checking" | "writing", done: number, total: number) => void;
}

/**
 * Bulk import of listings from CSV or JSON Lines. `plan` is the dry run: it reads and checks every
 * row and says what would be created, updated, left unchanged or rejected, and changes nothing.
 * `commit` plans again inside one transaction and writes everything, or nothing when any row is
 * rejected. Rows are matched to listings by the owner's `externalId`, so a second import of the
 * same file changes nothing.
 */
export class ListingImporter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: SearchOutbox,
  ) {}

  async plan(rows: FileRow[], scope: ImportScope, options: ImportOptions = {}): Promise<ImportPlan> {
    return (await this.check(this.dataSource.manager, rows, scope, options)).plan;
  }

  async commit(rows: FileRow[], scope: ImportScope, actor: Actor, options: ImportOptions = {}): Promise<ImportResult> {
    const result = await this.dataSource
      .transaction(async (manager) => {
        const { plan, resolved, existing } = await this.check(manager, rows, scope, options);
        if (!plan.ok) throw new ImportRejectedError(plan);
        const changedIds = await this.write(manager, plan, resolved, existing, scope, actor, options);
        return { ...plan, changedIds };
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw new ImportCollisionError();
        throw error;
      });
    if (result.changedIds.length) this.outbox.notify();
    return result;
  }

  /** Reads, resolves and matches every row. */
  private async check(manager: EntityManager, rows: FileRow[], scope: ImportScope, options: ImportOptions) {
    const resolver = await ReferenceResolver.load(manager);
    const planned: PlannedRow[] = [];
    const resolved = new Map<number, Resolved>();
    const seen = new Map<string, number>();
    const newOrganisations: string[] = [];
    const newNames = new Map<string, string>();

    rows.forEach((row, index) => {
      options.onProgress?.("checking", index + 1, rows.length);
      const plannedRow: PlannedRow = { line: row.line, externalId: null, title: null, organisation: null, action: "reject", changes: [], errors: { ...row.problems } };
      planned.push(plannedRow);
      if (row.value === null) return;
      const parsed = listingRowSchema.safeParse(row.value);
      if (typeof row.value.externalId === "string") plannedRow.externalId = row.value.externalId.trim().slice(0, 120);
      if (typeof row.value.title === "string") plannedRow.title = row.value.title.trim().slice(0, 300);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          if (issue.code === "unrecognized_keys") for (const k of issue.keys) plannedRow.errors[[...issue.path, k].join(".")] = "is not a known field";
          else plannedRow.errors[issue.path.join(".") || "row"] ??= issue.message;
        }
        return;
      }
      if (Object.keys(plannedRow.errors).length) return;
      const value = this.resolve(parsed.data, resolver, scope, plannedRow.errors, newNames);
      if (!value) return;
      plannedRow.organisation = value.ownerName;
      const ownerKey = `${value.ownerId ?? `new:${value.newOwner}`}/${value.externalId}`;
      const earlier = seen.get(ownerKey);
      if (earlier !== undefined) {
        plannedRow.errors.externalId = `"${value.externalId}" is used already on line ${earlier}`;
        return;
      }
      seen.set(ownerKey, row.line);
      if (value.newOwner && !newOrganisations.includes(value.newOwner)) newOrganisations.push(value.newOwner);
      resolved.set(index, value);
    });

    const existing = await this.existingListings(manager, [...resolved.values()]);
    for (const [index, value] of resolved) {
      const row = planned[index];
      const saved = value.ownerId !== null ? existing.get(`${value.ownerId}/${value.externalId}`) : undefined;
      if (!saved) {
        // A new listing needs a topic; one saved without any (the workspace allows it) may stay so.
        if (value.topicIds.length === 0) row.errors.topics = "must name at least one topic";
        // `listing-<id>` is how an export names a listing that has no id of its own.
        if (GENERATED_ID.test(value.externalId)) row.errors.externalId = `"${value.externalId}" names no listing of this organisation; ids of the form listing-<number> are given by exports`;
        row.action = Object.keys(row.errors).length ? "reject" : "create";
        if (row.action === "reject") resolved.delete(index);
        continue;
      }
      // A draft may stay without topics; a published listing keeps at least one.
      if (value.columns.status === "published" && value.topicIds.length === 0) {
        row.errors.topics = PUBLISHED_NEEDS_TOPIC;
        row.action = "reject";
        resolved.delete(index);
        continue;
      }
      const changes = differences(snapshotOf(saved), value);
      row.action = changes.length ? "update" : "unchanged";
      row.changes = changes;
    }
    for (const row of planned) if (row.action === "reject" && Object.keys(row.errors).length === 0) row.errors.row = "cannot be imported";

    const counts: Record<RowAction, number> = { create: 0, update: 0, unchanged: 0, reject: 0 };
    for (const row of planned) counts[row.action]++;
    const plan: ImportPlan = { rows: planned, counts, newOrganisations, ok: counts.reject === 0 };
    return { plan, resolved, existing };
  }

  /** One row's values resolved to the reference data; null (with `errors` filled) when something is unknown. */
  private resolve(row: ListingRow, resolver: ReferenceResolver, scope: ImportScope, errors: Record<string, string>, newOrganisations: Map<string, string>): Resolved | null {
    let ownerId: number | null = null;
    let newOwner: string | null = null;
    let ownerName = "";
    const named = row.organisation === null ? null : resolver.organisation(row.organisation);
    if (named && "ambiguous" in named) {
      errors.organisation = `"${row.organisation}" names several organisations (${named.ambiguous.map((o) => o.slug).join(", ")}); give the slug of the one you mean`;
    } else if (scope.kind === "organisation") {
      ownerId = scope.organisation.id;
      ownerName = scope.organisation.name;
      if (row.organisation !== null && named?.found.id !== scope.organisation.id) {
        errors.organisation = `"${row.organisation}" is not ${scope.organisation.name}; this import is for ${scope.organisation.name} only`;
      }
    } else if (row.organisation === null) {
      errors.organisation = "is required when importing for several organisations: give its slug, name or acronym";
    } else if (named) {
      ownerId = named.found.id;
      ownerName = named.found.name;
    } else {
      // Not known yet: one new organisation per name, whatever the case or spacing it is written in.
      newOwner = newOrganisations.get(organisationKey(row.organisation)) ?? row.organisation.replace(/\s+/g, " ");
      newOrganisations.set(organisationKey(row.organisation), newOwner);
      ownerName = newOwner;
    }

    const kind = resolver.kinds.find(row.kind);
    if (!kind) errors.kind = resolver.kinds.unknown(row.kind);
    let deliveryMode: string | null = null;
    if (row.deliveryMode !== null) {
      deliveryMode = resolver.modes.find(row.deliveryMode) ?? null;
      if (!deliveryMode) errors.deliveryMode = resolver.modes.unknown(row.deliveryMode);
    }

    const topicIds = new Set<number>();
    for (const name of row.topics) {
      const topic = resolver.topics.find(name);
      if (topic) topicIds.add(topic.id);
      else errors.topics ??= resolver.topics.unknown(name);
    }
    const audienceSlugs = new Set<string>();
    for (const name of row.audiences) {
      const audience = resolver.audiences.find(name);
      if (audience) audienceSlugs.add(audience.slug);
      else errors.audiences ??= resolver.audiences.unknown(name);
    }
    const language = (name: string, field: string): string | null => {
      const found = resolver.languages.find(name);
      if (!found) errors[field] ??= resolver.languages.unknown(name);
      return found?.tag ?? null;
    };

    const editions: Resolved["editions"] = [];
    row.editions.forEach((e, i) => {
      const tag = language(e.language, `editions.${i}.language`);
      if (!tag) return;
      if (editions.some((other) => editionKey(other) === editionKey({ languageTag: tag, format: e.format }))) errors[`editions.${i}.language`] ??= `"${e.language}" ${SECOND_EDITION}: one edition per language and format`;
      else editions.push({ languageTag: tag, title: e.title, url: e.url, format: e.format });
    });
    for (const name of row.languages) {
      const tag = language(name, "languages");
      if (tag && !editions.some((e) => e.languageTag === tag)) editions.push({ languageTag: tag, title: null, url: null, format: null });
    }

    const sessions: Resolved["sessions"] = [];
    row.sessions.forEach((s, i) => {
      let countryCode: string | null = null;
      if (s.country !== null) {
        countryCode = resolver.countries.find(s.country)?.code ?? null;
        if (!countryCode) errors[`sessions.${i}.country`] ??= resolver.countries.unknown(s.country);
      }
      const languageTag = s.language === null ? null : language(s.language, `sessions.${i}.language`);
      const interpretationLanguages = s.interpretation.map((l, j) => language(l, `sessions.${i}.interpretation.${j}`)).filter((t): t is string => t !== null);
      sessions.push({ startDate: s.start, endDate: s.end, city: s.city, countryCode, online: s.online, languageTag, status: s.status, venue: s.venue, timeZone: s.timeZone, capacity: s.capacity, seatsPerCountry: s.seatsPerCountry, applicationOpens: s.applicationOpens, applicationDeadline: s.applicationDeadline, interpretationLanguages: interpretationLanguages.length ? interpretationLanguages : null });
    });

    if (Object.keys(errors).length) return null;
    return {
      ownerId,
      newOwner,
      ownerName,
      externalId: row.externalId,
      columns: {
        kind: kind!,
        title: row.title,
        ...pickTexts(row),
        url: row.url,
        deliveryMode,
        isFree: row.isFree,
        contactName: row.contact.name,
        contactEmail: row.contact.email?.toLowerCase() ?? null,
        visibility: row.visibility,
        status: row.status,
      },
      topicIds: [...topicIds].sort((a, b) => a - b),
      audienceSlugs: [...audienceSlugs].sort(),
      editions: editions.sort(byEdition),
      sessions: sessions.sort(bySession),
    };
  }

  /** The saved listings the rows refer to, by `ownerId/externalId`. */
  private async existingListings(manager: EntityManager, rows: Resolved[]): Promise<Map<string, Resource>> {
    const byOwner = new Map<number, string[]>();
    for (const row of rows) if (row.ownerId !== null) byOwner.set(row.ownerId, [...(byOwner.get(row.ownerId) ?? []), row.externalId]);
    const found = new Map<string, Resource>();
    for (const [ownerId, externalIds] of byOwner) {
      for (const part of chunks(externalIds, 500)) {
        const ids = await manager.getRepository(Resource).find({ select: { id: true }, where: { ownerId, externalId: In(part) } });
        if (ids.length === 0) continue;
        const resources = await manager.getRepository(Resource).find({ where: { id: In(ids.map((r) => r.id)) }, relations: { topics: true, audiences: true, editions: true, sessions: true } });
        for (const r of resources) found.set(`${r.ownerId}/${r.externalId}`, r);
      }
      // Listings given no id of their own are exported as `listing-<id>`: such a row updates that
      // listing, which keeps having no id of its own.
      const byId = externalIds.filter((e) => !found.has(`${ownerId}/${e}`) && GENERATED_ID.test(e)).map((e) => Number(GENERATED_ID.exec(e)![1]));
      for (const part of chunks(byId, 500)) {
        const resources = await manager.getRepository(Resource).find({ where: { id: In(part), ownerId, externalId: IsNull() }, relations: { topics: true, audiences: true, editions: true, sessions: true } });
        for (const r of resources) found.set(`${r.ownerId}/listing-${r.id}`, r);
      }
    }
    return found;
  }

  /** Writes a plan with no rejected rows. Returns the ids of the listings created or updated. */
  private async write(manager: EntityManager, plan: ImportPlan, resolved: Map<number, Resolved>, existing: Map<string, Resource>, scope: ImportScope, actor: Actor, options: ImportOptions): Promise<number[]> {
    const audits: AuditRecord[] = [];
    const total = plan.counts.create + plan.counts.update;
    let done = 0;

    // Organisations named by a curator's file that are not known yet: created unverified.
    const newOwnerIds = new Map<string, number>();
    if (scope.kind === "several") {
      const repo = manager.getRepository(Organisation);
      for (const name of plan.newOrganisations) {
        const base = slugify(name) || "organisation";
        let slug = base;
        for (let n = 2; await repo.existsBy({ slug }); n++) slug = `${base}-${n}`;
        const shortName = name.length <= 12 && !/\s/.test(name) ? name : null;
        const organisation = await repo.save(repo.create({ name: name.slice(0, 200), shortName, slug, kind: "other", countryCode: null, website: null, description: null, contactName: null, contactEmail: null, verified: false }));
        newOwnerIds.set(name, organisation.id);
        audits.push({ action: "organisation.created", entityType: "organisation", entityId: organisation.id, organisationId: organisation.id, changes: { name: [null, name], verified: [null, false] } });
      }
    }

    const creates: Array<Resolved & { ownerId: number }> = [];
    const updates: Array<{ value: Resolved; saved: Resource; changes: string[] }> = [];
    plan.rows.forEach((row, index) => {
      const value = resolved.get(index);
      if (!value) return;
      const ownerId = value.ownerId ?? newOwnerIds.get(value.newOwner!)!;
      if (row.action === "create") creates.push({ ...value, ownerId });
      else if (row.action === "update") updates.push({ value, saved: existing.get(`${ownerId}/${value.externalId}`)!, changes: row.changes });
    });

    const changedIds: number[] = [];
    const now = new Date();

    // New listings: free slugs decided up front, rows inserted in chunks, ids read back by slug.
    if (creates.length) {
      const taken = await manager.getRepository(Resource).createQueryBuilder("r").select("r.slug", "slug").getRawMany<{ slug: string }>();
      const slugs = new Set(taken.map((t) => t.slug));
      const freeSlug = (base: string) => {
        for (let n = 1; ; n++) {
          const candidate = n === 1 ? base : `${base}-${n}`;
          if (!slugs.has(candidate)) {
            slugs.add(candidate);
            return candidate;
          }
        }
      };
      const withSlugs = creates.map((c) => ({ c, slug: freeSlug(slugify(c.columns.acronym && c.columns.title.length > 80 ? c.columns.acronym : c.columns.title) || "listing") }));
      const idBySlug = new Map<string, number>();
      for (const part of chunks(withSlugs)) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(Resource)
          .values(part.map(({ c, slug }) => ({ ...c.columns, slug, externalId: c.externalId, ownerId: c.ownerId, publishedAt: c.columns.status === "published" ? now : null, lastConfirmedAt: null, version: 1 })))
          .updateEntity(false)
          .execute();
        const rows = await manager.getRepository(Resource).find({ select: { id: true, slug: true }, where: { slug: In(part.map((p) => p.slug)) } });
        for (const r of rows) idBySlug.set(r.slug, r.id);
        options.onProgress?.("writing", (done += part.length), total);
      }
      const created = withSlugs.map(({ c, slug }) => ({ id: idBySlug.get(slug)!, value: c }));
      await this.insertParts(manager, created);
      for (const { id, value } of created) {
        changedIds.push(id);
        audits.push({ action: "resource.created", entityType: "resource", entityId: id, organisationId: value.ownerId, changes: { title: [null, value.columns.title], status: [null, value.columns.status], externalId: [null, value.externalId] } });
      }
    }

    for (const { value, saved, changes } of updates) {
      const before = snapshotOf(saved);
      const columnChanges = Object.fromEntries(COLUMN_KEYS.filter((k) => changes.includes(k)).map((k) => [k, value.columns[k]]));
      const publishedAt = value.columns.status === "published" && !saved.publishedAt ? now : saved.publishedAt;
      await manager
        .createQueryBuilder()
        .update(Resource)
        .set({ ...columnChanges, publishedAt, version: () => "version + 1", updatedAt: now })
        .where("id = :id", { id: saved.id })
        .execute();
      await this.replaceParts(manager, saved.id, value, changes);
      changedIds.push(saved.id);
      const recorded: Record<string, [unknown, unknown]> = {};
      for (const key of changes) {
        if ((COLUMN_KEYS as readonly string[]).includes(key)) recorded[key] = [before.columns[key as ColumnKey], value.columns[key as ColumnKey]];
        else recorded[key] = [before[key === "topics" ? "topicIds" : key === "audiences" ? "audienceSlugs" : (key as "editions" | "sessions")], value[key === "topics" ? "topicIds" : key === "audiences" ? "audienceSlugs" : (key as "editions" | "sessions")]];
      }
      audits.push({ action: "resource.updated", entityType: "resource", entityId: saved.id, organisationId: saved.ownerId, changes: recorded });
      options.onProgress?.("writing", ++done, total);
    }

    if (scope.kind === "organisation" && changedIds.length) {
      audits.push({
        action: "import.committed",
        entityType: "organisation",
        entityId: scope.organisation.id,
        organisationId: scope.organisation.id,
        changes: { created: [null, plan.counts.create], updated: [null, plan.counts.update], unchanged: [null, plan.counts.unchanged] },
      });
    }
    await this.audit.recordMany(manager, actor, audits);
    await this.outbox.enqueueMany(manager, changedIds);
    return changedIds;
  }

  private junction(manager: EntityManager, property: "topics" | "audiences") {
    return manager.connection.getMetadata(Resource).manyToManyRelations.find((r) => r.propertyName === property)!.junctionEntityMetadata!.target;
  }

  /** Topics, audiences, editions and sessions of new listings, in chunked INSERTs. */
  private async insertParts(manager: EntityManager, listings: Array<{ id: number; value: Resolved }>): Promise<void> {
    const insert = async (target: EntityTarget<ObjectLiteral>, rows: ObjectLiteral[]) => {
      for (const part of chunks(rows)) await manager.createQueryBuilder().insert().into(target).values(part).updateEntity(false).execute();
    };
    await insert(this.junction(manager, "topics"), listings.flatMap(({ id, value }) => value.topicIds.map((topicId) => ({ resource_id: id, topic_id: topicId }))));
    await insert(this.junction(manager, "audiences"), listings.flatMap(({ id, value }) => value.audienceSlugs.map((slug) => ({ resource_id: id, audience_slug: slug }))));
    await insert(Edition, listings.flatMap(({ id, value }) => value.editions.map((e) => ({ ...e, resourceId: id }))));
    await insert(
      CourseSession,
      listings.flatMap(({ id, value }) => value.sessions.map((s) => ({ ...s, resourceId: id }))),
    );
  }

  /** Replaces the parts of a saved listing that an update changes. */
  private async replaceParts(manager: EntityManager, id: number, value: Resolved, changes: string[]): Promise<void> {
    if (changes.includes("topics")) await manager.createQueryBuilder().delete().from(this.junction(manager, "topics")).where("resource_id = :id", { id }).execute();
    if (changes.includes("audiences")) await manager.createQueryBuilder().delete().from(this.junction(manager, "audiences")).where("resource_id = :id", { id }).execute();
    if (changes.includes("editions")) await manager.getRepository(Edition).delete({ resourceId: id });
    if (changes.includes("sessions")) await manager.getRepository(CourseSession).delete({ resourceId: id });
    await this.insertParts(manager, [
      {
        id,
        value: {
          ...value,
          topicIds: changes.includes("topics") ? value.topicIds : [],
          audienceSlugs: changes.includes("audiences") ? value.audienceSlugs : [],
          editions: changes.includes("editions") ? value.editions : [],
          sessions: changes.includes("sessions") ? value.sessions : [],
        },
      },
    ]);
  }
}
