import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { NotFoundError, ValidationError } from "../../http/errors";
import { idParam } from "../../http/input";
import { parseQuery, parseWith } from "../../http/validate";
import { message } from "../../i18n/message";
import { compareText } from "../../http/compare";
import type { Services } from "../../services";
import { requireSignIn } from "../accounts/auth";
import { canCurate, catalogueViewer } from "../accounts/policies";
import { LINK_RELATIONS } from "./report.entities";
import { detectReportFormat, ReportFormat } from "./report-parser";
import { itemAnchor, presentItem, RELATION_NAMES } from "./report.presenter";
import { ImportReportOptions, ReportExistsError, ReportImportResult, ReportUnreadableError } from "./report.service";
import { isCalendarDay } from "../../http/field-rules";

declare module "express-session" {
  interface SessionData {
    /** A report file whose title is an existing report's, kept until the curator says whether to update that report with it. */
    reportUpdate?: { content: string; slug: string; options: ImportReportOptions };
  }
}

const presentResult = (result: ReportImportResult) => ({
  slug: result.report.slug,
  title: result.report.title,
  sections: result.sections,
  created: result.created,
  updated: result.updated,
  unchanged: result.unchanged.length,
  removed: result.removed,
});

const reportFilterShape = {
  section: z
    .string()
    .regex(/^\d{1,2}$/, message("validation.sectionNumber"))
    .transform(Number)
    .optional(),
  org: z
    .string()
    .regex(/^[a-z0-9-]{1,100}$/, message("validation.organisationSlug"))
    .optional(),
  linked: z
    .enum(["yes", "no"], { error: message("validation.yesNo") })
    .transform((v) => v === "yes")
    .optional(),
};
const reportQuery = z.object(reportFilterShape).strict();

/** The report's page also says what a curator's last link or unlink did (after the redirect). */
const LINK_DONE = ["added", "relation-changed", "note-changed", "unchanged", "unlinked"] as const;
const reportPageQuery = z
  .object({
    ...reportFilterShape,
    done: z.enum(LINK_DONE).optional(),
    item: z
      .string()
      .regex(/^\d{1,4}(\.\d{1,4}){1,4}$/, message("validation.itemNumber"))
      .optional(),
    listing: z
      .string()
      .regex(/^[a-z0-9-]{1,120}$/, message("validation.slug"))
      .optional(),
    from: z.enum(LINK_RELATIONS).optional(),
  })
  .strict();

const pickerQuery = z.object({ q: z.string().max(200).optional() }).strict();

const linkForm = z
  .object({
    _csrf: z.string().optional(),
    resource: z.string({ error: message("reports.link.chooseListing") }).regex(/^[a-z0-9-]{1,120}$/, message("reports.link.chooseListing")),
    relation: z.enum(LINK_RELATIONS, { error: message("reports.link.chooseRelation") }),
    note: z
      .string()
      .max(2000, message("validation.tooLong", { maximum: 500 }))
      .transform((v) => v.trim())
      .pipe(z.string().max(500))
      .transform((v) => v || null)
      .optional()
      .default(null),
    q: z.string().max(200).optional(),
  })
  .strict();

const importForm = z
  .object({
    _csrf: z.string().optional(),
    format: z
      .enum(["", "text", "html", "csv"], { error: message("validation.choice") })
      .optional()
      .default(""),
    slug: z
      .string()
      .trim()
      .regex(/^([a-z0-9]+(-[a-z0-9]+)*)?$/, message("validation.slug"))
      .max(120)
      .optional()
      .default(""),
    title: z.string().trim().max(300).optional().default(""),
    publishedOn: z
      .string()
      .regex(/^(\d{4}-\d{2}-\d{2})?$/, message("validation.date"))
      .refine((v) => v === "" || isCalendarDay(v), message("listing.errors.notRealDate"))
      .optional()
      .default(""),
  })
  .strict();

const actorOf = (req: Request) => ({ id: req.user!.id, label: req.user!.email });

/** Progress reports: the list, each report as a document, and for curators import and linking. */
export function reportPages(services: Pick<Services, "reports" | "search" | "catalogue">): Router {
  const router = Router();
  const { reports, search, catalogue } = services;

  const viewerOf = (req: Request) => ({ ...catalogueViewer(req.user ?? null), curator: canCurate(req.user ?? null) });

  router.get("/reports", async (req, res) => {
    const query = parseQuery(z.object({ deleted: z.literal("1").optional() }).strict(), req);
    const list = await reports.list({ archived: canCurate(req.user ?? null) });
    res.render("reports/index", {
      title: "Progress reports",
      curator: canCurate(req.user ?? null),
      deleted: query.deleted === "1" && canCurate(req.user ?? null),
      reports: list.map((r) => ({
        slug: r.report.slug,
        title: r.report.title,
        publishedOn: r.report.publishedOn,
        items: r.items,
        linked: r.linked,
        sections: r.sections,
        archived: r.report.archivedAt !== null,
      })),
    });
  });

  const renderImport = (res: Response, values: Record<string, unknown>, errors: Record<string, string> = {}, message: string | null = null, status = 200) =>
    res.status(status).render("reports/import", { title: "Import a progress report", values, errors, message, result: null });

  router.get("/reports/import", requireSignIn, (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    renderImport(res, { format: "", slug: "", title: "", publishedOn: "" });
  });

  router.post("/reports/import", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    const values = req.body ?? {};
    try {
      const form = parseWith(importForm, values, message("reports.importPage.needsAttention"));
      if (!req.file || req.file.size === 0) throw new ValidationError({ file: message("reports.importPage.chooseTable") }, message("reports.importPage.nothingUploaded"));
      let content: string;
      try {
        content = new TextDecoder("utf-8", { fatal: true }).decode(req.file.buffer);
      } catch {
        throw new ValidationError({ file: message("reports.importPage.notUtf8") }, message("reports.importPage.unreadableFile"));
      }
      const format: ReportFormat = form.format === "" ? detectReportFormat(content, req.file.originalname) : form.format;
      const options: ImportReportOptions = { format, slug: form.slug || undefined, title: form.title || undefined, publishedOn: form.publishedOn || undefined };
      try {
        const result = await reports.importReport(content, options, actorOf(req));
        res.render("reports/import", { title: "Progress report imported", values: {}, errors: {}, message: null, result: presentResult(result) });
      } catch (error) {
        if (!(error instanceof ReportExistsError)) throw error;
        // The file stays with the curator's session while they decide; the page shows what updating would change.
        req.session.reportUpdate = { content, slug: error.existing.slug, options };
        res.status(409).render("reports/update", { title: "Update a progress report", existing: { slug: error.existing.slug, title: error.existing.title }, plan: presentResult(error.plan) });
      }
    } catch (error) {
      if (error instanceof ReportUnreadableError || error instanceof ValidationError) {
        return renderImport(res, values, error.fieldKeys ?? {}, error.messageKey, 400);
      }
      throw error;
    }
  });

  router.post("/reports/import/update", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    const form = parseWith(z.object({ _csrf: z.string().optional(), slug: z.string().regex(/^[a-z0-9-]{1,120}$/) }).strict(), req.body ?? {});
    const pending = req.session.reportUpdate;
    if (!pending || pending.slug !== form.slug)
      return renderImport(res, { format: "", slug: form.slug, title: "", publishedOn: "" }, { file: message("reports.importPage.nothingPending") }, message("reports.importPage.nothingUploaded"), 400);
    try {
      const result = await reports.importReport(pending.content, { ...pending.options, slug: pending.slug }, actorOf(req));
      delete req.session.reportUpdate;
      res.render("reports/import", { title: "Progress report imported", values: {}, errors: {}, message: null, result: presentResult(result) });
    } catch (error) {
      if (error instanceof ReportUnreadableError || error instanceof ValidationError) {
        delete req.session.reportUpdate;
        return renderImport(res, { format: "", slug: form.slug, title: "", publishedOn: "" }, error.fieldKeys ?? {}, error.messageKey, 400);
      }
      throw error;
    }
  });

  // Deleting a report asks first, on a page of its own that says what goes with it.
  router.get("/reports/:slug/delete", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    parseQuery(z.object({}).strict(), req);
    const removal = await reports.removal(String(req.params.slug));
    res.render("reports/delete", {
      title: "Delete a progress report",
      archived: removal.report.archivedAt !== null,
      report: { slug: removal.report.slug, title: removal.report.title },
      removal: { sections: removal.sections, items: removal.items, links: removal.links },
    });
  });

  router.post("/reports/:slug/archive", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    const form = parseWith(z.object({ _csrf: z.string().optional(), archived: z.enum(["yes", "no"]) }).strict(), req.body ?? {});
    const report = await reports.setArchived(String(req.params.slug), form.archived === "yes", actorOf(req));
    res.redirect(303, `/reports/${report.slug}`);
  });

  router.post("/reports/:slug/delete", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    parseWith(z.object({ _csrf: z.string().optional() }).strict(), req.body ?? {});
    await reports.deleteReport(String(req.params.slug), actorOf(req));
    res.redirect(303, "/reports?deleted=1");
  });

  router.get("/reports/:slug", async (req, res) => {
    const { done, item: doneItem, listing, from, ...filters } = parseQuery(reportPageQuery, req);
    const doc = await reports.document(String(req.params.slug), filters, viewerOf(req));
    const items = doc.items.map(presentItem);
    // What the curator just did, said next to the item; a stale or hand-made address says nothing.
    let notice: { item: string; key: string; values: Record<string, string> } | null = null;
    if (done && doneItem && listing && canCurate(req.user ?? null)) {
      const target = items.find((i) => i.number === doneItem);
      const linkedNow = target?.links.find((l) => l.resource.slug === listing);
      const title = done === "unlinked" ? (await catalogue.findAnyBySlug(listing))?.title : linkedNow?.resource.title;
      if (target && title && (done === "unlinked") === !linkedNow) {
        notice = { item: target.number, key: `reports.done.${done}`, values: { title, number: target.number, relation: linkedNow?.relation ?? "", from: from ?? "" } };
      }
    }
    res.render("reports/show", {
      notice,
      title: doc.report.title,
      report: doc.report,
      curator: canCurate(req.user ?? null),
      filters: { section: filters.section ?? null, org: filters.org ?? null, linked: filters.linked === undefined ? null : filters.linked ? "yes" : "no" },
      filtered: filters.section !== undefined || filters.org !== undefined || filters.linked !== undefined,
      total: doc.total,
      sections: doc.sections.map((s) => ({ position: s.position, number: s.number, title: s.title, items: items.filter((i) => i.section.position === s.position) })),
      organisations: doc.organisations.map((o) => ({ slug: o.slug, name: o.name })).sort((a, b) => compareText(a.name, b.name)),
      shown: items.length,
    });
  });

  async function renderPicker(req: Request, res: Response, extra: { errors?: Record<string, string>; message?: string | null; values?: Record<string, unknown> } = {}, status = 200) {
    const { report, item } = await reports.item(String(req.params.slug), String(req.params.number));
    const q = typeof req.query.q === "string" ? req.query.q : typeof extra.values?.q === "string" ? (extra.values.q as string) : "";
    const found = q.trim() ? await search.search({ q: q.trim(), page: 1, pageSize: 20 }, { member: true }) : null;
    const linkedIds = new Set((item.links ?? []).map((l) => l.resourceId));
    const linkedSlugs = new Map((item.links ?? []).map((l) => [l.resource?.slug, l.relation]));
    res.status(status).render("reports/link", {
      title: `Link a listing to item ${item.number}`,
      report,
      item: {
        number: item.number,
        action: item.action,
        anchor: itemAnchor(item.number),
        links: (item.links ?? []).map((l) => ({ id: l.id, relation: l.relation, title: l.resource?.title ?? "", slug: l.resource?.slug ?? "" })),
      },
      q,
      hits: found
        ? found.hits.map((h) => ({
            slug: h.slug,
            title: h.title,
            owner: h.owner?.name ?? null,
            kind: h.kind,
            kindName: h.kindName,
            linked: linkedSlugs.has(h.slug),
            linkedAs: linkedSlugs.get(h.slug) ?? null,
          }))
        : null,
      degraded: found?.degraded ?? false,
      relations: LINK_RELATIONS.map((r) => ({ value: r, name: RELATION_NAMES[r] })),
      values: { relation: "delivers", note: "", resource: "", ...(extra.values ?? {}) },
      errors: extra.errors ?? {},
      message: extra.message ?? null,
      linkedCount: linkedIds.size,
    });
  }

  router.get("/reports/:slug/items/:number/link", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    parseQuery(pickerQuery, req);
    await renderPicker(req, res);
  });

  router.post("/reports/:slug/items/:number/links", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    const { report, item } = await reports.item(String(req.params.slug), String(req.params.number));
    try {
      const form = parseWith(linkForm, req.body ?? {}, message("reports.link.needsAttention"));
      const resource = await catalogue.findAnyBySlug(form.resource);
      if (!resource) throw new ValidationError({ resource: message("reports.link.notAListing") }, message("reports.link.needsAttention"));
      const { outcome, previous } = await reports.link(item.id, resource.id, form.relation, form.note, actorOf(req));
      const from = outcome === "relation-changed" && previous ? `&from=${previous}` : "";
      res.redirect(303, `/reports/${report.slug}?done=${outcome}&item=${item.number}&listing=${resource.slug}${from}#${itemAnchor(item.number)}`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await renderPicker(req, res, { errors: error.fieldKeys, message: error.messageKey, values: req.body ?? {} }, 400);
    }
  });

  // Unlinking asks first, on a page of its own (so it works without JavaScript).
  router.get("/reports/:slug/items/:number/links/:id/delete", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    parseQuery(z.object({}).strict(), req);
    const { report, item } = await reports.item(String(req.params.slug), String(req.params.number));
    const id = idParam(req.params.id);
    if (id === null) throw new NotFoundError(message("errors.notFound.itemLink"));
    const link = await reports.findLink(item.id, id);
    res.render("reports/unlink", {
      title: `Unlink a listing from item ${item.number}`,
      report: { slug: report.slug, title: report.title },
      item: { number: item.number, action: item.action, anchor: itemAnchor(item.number) },
      link: { id: link.id, relation: link.relation, note: link.note, resource: { slug: link.resource!.slug, title: link.resource!.title, owner: link.resource!.owner?.name ?? null } },
    });
  });

  router.post("/reports/:slug/items/:number/links/:id/delete", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    parseWith(z.object({ _csrf: z.string().optional() }).strict(), req.body ?? {});
    const { report, item } = await reports.item(String(req.params.slug), String(req.params.number));
    const id = idParam(req.params.id);
    if (id === null) throw new NotFoundError(message("errors.notFound.itemLink"));
    const resource = await reports.unlink(item.id, id, actorOf(req));
    const listing = resource ? `&listing=${resource.slug}` : "";
    res.redirect(303, `/reports/${report.slug}?done=unlinked&item=${item.number}${listing}#${itemAnchor(item.number)}`);
  });

  return router;
}

/** The reports' read API, under `/api/v1`. */
export function reportApi(services: Pick<Services, "reports">): Router {
  const router = Router();
  const { reports } = services;

  router.get("/reports", async (req, res) => {
    parseQuery(z.object({}).strict(), req);
    const list = await reports.list();
    res.json({
      data: list.map((r) => ({
        slug: r.report.slug,
        title: r.report.title,
        publishedOn: r.report.publishedOn,
        sections: r.sections,
        items: r.items,
        itemsWithLinks: r.linked,
        path: `/reports/${r.report.slug}`,
      })),
    });
  });

  router.get("/reports/:slug", async (req, res) => {
    const filters = parseQuery(reportQuery, req);
    const viewer = { ...catalogueViewer(req.user ?? null), curator: canCurate(req.user ?? null) };
    const doc = await reports.document(String(req.params.slug), filters, viewer);
    const items = doc.items.map(presentItem);
    res.json({
      data: {
        slug: doc.report.slug,
        title: doc.report.title,
        publishedOn: doc.report.publishedOn,
        archived: doc.report.archivedAt !== null,
        introduction: doc.report.introduction,
        sections: doc.sections.map((s) => ({
          position: s.position,
          number: s.number,
          title: s.title,
          items: items
            .filter((i) => i.section.position === s.position)
            .map(({ section: _s, anchor: _a, ...item }) => ({
              ...item,
              links: item.links.map(({ resource, ...l }) => ({ ...l, resource: { slug: resource.slug, title: resource.title, path: resource.path, owner: resource.owner } })),
            })),
        })),
      },
    });
  });

  return router;
}
