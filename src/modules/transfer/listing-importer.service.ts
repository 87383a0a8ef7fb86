import type { DataSource, EntityManager } from "typeorm";
import { AppError } from "../../http/errors";
import type { Actor, AuditService } from "../audit/audit.service";
import { sessionValuesOf, type SessionValues } from "../catalogue/course-session.entity";
import { EDITABLE_FIELDS, type ListingFields, PUBLISHED_NEEDS_TOPIC, SECOND_EDITION, editionKey } from "../catalogue/listing-editor.service";
import { LANGUAGE_FIELDS, scalarsOfRow } from "../catalogue/listing-fields";
import { duplicatesWithin, type Duplicate, type DuplicateFinder } from "../catalogue/duplicates";
import { message } from "../../i18n/message";
import { waitsForReview } from "../catalogue/listing-rules";
import type { ListingRepository } from "../catalogue/listing.repository";
import type { ListingChange, ListingWriter, NewListing } from "../catalogue/listing-writer.service";
import type { Resource, ResourceStatus } from "../catalogue/resource.entity";
import type { Organisation } from "../organisations/organisation.entity";
import type { OrganisationService } from "../organisations/organisation.service";
import { nameKey } from "../../http/compare";
import { FileRow } from "./listing-file";
import { ListingRow, listingRowSchema } from "./listing-row";
import { ReferenceResolver } from "./reference-resolver";
import { suggestLanguage } from "../catalogue/listing-language";

export type RowAction = "create" | "update" | "unchanged" | "reject";

/** A new row that looks like a saved listing or an earlier new row of the file. */
export const looksAlike = (row: PlannedRow): boolean => Boolean(row.duplicates?.length || row.alsoInFile?.length);

/** Why a row looks like a saved listing, in the command line's words. */
const DUPLICATE_REASONS: Record<Duplicate["reason"], string> = { url: "same address", title: "same title and owner", "title-date": "same title and a session starting" };

/** Rejected rows listed by `describePlan`. */
const MAX_LISTED = 50;

/** What a plan does, as lines of text: the counts, then every rejected row with its reasons. */
export function describePlan(plan: ImportPlan): string {
  const { create, update, unchanged, reject } = plan.counts;
  const lines = [`${create} to create, ${update} to update, ${unchanged} unchanged, ${reject} rejected`];
  const review = plan.rows.filter((r) => r.review).length;
  if (review) lines.push(`${review} to wait for a curator's review before they are public (the organisation is not verified yet)`);
  if (plan.newOrganisations.length) lines.push(`New organisations, created unverified: ${plan.newOrganisations.join(", ")}`);
  const rejected = plan.rows.filter((r) => r.action === "reject");
  for (const row of rejected.slice(0, MAX_LISTED)) {
    lines.push(
      `  line ${row.line}${row.externalId ? ` (${row.externalId})` : ""}: ${Object.entries(row.errors)
        .map(([field, reason]) => `${field} ${reason}`)
        .join("; ")}`,
    );
  }
  if (rejected.length > MAX_LISTED) lines.push(`  ... and ${rejected.length - MAX_LISTED} more rejected rows`);
  const alike = plan.rows.filter(looksAlike);
  if (alike.length) lines.push(`${alike.length} new ${alike.length === 1 ? "row looks" : "rows look"} like saved listings (import them with --distinct if they are different ones):`);
  for (const row of alike.slice(0, MAX_LISTED)) {
    const saved = (row.duplicates ?? []).map((d) => `${DUPLICATE_REASONS[d.reason]}${d.date ? ` ${d.date}` : ""} as "${d.title}" (${d.slug})`);
    const inFile = (row.alsoInFile ?? []).map((d) => `${d.reason === "title-date" ? "same title and start date" : DUPLICATE_REASONS[d.reason]} as line ${d.line}`);
    lines.push(`  line ${row.line}${row.externalId ? ` (${row.externalId})` : ""}: ${[...saved, ...inFile].join("; ")}`);
  }
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
  /** Published by the file, but waiting for a curator's review first (an unverified organisation). */
  review?: boolean;
  /** For a new listing: saved listings it looks like (`DuplicateFinder`), to be told apart before the import. */
  duplicates?: Duplicate[];
  /** For a new listing: earlier new rows of the same file it looks like, by line. */
  alsoInFile?: Array<{ line: number; reason: Duplicate["reason"] }>;
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

/** New rows look like saved listings and the importer did not say they are distinct: nothing was imported. */
export class ImportDuplicatesError extends AppError {
  constructor(readonly plan: ImportPlan) {
    const rows = plan.rows.filter(looksAlike).length;
    super(409, "import_duplicates", message("transfer.errors.duplicates", { count: rows }), { distinct: message("transfer.errors.sayDistinct") });
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
  columns: Omit<ListingFields, "topicSlugs" | "audienceSlugs" | "languageTag"> & { status: ResourceStatus; languageTag: string | null | undefined };
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

export interface ImportOptions {
  /** Told how many rows are done, for a progress bar. */
  onProgress?: (stage: "checking" | "writing", done: number, total: number) => void;
  /**
   * A curator (or the command line, run by the catalogue's operators) imports: published rows are
   * public at once. Otherwise those of an unverified organisation wait for review (`waitsForReview`).
   */
  byCurator?: boolean;
  /** The importer says the new rows that look like saved listings are different ones: they are imported. */
  distinct?: boolean;
  /**
   * The language of a new listing whose row gives none and whose title's script suggests none (a
   * Latin title): the import page's language, or `--language` on the command line; English if unset.
   */
  defaultLanguage?: string;
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
    private readonly listings: ListingRepository,
    private readonly writer: ListingWriter,
    private readonly organisations: OrganisationService,
    private readonly duplicates: DuplicateFinder,
  ) {}

  async plan(rows: FileRow[], scope: ImportScope, options: ImportOptions = {}): Promise<ImportPlan> {
    return (await this.check(this.dataSource.manager, rows, scope, options)).plan;
  }

  async commit(rows: FileRow[], scope: ImportScope, actor: Actor, options: ImportOptions = {}): Promise<ImportResult> {
    const result = await this.writer
      .transaction(async (manager) => {
        const { plan, resolved, existing } = await this.check(manager, rows, scope, options);
        if (!plan.ok) throw new ImportRejectedError(plan);
        if (!options.distinct && plan.rows.some(looksAlike)) throw new ImportDuplicatesError(plan);
        const changedIds = await this.write(manager, plan, resolved, existing, scope, actor, options);
        return { ...plan, changedIds };
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw new ImportCollisionError();
        throw error;
      });
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
    // Only curators import for several organisations; an organisation's own people import for theirs.
    const ownerVerified = scope.kind === "organisation" ? scope.organisation.verified : false;
    for (const [index, value] of resolved) {
      const row = planned[index];
      const saved = value.ownerId !== null ? existing.get(`${value.ownerId}/${value.externalId}`) : undefined;
      // A row that does not say its language keeps the saved one; a new listing gets the suggestion.
      if (value.columns.languageTag === undefined) {
        value.columns.languageTag = saved ? saved.languageTag : suggestLanguage(value.columns.title, resolver.languageList, options.defaultLanguage ?? "en");
      }
      if (value.columns.status === "published" && waitsForReview({ publishedAt: saved?.publishedAt ?? null }, { verified: ownerVerified }, options.byCurator ?? false)) {
        value.columns.status = "pending";
        row.review = true;
      }
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
    // New listings that look like saved ones: the same address, title and owner, or title and start date.
    const creating = [...resolved].filter(([index]) => planned[index].action === "create");
    const candidates = creating.map(([, value]) => ({ title: value.columns.title, url: value.columns.url, ownerId: value.ownerId, startDates: value.sessions.map((s) => s.startDate) }));
    const found = await this.duplicates.find(candidates, manager);
    const within = duplicatesWithin(candidates);
    creating.forEach(([index], i) => {
      if (found[i].length) planned[index].duplicates = found[i];
      if (within[i].length) planned[index].alsoInFile = within[i].map((a) => ({ line: planned[creating[a.index][0]].line, reason: a.reason }));
    });
    // Only what the import writes is sent for review: a row unchanged stays where it waits already.
    for (const row of planned) if (row.review && row.action !== "create" && row.action !== "update") delete row.review;

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
      newOwner = newOrganisations.get(nameKey(row.organisation)) ?? row.organisation.replace(/\s+/g, " ");
      newOrganisations.set(nameKey(row.organisation), newOwner);
      ownerName = newOwner;
    }

    const kind = resolver.kinds.find(row.kind);
    if (!kind) errors.kind = resolver.kinds.unknown(row.kind);

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
      if (editions.some((other) => editionKey(other) === editionKey({ languageTag: tag, format: e.format })))
        errors[`editions.${i}.language`] ??= `"${e.language}" ${SECOND_EDITION}: one edition per language and format`;
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
      sessions.push({
        startDate: s.start,
        endDate: s.end,
        city: s.city,
        countryCode,
        online: s.online,
        languageTag,
        status: s.status,
        venue: s.venue,
        timeZone: s.timeZone,
        capacity: s.capacity,
        seatsPerCountry: s.seatsPerCountry,
        applicationOpens: s.applicationOpens,
        applicationDeadline: s.applicationDeadline,
        interpretationLanguages: interpretationLanguages.length ? interpretationLanguages : null,
      });
    });

    // The registry's language fields may name a language as the other languages of a row do.
    const scalars = scalarsOfRow(row);
    for (const f of LANGUAGE_FIELDS) {
      const name = scalars[f.name];
      if (typeof name === "string") Object.assign(scalars, { [f.name]: language(name, f.name) });
    }

    // The language of the listing's own text; left out, it is decided once the row is matched.
    const textLanguage = row.language === null ? undefined : language(row.language, "language");
    if (Object.keys(errors).length) return null;
    return {
      ownerId,
      newOwner,
      ownerName,
      externalId: row.externalId,
      columns: {
        kind: kind!,
        title: row.title,
        languageTag: textLanguage ?? undefined,
        ...scalars,
        url: row.url,
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
      for (const r of await this.listings.findByExternalIds(manager, ownerId, externalIds)) found.set(`${r.ownerId}/${r.externalId}`, r);
      // Listings given no id of their own are exported as `listing-<id>`: such a row updates that
      // listing, which keeps having no id of its own.
      const byId = externalIds.filter((e) => !found.has(`${ownerId}/${e}`) && GENERATED_ID.test(e)).map((e) => Number(GENERATED_ID.exec(e)![1]));
      for (const r of await this.listings.findWithoutExternalId(manager, ownerId, byId)) found.set(`${r.ownerId}/listing-${r.id}`, r);
    }
    return found;
  }

  /** Writes a plan with no rejected rows, through the listing writer. Returns the ids of the listings created or updated. */
  private async write(
    manager: EntityManager,
    plan: ImportPlan,
    resolved: Map<number, Resolved>,
    existing: Map<string, Resource>,
    scope: ImportScope,
    actor: Actor,
    options: ImportOptions,
  ): Promise<number[]> {
    const total = plan.counts.create + plan.counts.update;

    // Organisations named by a curator's file that are not known yet: created unverified.
    const newOwnerIds = new Map<string, number>();
    if (scope.kind === "several") {
      for (const organisation of await this.organisations.createUnverified(manager, plan.newOrganisations, actor)) newOwnerIds.set(organisation.name, organisation.id);
    }

    const creates: NewListing[] = [];
    const updates: ListingChange[] = [];
    const now = new Date();
    plan.rows.forEach((row, index) => {
      const value = resolved.get(index);
      if (!value) return;
      const ownerId = value.ownerId ?? newOwnerIds.get(value.newOwner!)!;
      if (row.action === "create") {
        creates.push({
          ownerId,
          externalId: value.externalId,
          columns: { ...value.columns, languageTag: value.columns.languageTag ?? null },
          topicIds: value.topicIds,
          audienceSlugs: value.audienceSlugs,
          editions: value.editions,
          sessions: value.sessions,
          submittedById: value.columns.status === "pending" ? actor.id : null,
        });
      } else if (row.action === "update") {
        const saved = existing.get(`${ownerId}/${value.externalId}`)!;
        updates.push(this.updateOf(saved, value, row.changes, now, actor));
      }
    });

    const createdIds = await this.writer.create(manager, creates, actor, (done) => options.onProgress?.("writing", done, total));
    await this.writer.update(manager, updates, actor, (done) => options.onProgress?.("writing", creates.length + done, total));
    const changedIds = [...createdIds, ...updates.map((u) => u.id)];

    if (scope.kind === "organisation" && changedIds.length) {
      await this.audit.record(manager, actor, {
        action: "import.committed",
        entityType: "organisation",
        entityId: scope.organisation.id,
        organisationId: scope.organisation.id,
        changes: { created: [null, plan.counts.create], updated: [null, plan.counts.update], unchanged: [null, plan.counts.unchanged] },
      });
    }
    return changedIds;
  }

  /** The writer's change for a row that updates a saved listing: the columns and parts that differ. */
  private updateOf(saved: Resource, value: Resolved, changes: string[], now: Date, actor: Actor): ListingChange {
    const before = snapshotOf(saved);
    const columns = Object.fromEntries(COLUMN_KEYS.filter((k) => changes.includes(k)).map((k) => [k, value.columns[k]])) as Partial<Resolved["columns"]>;
    const recorded: Record<string, [unknown, unknown]> = {};
    for (const key of changes) {
      if ((COLUMN_KEYS as readonly string[]).includes(key)) recorded[key] = [before.columns[key as ColumnKey], value.columns[key as ColumnKey]];
      else {
        const part = key === "topics" ? "topicIds" : key === "audiences" ? "audienceSlugs" : (key as "editions" | "sessions");
        recorded[key] = [before[part], value[part]];
      }
    }
    return {
      id: saved.id,
      ownerId: saved.ownerId,
      columns: { ...columns, ...this.reviewColumns(value, changes, actor), publishedAt: value.columns.status === "published" && !saved.publishedAt ? now : saved.publishedAt },
      ...(changes.includes("topics") ? { topicIds: value.topicIds } : {}),
      ...(changes.includes("audiences") ? { audienceSlugs: value.audienceSlugs } : {}),
      ...(changes.includes("editions") ? { editions: value.editions } : {}),
      ...(changes.includes("sessions") ? { sessions: value.sessions } : {}),
      event: { action: "resource.updated", changes: recorded },
    };
  }

  /** Sent for review (again), or published: a curator's earlier reason no longer applies. */
  private reviewColumns(value: Resolved, changes: string[], actor: Actor): NonNullable<ListingChange["columns"]> {
    if (!changes.includes("status")) return {};
    if (value.columns.status === "pending") return { reviewNote: null, submittedById: actor.id };
    if (value.columns.status === "published") return { reviewNote: null };
    return {};
  }
}
