import { DataSource, EntityManager, In, IsNull } from "typeorm";
import { AppError, NotFoundError, ValidationError } from "../../http/errors";
import type { Actor, AuditService } from "../audit/audit.service";
import type { Viewer } from "../catalogue/catalogue.service";
import { isVisibleTo, visibleSql } from "../catalogue/listing-rules";
import type { ListingRepository } from "../catalogue/listing.repository";
import { Resource } from "../catalogue/resource.entity";
import { slugify } from "../catalogue/slug";
import { Organisation } from "../organisations/organisation.entity";
import { Country } from "../reference/reference.entities";
import { LinkRelation, Report, ReportItem, ReportItemLink, ReportItemParty, ReportSection } from "./report.entities";
import { parseReport, ParsedReport, ReportFormat, ReportParseError, ReportTitleMissingError, resolveWho, WhoCandidate } from "./report-parser";
import { message } from "../../i18n/message";

export interface ImportReportOptions {
  /** The report's address; from its title when not given. */
  slug?: string;
  /** Replaces the title the document carries (and is needed for CSV). */
  title?: string;
  publishedOn?: string | null;
  format?: ReportFormat;
}

export interface ReportImportResult {
  report: Report;
  sections: number;
  created: string[];
  updated: string[];
  unchanged: string[];
  removed: string[];
}

/** A report that cannot be read: the line and what was expected there. Nothing was imported. */
export class ReportUnreadableError extends AppError {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(400, "unreadable_report", message("reports.importPage.unreadable", { detail }), { file: detail });
  }
}

/**
 * A report imported without its address whose title (or address from the title) is a report's that
 * exists: nothing was imported; `plan` is what importing it as an update of that report would do.
 */
export class ReportExistsError extends AppError {
  constructor(
    readonly existing: Report,
    readonly plan: ReportImportResult,
  ) {
    super(409, "report_exists", message("reports.importPage.exists", { title: existing.title }), { slug: message("reports.importPage.existsField", { slug: existing.slug }) });
  }
}

/** What deleting a report takes with it. */
export interface ReportRemoval {
  report: Report;
  sections: number;
  items: number;
  links: number;
}

const ROLLBACK = Symbol("rollback");

/** An item of a report as pages and the API show it. */
export interface ItemView {
  item: ReportItem;
  section: ReportSection;
  parties: Array<{ matched: string; organisation: Organisation | null; country: Country | null }>;
  links: Array<{ link: ReportItemLink; resource: Resource }>;
}

/** What linking a listing to an item did: a new link, a changed one (its relation or only its note), or nothing. */
export interface LinkOutcome {
  outcome: "added" | "relation-changed" | "note-changed" | "unchanged";
  /** The relation the link had before, when the listing was linked already. */
  previous: LinkRelation | null;
}

export interface ReportFilters {
  section?: number;
  org?: string;
  linked?: boolean;
}

/** Item numbers the catalogue keeps and links to ("3.4", "10.12.1"). */
export const ITEM_NUMBER = /^\d{1,4}(\.\d{1,4}){1,4}$/;

const ITEM_FIELDS = ["action", "who", "details", "footnotes", "sectionId", "position"] as const;

/** Names people write for an organisation in a report's "who" besides its name and acronym. */
function namesOf(organisation: Organisation): string[] {
  const names = [organisation.name];
  const plain = organisation.name.replace(/\s*\([^)]*\)\s*/g, " ").trim();
  if (plain !== organisation.name) names.push(plain);
  if (organisation.shortName) {
    names.push(organisation.shortName);
    // "CIFAL-Jeju" is also written "CIFAL".
    const head = /^([A-Z]{3,})-/.exec(organisation.shortName);
    if (head) names.push(head[1]);
    const wg = /^(.*?)s? WG$/.exec(organisation.shortName);
    if (wg) names.push(`${wg[1]} WG`, `${wg[1]}s WG`, `${wg[1]} Working Group`, `${wg[1]}s Working Group`);
  }
  return names;
}

/**
 * Progress reports: importing them from the RSO's table (updating a revised report item by item,
 * keeping links), reading them with their linked listings, and linking items to listings.
 */
export class ReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly listings: ListingRepository,
    private readonly audit: AuditService,
  ) {}

  /** Reads a report table and stores it in one transaction; a revised report updates items by number. */
  async importReport(input: string, options: ImportReportOptions, actor: Actor): Promise<ReportImportResult> {
    let parsed: ParsedReport;
    try {
      parsed = parseReport(input, options.format, options.title ? { title: options.title } : {});
    } catch (error) {
      if (error instanceof ReportTitleMissingError) throw new ValidationError({ title: message("reports.importPage.titleNeeded") }, message("reports.importPage.titleMissing"));
      if (error instanceof ReportParseError) throw new ReportUnreadableError(error.line, error.message);
      // A document nested beyond what the parser can walk is no report table either.
      if (error instanceof RangeError) throw new ReportUnreadableError(1, "line 1: expected a report table, found markup nested too deeply to read");
      throw error;
    }
    const tooLong = parsed.sections.flatMap((section) => section.items).find((item) => !ITEM_NUMBER.test(item.number));
    if (tooLong) throw new ReportUnreadableError(tooLong.line, `line ${tooLong.line}: expected an item number of at most five parts of up to four digits, found “${tooLong.number.slice(0, 30)}”`);
    const slug = options.slug ?? slugify(parsed.title);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) || slug.length > 120) throw new ValidationError({ slug: message("reports.importPage.slug") });
    // Updating a report takes its address: a report of the same title is never replaced, nor
    // duplicated, unasked. The curator is shown what updating it would change.
    if (options.slug === undefined) {
      const existing = (await this.findBySlug(slug)) ?? (await this.findByTitle(parsed.title));
      if (existing) throw new ReportExistsError(existing, await this.dryRun(parsed, existing.slug, options));
    }
    return this.dataSource.transaction(async (manager) => {
      const result = await this.store(manager, parsed, slug, options);
      await this.audit.record(manager, actor, {
        action: "report.imported",
        entityType: "report",
        entityId: result.report.id,
        changes: { created: [null, result.created.length], updated: [null, result.updated.length], removed: [null, result.removed.length], format: [null, options.format ?? "text"] },
      });
      return result;
    });
  }

  /** What storing a parsed report under this address would do, with nothing kept. */
  private async dryRun(parsed: ParsedReport, slug: string, options: ImportReportOptions): Promise<ReportImportResult> {
    let plan: ReportImportResult | null = null;
    try {
      await this.dataSource.transaction(async (manager) => {
        plan = await this.store(manager, parsed, slug, options);
        throw ROLLBACK;
      });
    } catch (error) {
      if (error !== ROLLBACK) throw error;
    }
    return plan!;
  }

  /** A report whose title is this one, compared without case or spacing. */
  async findByTitle(title: string): Promise<Report | null> {
    const key = (text: string) => text.normalize("NFKC").replace(/\s+/g, " ").trim().toLocaleLowerCase();
    const all = await this.dataSource.getRepository(Report).find({ order: { id: "ASC" } });
    return all.find((r) => key(r.title) === key(title)) ?? null;
  }

  /** What deleting a report would take with it: its sections, items and links to listings. */
  async removal(slug: string): Promise<ReportRemoval> {
    return this.removalIn(this.dataSource.manager, slug);
  }

  private async removalIn(manager: EntityManager, slug: string): Promise<ReportRemoval> {
    const report = await manager.getRepository(Report).findOneBy({ slug });
    if (!report) throw new NotFoundError(message("errors.notFound.report"));
    const itemIds = (await manager.getRepository(ReportItem).find({ where: { reportId: report.id }, select: { id: true } })).map((i) => i.id);
    const [sections, links] = await Promise.all([
      manager.getRepository(ReportSection).countBy({ reportId: report.id }),
      itemIds.length ? manager.getRepository(ReportItemLink).countBy({ itemId: In(itemIds) }) : 0,
    ]);
    return { report, sections, items: itemIds.length, links };
  }

  /** Archives a report (out of the list and of coverage, its page and links kept), or brings it back; audited. */
  async setArchived(slug: string, archived: boolean, actor: Actor): Promise<Report> {
    return this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(Report);
      const report = await repo.findOneBy({ slug });
      if (!report) throw new NotFoundError(message("errors.notFound.report"));
      if ((report.archivedAt !== null) === archived) return report;
      report.archivedAt = archived ? new Date() : null;
      await repo.update({ id: report.id }, { archivedAt: report.archivedAt });
      await this.audit.record(manager, actor, { action: archived ? "report.archived" : "report.unarchived", entityType: "report", entityId: report.id, changes: { archived: [!archived, archived] } });
      return report;
    });
  }

  /** Deletes a report with its sections, items, parties and links (a curator's act, audited); the listings stay. */
  async deleteReport(slug: string, actor: Actor): Promise<ReportRemoval> {
    return this.dataSource.transaction(async (manager) => {
      const removal = await this.removalIn(manager, slug);
      const itemIds = (await manager.getRepository(ReportItem).find({ where: { reportId: removal.report.id }, select: { id: true } })).map((i) => i.id);
      if (itemIds.length) {
        await manager.getRepository(ReportItemLink).delete({ itemId: In(itemIds) });
        await manager.getRepository(ReportItemParty).delete({ itemId: In(itemIds) });
        await manager.getRepository(ReportItem).delete({ id: In(itemIds) });
      }
      await manager.getRepository(ReportSection).delete({ reportId: removal.report.id });
      await manager.getRepository(Report).delete({ id: removal.report.id });
      await this.audit.record(manager, actor, {
        action: "report.deleted",
        entityType: "report",
        entityId: removal.report.id,
        changes: { slug: [removal.report.slug, null], title: [removal.report.title, null], sections: [removal.sections, null], items: [removal.items, null], links: [removal.links, null] },
      });
      return removal;
    });
  }

  private async store(manager: EntityManager, parsed: ParsedReport, slug: string, options: ImportReportOptions): Promise<ReportImportResult> {
    const reports = manager.getRepository(Report);
    let report = await reports.findOneBy({ slug });
    const fields = { title: parsed.title.slice(0, 300), introduction: parsed.introduction, sourceFormat: options.format ?? "text", importedAt: new Date() };
    if (report) {
      Object.assign(report, fields, options.publishedOn !== undefined ? { publishedOn: options.publishedOn } : {});
      report = await reports.save(report);
    } else {
      report = await reports.save(reports.create({ slug, publishedOn: options.publishedOn ?? null, ...fields }));
    }

    const sectionsRepo = manager.getRepository(ReportSection);
    const itemsRepo = manager.getRepository(ReportItem);
    const oldSections = await sectionsRepo.find({ where: { reportId: report.id }, order: { position: "ASC" } });
    const oldItems = new Map((await itemsRepo.find({ where: { reportId: report.id } })).map((i) => [i.number, i]));
    const incoming = new Set(parsed.sections.flatMap((s) => s.items.map((i) => i.number)));

    // An item dropped from the revised report may go only if nothing links to it.
    const dropped = [...oldItems.values()].filter((i) => !incoming.has(i.number));
    if (dropped.length) {
      const linked = await manager.getRepository(ReportItemLink).find({ where: { itemId: In(dropped.map((i) => i.id)) } });
      const blocked = dropped.filter((i) => linked.some((l) => l.itemId === i.id)).map((i) => i.number);
      if (blocked.length) {
        throw new ValidationError({ file: message("reports.importPage.linkedItems", { items: blocked.join(", ") }) }, message("reports.importPage.linkedLeftOut"));
      }
      await itemsRepo.delete({ id: In(dropped.map((i) => i.id)) });
    }

    const candidates = await this.whoCandidates(manager);
    const result: ReportImportResult = { report, sections: parsed.sections.length, created: [], updated: [], unchanged: [], removed: dropped.map((i) => i.number) };
    const touchedItems: ReportItem[] = [];
    let position = 0;
    for (const [index, section] of parsed.sections.entries()) {
      let stored = oldSections[index];
      if (stored) {
        if (stored.title !== section.title || stored.number !== section.number) await sectionsRepo.update({ id: stored.id }, { title: section.title.slice(0, 300), number: section.number });
      } else {
        stored = await sectionsRepo.save(sectionsRepo.create({ reportId: report.id, position: index + 1, title: section.title.slice(0, 300), number: section.number }));
      }
      for (const parsedItem of section.items) {
        position++;
        const values = {
          action: parsedItem.action,
          who: parsedItem.who?.slice(0, 300) ?? null,
          details: parsedItem.details,
          footnotes: parsedItem.footnotes.length ? parsedItem.footnotes : null,
          sectionId: stored.id,
          position,
        };
        const existing = oldItems.get(parsedItem.number);
        if (!existing) {
          touchedItems.push(await itemsRepo.save(itemsRepo.create({ reportId: report.id, number: parsedItem.number, ...values })));
          result.created.push(parsedItem.number);
          continue;
        }
        const changed = ITEM_FIELDS.some((key) => JSON.stringify(existing[key] ?? null) !== JSON.stringify(values[key] ?? null));
        if (changed) {
          await itemsRepo.update({ id: existing.id }, values);
          result.updated.push(parsedItem.number);
        } else {
          result.unchanged.push(parsedItem.number);
        }
        touchedItems.push(Object.assign(existing, values));
      }
    }
    for (const extra of oldSections.slice(parsed.sections.length)) await sectionsRepo.delete({ id: extra.id });

    // Who is responsible: recomputed on every import, from the organisations and countries known now.
    const parties = manager.getRepository(ReportItemParty);
    if (touchedItems.length) await parties.delete({ itemId: In(touchedItems.map((i) => i.id)) });
    const rows = touchedItems.flatMap((item) =>
      resolveWho(item.who, candidates.list).map((match) => ({
        itemId: item.id,
        organisationId: match.kind === "organisation" ? match.id : null,
        countryCode: match.kind === "country" ? candidates.countryCodes[match.id] : null,
        matched: match.matched.slice(0, 200),
      })),
    );
    if (rows.length) await parties.insert(rows);
    return result;
  }

  private async whoCandidates(manager: EntityManager): Promise<{ list: WhoCandidate[]; countryCodes: string[] }> {
    const [organisations, countries] = await Promise.all([manager.getRepository(Organisation).find(), manager.getRepository(Country).find()]);
    const list: WhoCandidate[] = organisations.map((o) => ({ kind: "organisation", id: o.id, names: namesOf(o) }));
    const countryCodes = countries.map((c) => c.code);
    countries.forEach((c, index) => list.push({ kind: "country", id: index, names: [c.name] }));
    return { list, countryCodes };
  }

  /** Every current report (curators: archived ones too), newest first, with how many of its items have linked listings that anyone may see. */
  async list(options: { archived?: boolean } = {}): Promise<Array<{ report: Report; items: number; linked: number; sections: number }>> {
    const reports = await this.dataSource.getRepository(Report).find({ where: options.archived ? {} : { archivedAt: IsNull() }, order: { publishedOn: "DESC", id: "DESC" } });
    if (reports.length === 0) return [];
    const visibleToAnyone = visibleSql("res", { member: false });
    const counts: Array<{ report_id: number; items: number | string; linked: number | string; sections: number | string }> = await this.dataSource
      .getRepository(ReportItem)
      .createQueryBuilder("i")
      .select("i.report_id", "report_id")
      .addSelect("COUNT(DISTINCT i.id)", "items")
      .addSelect("COUNT(DISTINCT CASE WHEN res.id IS NOT NULL THEN l.item_id END)", "linked")
      .addSelect("COUNT(DISTINCT i.section_id)", "sections")
      .leftJoin(ReportItemLink, "l", "l.item_id = i.id")
      .leftJoin(Resource, "res", `res.id = l.resource_id AND ${visibleToAnyone.where}`, visibleToAnyone.params)
      .groupBy("i.report_id")
      .getRawMany();
    const byReport = new Map(counts.map((c) => [Number(c.report_id), c]));
    return reports.map((report) => {
      const c = byReport.get(report.id);
      return { report, items: Number(c?.items ?? 0), linked: Number(c?.linked ?? 0), sections: Number(c?.sections ?? 0) };
    });
  }

  findBySlug(slug: string): Promise<Report | null> {
    return this.dataSource.getRepository(Report).findOneBy({ slug });
  }

  /**
   * A report with its sections and items, each item with the organisations and countries it names
   * and the listings linked to it that this viewer may see (curators see every one), filtered.
   */
  async document(
    slug: string,
    filters: ReportFilters,
    viewer: Viewer & { curator?: boolean },
  ): Promise<{ report: Report; sections: ReportSection[]; items: ItemView[]; total: number; organisations: Organisation[] }> {
    const report = await this.findBySlug(slug);
    if (!report) throw new NotFoundError(message("errors.notFound.report"));
    const sections = await this.dataSource.getRepository(ReportSection).find({ where: { reportId: report.id }, order: { position: "ASC" } });
    const items = await this.dataSource.getRepository(ReportItem).find({
      where: { reportId: report.id },
      relations: { parties: { organisation: true, country: true }, links: { resource: { owner: true } } },
      order: { position: "ASC" },
    });
    const sectionById = new Map(sections.map((s) => [s.id, s]));
    const visible = (r: Resource) => viewer.curator || isVisibleTo(r, viewer);
    const views: ItemView[] = items.map((item) => ({
      item,
      section: sectionById.get(item.sectionId)!,
      parties: (item.parties ?? []).sort((a, b) => a.id - b.id).map((p) => ({ matched: p.matched, organisation: p.organisation ?? null, country: p.country ?? null })),
      links: (item.links ?? [])
        .filter((l) => l.resource && visible(l.resource))
        .sort((a, b) => a.id - b.id)
        .map((link) => ({ link, resource: link.resource! })),
    }));
    const filtered = views.filter(
      (v) =>
        (filters.section === undefined || v.section.position === filters.section) &&
        (filters.org === undefined || v.parties.some((p) => p.organisation?.slug === filters.org)) &&
        (filters.linked === undefined || v.links.length > 0 === filters.linked),
    );
    // Every organisation the report's "who" names, for the filter, whatever the filter is now.
    const organisations = new Map<number, Organisation>();
    for (const view of views) for (const party of view.parties) if (party.organisation) organisations.set(party.organisation.id, party.organisation);
    return { report, sections, items: filtered, total: views.length, organisations: [...organisations.values()] };
  }

  /** One item of a report, by its number. */
  async item(slug: string, number: string): Promise<{ report: Report; item: ReportItem }> {
    const report = await this.findBySlug(slug);
    const item =
      report && ITEM_NUMBER.test(number) ? await this.dataSource.getRepository(ReportItem).findOne({ where: { reportId: report.id, number }, relations: { links: { resource: true } } }) : null;
    if (!report || !item) throw new NotFoundError(message("errors.notFound.reportItem"));
    return { report, item };
  }

  /**
   * Links a listing to an item (a curator's act), or changes the relation and note of its link, and
   * says which it did: linking a listing that is linked already changes that link, never adds another.
   */
  async link(itemId: number, resourceId: number, relation: LinkRelation, note: string | null, actor: Actor): Promise<LinkOutcome> {
    return this.dataSource.transaction(async (manager): Promise<LinkOutcome> => {
      const resource = await this.listings.findById(manager, resourceId);
      if (!resource) throw new ValidationError({ resource: message("reports.link.notAListing") });
      const links = manager.getRepository(ReportItemLink);
      const existing = await links.findOneBy({ itemId, resourceId });
      if (existing) {
        if (existing.relation === relation && existing.note === note) return { outcome: "unchanged", previous: existing.relation };
        await links.update({ id: existing.id }, { relation, note });
        await this.audit.record(manager, actor, {
          action: "report.link_changed",
          entityType: "report_item",
          entityId: itemId,
          organisationId: resource.ownerId,
          changes: { relation: [existing.relation, relation], note: [existing.note, note] },
        });
        return { outcome: existing.relation === relation ? "note-changed" : "relation-changed", previous: existing.relation };
      }
      await links.insert({ itemId, resourceId, relation, note, createdById: actor.id });
      await this.audit.record(manager, actor, {
        action: "report.link_added",
        entityType: "report_item",
        entityId: itemId,
        organisationId: resource.ownerId,
        changes: { resource: [null, resource.slug], relation: [null, relation] },
      });
      return { outcome: "added", previous: null };
    });
  }

  /** One link of an item, with its listing (for the page that asks before unlinking). */
  async findLink(itemId: number, linkId: number): Promise<ReportItemLink> {
    const link = await this.dataSource.getRepository(ReportItemLink).findOne({ where: { id: linkId, itemId }, relations: { resource: { owner: true } } });
    if (!link || !link.resource) throw new NotFoundError(message("errors.notFound.itemLink"));
    return link;
  }

  /** Removes a link; returns the listing it pointed to. */
  async unlink(itemId: number, linkId: number, actor: Actor): Promise<Resource | null> {
    return this.dataSource.transaction(async (manager) => {
      const link = await manager.getRepository(ReportItemLink).findOne({ where: { id: linkId, itemId }, relations: { resource: true } });
      if (!link) throw new NotFoundError(message("errors.notFound.itemLink"));
      await manager.getRepository(ReportItemLink).delete({ id: link.id });
      await this.audit.record(manager, actor, {
        action: "report.link_removed",
        entityType: "report_item",
        entityId: itemId,
        organisationId: link.resource?.ownerId ?? null,
        changes: { resource: [link.resource?.slug ?? link.resourceId, null], relation: [link.relation, null] },
      });
      return link.resource ?? null;
    });
  }

  /** Items by id, with their report (for the audit trail). */
  async itemsById(ids: number[]): Promise<ReportItem[]> {
    if (ids.length === 0) return [];
    return this.dataSource.getRepository(ReportItem).find({ where: { id: In(ids) }, relations: { report: true } });
  }

  /** The report items that reference a listing, with their report, in report order. */
  async itemsFor(resourceId: number): Promise<Array<{ report: Report; item: ReportItem; relation: LinkRelation; note: string | null }>> {
    const links = await this.dataSource.getRepository(ReportItemLink).find({ where: { resourceId }, relations: { item: { report: true } } });
    return links
      .filter((l) => l.item?.report)
      .map((l) => ({ report: l.item!.report!, item: l.item!, relation: l.relation, note: l.note }))
      .sort((a, b) => a.report.id - b.report.id || a.item.position - b.item.position);
  }
}
