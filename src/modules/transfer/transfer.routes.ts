import { Router, type Request, type RequestHandler } from "express";
import multer from "multer";
import { z } from "zod";
import { AppError, NotFoundError, ValidationError } from "../../http/errors";
import { parseQuery, parseWith } from "../../http/validate";
import { message } from "../../i18n/message";
import type { Services } from "../../services";
import { requireSignIn } from "../accounts/auth";
import { canCreateListingFor, canCurate, canUseWorkspace, isCurator } from "../accounts/policies";
import type { Actor } from "../audit/audit.service";
import type { Organisation } from "../organisations/organisation.entity";
import type { ImportBatch } from "./import-batch.entity";
import { BATCH_TTL_MS } from "./import-batch.service";
import { detectFormat, ListingFileError, MAX_UPLOAD_BYTES, readListingFile, TRANSFER_FORMATS, TransferFormat, writeListingFile } from "./listing-file";
import { ImportDuplicatesError, ImportPlan, ImportRejectedError, ImportScope, looksAlike } from "./listing-importer.service";
import { CSV_COLUMNS } from "./listing-row";

/** Rows of each kind the plan page lists before it says "and N more". */
const ROWS_SHOWN = 200;

const actorOf = (req: Request): Actor => ({ id: req.user!.id, label: req.user!.email });

const uploadParser = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: 10_000 } }).single("file");

/**
 * Parses an import upload (multipart) before the CSRF check reads its token from the body: only
 * for signed-in people of the workspace, and never more than 20 MB.
 */
export const importUpload: RequestHandler = (req, res, next) => {
  if (!req.user || !canUseWorkspace(req.user)) return next();
  uploadParser(req, res, (error: unknown) => {
    if (error instanceof multer.MulterError) {
      if (error.code === "LIMIT_FILE_SIZE")
        return next(
          new AppError(413, "too_large", message("transfer.errors.tooLarge", { megabytes: MAX_UPLOAD_BYTES / 1024 / 1024 }), {
            file: message("transfer.errors.atMostMegabytes", { megabytes: MAX_UPLOAD_BYTES / 1024 / 1024 }),
          }),
        );
      return next(new ValidationError({ [error.field ?? "file"]: message("transfer.errors.fieldUnreadable", { detail: error.message }) }, message("transfer.errors.uploadUnreadable")));
    }
    next(error as Error | undefined);
  });
};

const uploadSchema = z
  .object({
    _csrf: z.string().optional(),
    format: z
      .enum(["", ...TRANSFER_FORMATS], { error: message("validation.choice") })
      .optional()
      .default(""),
    several: z.enum(["yes"]).optional(),
  })
  .strict();

const exportQuery = z.object({ org: z.string().max(100).optional(), format: z.enum(TRANSFER_FORMATS, { error: message("validation.choice") }) }).strict();

/** Decodes an upload as UTF-8, refusing anything that is not text. */
function textOf(buffer: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(buffer);
  } catch {
    throw new ValidationError({ file: message("transfer.errors.notUtf8") }, message("transfer.errors.fileUnreadable"));
  }
}

/** Bulk import and export of listings in the workspace. */
export function transferPages({ organisations, importer, exporter, importBatches }: Pick<Services, "organisations" | "importer" | "exporter" | "importBatches">): Router {
  const router = Router();

  /** The organisation a request works for (a curator names it with `?org=`), if this person may import for it. */
  async function organisationFor(req: Request): Promise<Organisation | null> {
    const slug = typeof req.query.org === "string" ? req.query.org : null;
    const organisation = isCurator(req.user ?? null) ? (slug ? await organisations.findBySlug(slug) : null) : req.user!.organisationId ? await organisations.findById(req.user!.organisationId) : null;
    return organisation && canCreateListingFor(req.user ?? null, organisation.id) ? organisation : null;
  }

  /** A batch this person uploaded and may still commit, or a 404. */
  async function batchFor(req: Request): Promise<ImportBatch> {
    const token = String(req.params.token);
    const batch = await importBatches.find(token);
    if (!batch || batch.userId !== req.user!.id) throw new NotFoundError(message("errors.notFound.import"));
    if (!batch.committedAt && Date.now() - batch.createdAt.getTime() > BATCH_TTL_MS) throw new NotFoundError(message("errors.notFound.importExpired"));
    return batch;
  }

  async function scopeOf(batch: ImportBatch): Promise<{ scope: ImportScope; organisation: Organisation | null }> {
    if (batch.organisationId === null) return { scope: { kind: "several" }, organisation: null };
    const organisation = await organisations.findById(batch.organisationId);
    if (!organisation) throw new NotFoundError(message("errors.notFound.importOrganisation"));
    return { scope: { kind: "organisation", organisation }, organisation };
  }

  function planView(plan: ImportPlan) {
    const shown = (action: string) => plan.rows.filter((r) => r.action === action);
    return {
      counts: plan.counts,
      ok: plan.ok,
      newOrganisations: plan.newOrganisations,
      review: plan.rows.filter((r) => r.review).length,
      alike: plan.rows.filter(looksAlike).length,
      groups: (["reject", "create", "update", "unchanged"] as const).map((action) => ({ action, rows: shown(action).slice(0, ROWS_SHOWN), more: Math.max(0, shown(action).length - ROWS_SHOWN) })),
    };
  }

  router.use(["/workspace/import", "/workspace/export"], requireSignIn, (req, _res, next) => {
    if (!canUseWorkspace(req.user ?? null)) throw new NotFoundError(message("errors.notFound.workspace"));
    next();
  });

  router.get("/workspace/import", async (req, res) => {
    const organisation = await organisationFor(req);
    const curator = canCurate(req.user ?? null);
    if (!organisation && !curator) throw new NotFoundError(message("errors.notFound.noOrganisation"));
    res.render("workspace/import", { title: "Import and export", organisation, curator, columns: CSV_COLUMNS, maxMegabytes: MAX_UPLOAD_BYTES / 1024 / 1024, errors: {}, message: null, values: {} });
  });

  router.post("/workspace/import", async (req, res) => {
    const curator = canCurate(req.user ?? null);
    const organisation = await organisationFor(req);
    const body = parseWith(uploadSchema, req.body ?? {}, message("transfer.errors.uploadUnreadable"));
    const several = body.several === "yes";
    if (several && !curator) throw new NotFoundError(message("errors.notFound.importSeveral"));
    const render = (status: number, errors: Record<string, string>, message: string) =>
      res
        .status(status)
        .render("workspace/import", { title: "Import and export", organisation, curator, columns: CSV_COLUMNS, maxMegabytes: MAX_UPLOAD_BYTES / 1024 / 1024, errors, message, values: body });
    if (!several && !organisation) {
      if (!curator) throw new NotFoundError(message("errors.notFound.noOrganisation"));
      return render(400, { several: message("transfer.errors.tickSeveral") }, message("transfer.errors.chooseWhose"));
    }
    if (!req.file || req.file.size === 0) return render(400, { file: message("transfer.errors.chooseFile") }, message("transfer.errors.nothingUploaded"));
    const content = textOf(req.file.buffer);
    const fileName = (req.file.originalname || "upload").replace(/[^\w.\- ]+/g, "_").slice(0, 255);
    const format: TransferFormat = body.format === "" ? detectFormat(content, fileName) : body.format;
    let plan: ImportPlan;
    try {
      const scope: ImportScope = several ? { kind: "several" } : { kind: "organisation", organisation: organisation! };
      plan = await importer.plan(readListingFile(content, format), scope, { byCurator: curator, defaultLanguage: req.language });
    } catch (error) {
      if (error instanceof ListingFileError) return render(400, { file: error.fields!.file }, message("transfer.errors.unreadable"));
      throw error;
    }
    // A file with rejected rows is shown, not kept: it has to be corrected and uploaded again.
    if (!plan.ok) {
      return res.status(400).render("workspace/import-plan", { title: `Import of ${fileName}`, batch: { fileName, token: null }, organisation, curator, committed: false, ...planView(plan) });
    }
    const token = await importBatches.keep({ userId: req.user!.id, organisationId: several ? null : organisation!.id, fileName, format, content, plan });
    res.redirect(303, `/workspace/import/${token}`);
  });

  router.get("/workspace/import/:token", async (req, res) => {
    const batch = await batchFor(req);
    const { organisation } = await scopeOf(batch);
    res.render("workspace/import-plan", {
      title: `Import of ${batch.fileName}`,
      batch,
      organisation,
      curator: canCurate(req.user ?? null),
      committed: batch.committedAt !== null,
      ...planView(batch.plan!),
    });
  });

  router.post("/workspace/import/:token/commit", async (req, res) => {
    const { distinct } = parseWith(z.object({ _csrf: z.string().optional(), distinct: z.enum(["yes"], { error: message("validation.choice") }).optional() }).strict(), req.body ?? {});
    const batch = await batchFor(req);
    if (batch.committedAt) return res.redirect(303, `/workspace/import/${batch.token}`);
    const { scope, organisation } = await scopeOf(batch);
    if (scope.kind === "several" ? !canCurate(req.user ?? null) : !canCreateListingFor(req.user ?? null, organisation!.id)) throw new NotFoundError(message("errors.notFound.import"));
    const rows = readListingFile(batch.content, batch.format as TransferFormat);
    try {
      const result = await importer.commit(rows, scope, actorOf(req), { byCurator: canCurate(req.user ?? null), distinct: distinct === "yes", defaultLanguage: req.language });
      const { changedIds: _ids, ...plan } = result;
      await importBatches.committed(batch.id, plan);
      res.redirect(303, `/workspace/import/${batch.token}`);
    } catch (error) {
      if (!(error instanceof ImportDuplicatesError || error instanceof ImportRejectedError)) throw error;
      // Nothing was imported. The plan shows the rows that look like saved listings, with the box
      // to tick, or what is wrong now that the catalogue changed since the dry run.
      await importBatches.replanned(batch.id, error.plan);
      res.status(409).render("workspace/import-plan", {
        title: `Import of ${batch.fileName}`,
        batch,
        organisation,
        curator: canCurate(req.user ?? null),
        committed: false,
        message: error.messageKey,
        errors: error.fieldKeys ?? {},
        ...planView(error.plan),
      });
    }
  });

  router.get("/workspace/export", async (req, res) => {
    const query = parseQuery(exportQuery, req);
    const organisation = await organisationFor(req);
    if (!organisation && !(canCurate(req.user ?? null) && !query.org)) throw new NotFoundError(message("errors.notFound.yourOrganisation"));
    const rows = await exporter.rows(organisation?.id ?? null);
    const name = `${organisation?.slug ?? "all-organisations"}-listings-${new Date().toISOString().slice(0, 10)}.${query.format}`;
    res.attachment(name);
    res.type(query.format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8");
    res.send(writeListingFile(rows, query.format));
  });

  return router;
}
