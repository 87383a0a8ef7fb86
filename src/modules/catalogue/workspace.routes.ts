import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { formatDayRange, formatTimestamp, todayUtc } from "../../http/dates";
import { NotFoundError, ValidationError } from "../../http/errors";
import { idParam } from "../../http/input";
import { FIELD_LABELS_EN, formValuesOf, pickScalars, scalarsOf } from "./listing-fields";
import { suggestLanguage } from "./listing-language";
import { parseQuery, parseWith } from "../../http/validate";
import { i18n, translator } from "../../i18n/i18n";
import { message, translateMessage } from "../../i18n/message";
import type { Services } from "../../services";
import { requireSignIn } from "../accounts/auth";
import { canCreateListingFor, canManageListing, canUseWorkspace, canViewAudit, isCurator } from "../accounts/policies";
import type { Actor } from "../audit/audit.service";
import type { Organisation } from "../organisations/organisation.entity";
import { SESSION_STATUSES } from "./course-session.entity";
import type { Duplicate } from "./duplicates";
import { ConflictError, EDITABLE_FIELDS, fieldsOf, ListingEditor } from "./listing-editor.service";
import type { Resource } from "./resource.entity";
import { presentDetail, presenterContext, presentFormFields, presentWorkspaceParts } from "./resource.presenter";
import { itemAnchor } from "../reports/report.presenter";
import { fixHref } from "../links/links.routes";
import { kindName, RESOURCE_KINDS } from "./vocabulary";
import { editionFormSchema, listingFormSchema, removeFormSchema, sessionFormSchema, statusFormSchema } from "./workspace.schemas";

const actorOf = (req: Request): Actor => ({ id: req.user!.id, label: req.user!.email });

/** The workspace's listings table: an organisation (curators), words in the title, acronym or owner, a status. */
const workspaceQuery = z
  .object({
    org: z
      .string()
      .regex(/^[a-z0-9-]{1,100}$/, message("validation.organisationSlug"))
      .optional(),
    q: z
      .string()
      .max(200)
      .transform((v) => v.trim())
      .optional(),
    status: z.enum(["draft", "pending", "published", "archived"], { error: message("validation.choice") }).optional(),
  })
  .strict();

/** Words compared without case or accents. */
function foldForFilter(text: string): string[] {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLocaleLowerCase().split(/\s+/).filter(Boolean);
}

const FIELD_LABELS: Record<string, string> = {
  kind: "Kind",
  title: "Title",
  ...FIELD_LABELS_EN,
  url: "Website",
  visibility: "Visibility",
  topicSlugs: "Topics",
  audienceSlugs: "Audiences",
  version: "Version",
  languageTag: "Language",
  format: "Format",
  startDate: "Start",
  endDate: "End",
  city: "City",
  countryCode: "Country",
  status: "Status",
  timeZone: "Time zone",
  capacity: "Seats",
  seatsPerCountry: "Seats per country",
  applicationOpens: "Applications open",
  applicationDeadline: "Applications close",
  interpretationLanguages: "Interpretation",
};

/** Labels of the edition and session forms' fields, for their error messages. */
const PART_LABELS: Record<string, string> = {
  languageTag: "Language",
  title: "Title in that language",
  url: "Link",
  format: "Format",
  startDate: "Start",
  endDate: "End",
  city: "City",
  countryCode: "Country",
  timeZone: "Time zone",
  online: "Online",
  status: "Status",
  seatsPerCountry: "Seats per country",
  applicationOpens: "Applications open",
  applicationDeadline: "Applications close",
  interpretationLanguages: "Interpretation into",
};
/** The registry's fields by the group of the form they sit in. */
const FORM_FIELDS = presentFormFields();

/** The form's values as typed, to show again next to the errors. */
function typed(body: Record<string, unknown>) {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
  const out: Record<string, unknown> = {};
  for (const key of EDITABLE_FIELDS) out[key] = key === "topicSlugs" || key === "audienceSlugs" ? list(body[key]) : typeof body[key] === "string" ? body[key] : "";
  return out;
}

function formValues(resource: Resource | null) {
  if (!resource) return { kind: "course", visibility: "public", ...formValuesOf(pickScalars({})), topicSlugs: [], audienceSlugs: [] };
  return { ...fieldsOf(resource), ...formValuesOf(scalarsOf(resource)) };
}

/** The contributors' workspace: their organisation's listings, in every status. */
export function workspacePages(
  services: Pick<Services, "organisations" | "topics" | "reference" | "catalogue" | "audit" | "reports" | "review" | "confirmation" | "links" | "duplicates">,
  editor: ListingEditor,
): Router {
  const router = Router();
  const { organisations, topics, reference, catalogue, audit } = services;
  router.use("/workspace", requireSignIn, (req, _res, next) => {
    if (!canUseWorkspace(req.user ?? null)) throw new NotFoundError(message("errors.notFound.workspace"));
    next();
  });

  /** The organisation a request works for: the user's own, or for a curator the one named by `?org=`. */
  async function organisationFor(req: Request): Promise<Organisation | null> {
    const slug = typeof req.query.org === "string" ? req.query.org : null;
    if (isCurator(req.user ?? null)) return slug ? organisations.findBySlug(slug) : null;
    return req.user!.organisationId ? organisations.findById(req.user!.organisationId) : null;
  }

  /** A listing this user may manage, or a 404 that does not tell whether it exists. */
  async function managed(req: Request): Promise<Resource> {
    const id = idParam(req.params.id);
    const resource = id === null ? null : await editor.find(id);
    if (!resource || !canManageListing(req.user ?? null, resource)) throw new NotFoundError(message("errors.notFound.yourListing"));
    return resource;
  }

  async function formOptions() {
    const [tree, audiences, languages, countries] = await Promise.all([topics.tree(), reference.listAudiences(), reference.listLanguages(), reference.listCountries()]);
    return {
      kinds: RESOURCE_KINDS.map((k) => ({ value: k, name: kindName(k) })),
      topics: tree.map((n) => ({ slug: n.topic.slug, name: n.topic.name, children: n.children.map((c) => ({ value: c.slug, name: c.name })) })),
      audiences: audiences.map((a) => ({ value: a.slug, name: a.name })),
      languages: languages.map((l) => ({ value: l.tag, name: l.name })),
      countries: countries.map((c) => ({ value: c.code, name: c.name })),
      sessionStatuses: SESSION_STATUSES,
    };
  }

  /** The organisations a curator may list for, for the "New listing" picker. */
  const organisationChoices = async () => (await organisations.listAll()).map((o) => ({ slug: o.slug, name: o.name }));

  router.get("/workspace", async (req, res) => {
    const filter = parseQuery(workspaceQuery, req);
    const organisation = await organisationFor(req);
    if (filter.org && !organisation && isCurator(req.user ?? null)) throw new NotFoundError();
    if (!organisation && !isCurator(req.user ?? null)) throw new NotFoundError(message("errors.notFound.noOrganisation"));
    const [all, due, failingLinks] = await Promise.all([
      editor.listForOwner(organisation?.id ?? null),
      services.confirmation.due(organisation?.id ?? null),
      organisation ? services.links.failing(organisation.id) : Promise.resolve([]),
    ]);
    const words = filter.q ? foldForFilter(filter.q) : null;
    const listings = all.filter(
      (r) => (!filter.status || r.status === filter.status) && (!words || words.every((w) => foldForFilter(`${r.title} ${r.acronym ?? ""} ${r.owner?.name ?? ""}`).some((x) => x.includes(w)))),
    );
    const today = todayUtc();
    const curator = isCurator(req.user ?? null);
    res.render("workspace/index", {
      title: "Workspace",
      organisation,
      curator,
      organisationChoices: curator && !organisation ? await organisationChoices() : [],
      filter: { q: filter.q ?? "", status: filter.status ?? "", active: Boolean(filter.q || filter.status) },
      total: all.length,
      canAudit: organisation ? canViewAudit(req.user ?? null, organisation.id) : isCurator(req.user ?? null),
      listings: listings.map((r) => {
        const next = (r.sessions ?? []).filter((s) => s.startDate >= today && s.status !== "cancelled" && s.status !== "completed").sort((a, b) => a.startDate.localeCompare(b.startDate))[0];
        return {
          id: r.id,
          title: r.title,
          kind: r.kind,
          kindName: kindName(r.kind),
          status: r.status,
          sentBack: r.status === "draft" && r.reviewNote !== null,
          visibility: r.visibility,
          owner: r.owner?.name ?? "",
          languages: (r.editions ?? []).length,
          lastConfirmed: formatTimestamp(r.lastConfirmedAt) ?? "Never",
          lastConfirmedAt: r.lastConfirmedAt ?? null,
          updated: formatTimestamp(r.updatedAt),
          updatedAt: r.updatedAt,
          nextSession: next ? formatDayRange(next.startDate, next.endDate) : null,
          next: next ? { startDate: next.startDate, endDate: next.endDate } : null,
        };
      }),
      waitingForReview: isCurator(req.user ?? null) ? await services.review.countWaiting() : null,
      // Published listings due for their yearly confirmation within 30 days, or past due.
      due: due.slice(0, 100).map((d) => ({ id: d.id, title: d.title, version: d.version, dueAt: d.dueAt, confirmedSince: d.confirmedSince, overdue: d.overdue })),
      dueCount: due.length,
      // The organisation's addresses that failed their last two checks.
      failingLinks: failingLinks.slice(0, 50).map((l) => ({ label: l.label, url: l.url, lastCheckedAt: l.lastCheckedAt, fix: fixHref(l, isCurator(req.user ?? null), organisation?.slug ?? null) })),
      failingCount: failingLinks.length,
      counts: {
        draft: all.filter((l) => l.status === "draft").length,
        pending: all.filter((l) => l.status === "pending").length,
        published: all.filter((l) => l.status === "published").length,
        archived: all.filter((l) => l.status === "archived").length,
      },
    });
  });

  /** The language to offer for a listing titled so: the one its script suggests, or the page's. */
  async function suggestedLanguage(title: string, pageLanguage: string | undefined): Promise<string | null> {
    return suggestLanguage(title, [...(await reference.languageMap()).values()], pageLanguage ?? null);
  }

  const renderForm = async (
    res: Response,
    locals: {
      title: string;
      editing?: string;
      action: string;
      values: Record<string, unknown>;
      errors: Record<string, string>;
      message: string | null;
      version?: number;
      organisation: Organisation | null;
      duplicates?: Duplicate[];
    },
    status = 200,
  ) => {
    // A listing that does not say its language yet is offered the suggestion.
    if (!locals.values.languageTag) locals.values.languageTag = await suggestedLanguage(typeof locals.values.title === "string" ? locals.values.title : "", res.req.language);
    res.status(status).render("workspace/form", { duplicates: [], ...locals, labels: FIELD_LABELS, options: await formOptions(), fields: FORM_FIELDS });
  };

  router.get("/workspace/listings/new", async (req, res) => {
    const organisation = await organisationFor(req);
    // A curator who has not said for whom chooses the organisation first.
    if (!organisation && isCurator(req.user ?? null) && req.query.org === undefined) {
      return res.render("workspace/choose-organisation", { title: "New listing", organisationChoices: await organisationChoices() });
    }
    if (!organisation || !canCreateListingFor(req.user ?? null, organisation.id)) throw new NotFoundError(message("errors.notFound.chooseOrganisation"));
    await renderForm(res, { title: "New listing", action: `/workspace/listings?org=${organisation.slug}`, values: formValues(null), errors: {}, message: null, organisation });
  });

  router.post("/workspace/listings", async (req, res) => {
    const organisation = await organisationFor(req);
    if (!organisation || !canCreateListingFor(req.user ?? null, organisation.id)) throw new NotFoundError(message("errors.notFound.chooseOrganisation"));
    try {
      const { _csrf, version: _v, distinct, ...fields } = parseWith(listingFormSchema, req.body ?? {}, message("listing.form.needsAttention"));
      // A listing like one saved already is kept only once the contributor says it is a different one.
      if (distinct !== "yes") {
        const [alike] = await services.duplicates.find([{ title: fields.title, url: fields.url, ownerId: organisation.id, startDates: [] }]);
        if (alike.length) {
          await renderForm(
            res,
            {
              title: "New listing",
              action: `/workspace/listings?org=${organisation.slug}`,
              values: typed(req.body ?? {}),
              errors: { title: message("listing.duplicates.found") },
              message: message("listing.form.needsAttention"),
              organisation,
              duplicates: alike,
            },
            400,
          );
          return;
        }
      }
      const languageTag = fields.languageTag ?? (await suggestedLanguage(fields.title, req.language));
      const created = await catalogue.create({ ...fields, languageTag, ownerId: organisation.id, status: "draft" }, actorOf(req));
      res.redirect(303, `/workspace/listings/${created.id}?saved=created`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await renderForm(
        res,
        { title: "New listing", action: `/workspace/listings?org=${organisation.slug}`, values: typed(req.body ?? {}), errors: error.fieldKeys ?? {}, message: error.messageKey, organisation },
        400,
      );
    }
  });

  /** A part form (an edition or a session) as typed, with its errors, shown again on the listing page. */
  interface PartForm {
    part: "edition" | "session" | "status";
    values: Record<string, string | string[]>;
    errors: Record<string, string>;
    message: string;
  }

  async function renderListing(req: Request, res: Response, resource: Resource, failed: PartForm | null = null) {
    const [ctx, options] = await Promise.all([presenterContext(services.reference), formOptions()]);
    res.status(failed ? 400 : 200).render("workspace/listing", {
      title: `${failed ? "Error: " : ""}${resource.title} (${resource.status})`,
      resource: presentDetail(resource, ctx),
      listing: {
        id: resource.id,
        status: resource.status,
        version: resource.version,
        visibility: resource.visibility,
        slug: resource.slug,
        reviewNote: resource.status === "draft" ? resource.reviewNote : null,
        reviewedAt: resource.reviewedAt,
      },
      ...presentWorkspaceParts(resource, ctx),
      saved: typeof req.query.saved === "string" ? req.query.saved : null,
      options,
      errors: {},
      labels: FIELD_LABELS,
      part: failed ?? { part: null, values: {}, errors: {}, message: null },
      partLabels: PART_LABELS,
    });
  }

  router.get("/workspace/listings/:id", async (req, res) => {
    await renderListing(req, res, await managed(req));
  });

  router.get("/workspace/listings/:id/edit", async (req, res) => {
    const resource = await managed(req);
    await renderForm(res, {
      title: `Edit: ${resource.title}`,
      editing: resource.title,
      action: `/workspace/listings/${resource.id}`,
      values: formValues(resource),
      errors: {},
      message: null,
      version: resource.version,
      organisation: resource.owner ?? null,
    });
  });

  router.post("/workspace/listings/:id", async (req, res) => {
    const resource = await managed(req);
    let input: z.output<typeof listingFormSchema>;
    try {
      input = parseWith(listingFormSchema, req.body ?? {}, message("listing.form.needsAttention"));
      if (input.version === undefined) throw new ValidationError({ version: message("listing.errors.reload") });
      const { _csrf, version, distinct: _distinct, ...fields } = input;
      await editor.update(resource.id, version, { ...fields, languageTag: fields.languageTag ?? resource.languageTag }, actorOf(req));
      res.redirect(303, `/workspace/listings/${resource.id}?saved=updated`);
    } catch (error) {
      if (error instanceof ConflictError) {
        res.status(409).render("workspace/conflict", {
          title: "Someone else saved this listing",
          id: resource.id,
          changed: Object.entries(error.changed).map(([field, [theirs, yours]]) => ({ name: field, field: FIELD_LABELS[field] ?? field, theirs: show(theirs), yours: show(yours) })),
          values: typed(req.body ?? {}),
          version: error.current.version,
        });
        return;
      }
      if (!(error instanceof ValidationError)) throw error;
      await renderForm(
        res,
        {
          title: `Edit: ${resource.title}`,
          editing: resource.title,
          action: `/workspace/listings/${resource.id}`,
          values: typed(req.body ?? {}),
          errors: error.fieldKeys ?? {},
          message: error.messageKey,
          version: resource.version,
          organisation: resource.owner ?? null,
        },
        400,
      );
    }
  });

  router.post("/workspace/listings/:id/status", async (req, res) => {
    const resource = await managed(req);
    try {
      const input = parseWith(statusFormSchema, req.body ?? {});
      const saved = await editor.setStatus(resource.id, input.version, input.action, actorOf(req), { byCurator: isCurator(req.user ?? null) });
      res.redirect(303, `/workspace/listings/${resource.id}?saved=${saved.status === "pending" ? "submitted" : input.action}`);
    } catch (error) {
      if (error instanceof ConflictError) {
        res.status(409).render("workspace/conflict", { title: "Someone else saved this listing", id: resource.id, changed: [], values: null, version: error.current.version });
        return;
      }
      if (!(error instanceof ValidationError)) throw error;
      const { t } = translator(req.language);
      const label = (k: string) => (i18n().exists(`listing.fields.${k}`) ? t(`listing.fields.${k}`) : k);
      const problems = Object.entries(error.fieldKeys ?? {}).map(([k, v]) => t("forms.fieldError", { field: label(k), message: translateMessage(t, v) }));
      await renderListing(req, res, resource, { part: "status", values: {}, errors: {}, message: problems.join(" ") || error.messageKey });
    }
  });

  const partRoute = <S extends typeof editionFormSchema | typeof sessionFormSchema>(
    path: string,
    part: PartForm["part"],
    schema: S,
    apply: (id: number, value: z.output<S>, actor: Actor) => Promise<void>,
    saved: string,
  ) => {
    router.post(path, async (req, res) => {
      const resource = await managed(req);
      try {
        const value = parseWith(schema, req.body ?? {}, message(`workspace.listing.partNeedsAttention.${part}`)) as z.output<S>;
        await apply(resource.id, value, actorOf(req));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        // Back to the listing, with the form as typed and each error next to its field.
        const body = (req.body ?? {}) as Record<string, unknown>;
        const values = Object.fromEntries(Object.entries(body).filter(([k, v]) => k !== "_csrf" && (typeof v === "string" || Array.isArray(v)))) as Record<string, string | string[]>;
        const fieldsMarked = Object.keys(error.fieldKeys ?? {}).length > 0;
        await renderListing(req, res, resource, { part, values, errors: error.fieldKeys ?? {}, message: fieldsMarked ? message(`workspace.listing.partNotAdded.${part}`) : error.messageKey });
        return;
      }
      res.redirect(303, `/workspace/listings/${resource.id}?saved=${saved}`);
    });
  };
  partRoute(
    "/workspace/listings/:id/editions",
    "edition",
    editionFormSchema,
    async (id, { _csrf, ...edition }, actor) => {
      if (!(await reference.findLanguage(edition.languageTag))) throw new ValidationError({ languageTag: message("listing.errors.unknownLanguage") });
      await editor.addEdition(id, edition, actor);
    },
    "edition-added",
  );
  partRoute(
    "/workspace/listings/:id/sessions",
    "session",
    sessionFormSchema,
    async (id, { _csrf, ...session }, actor) => {
      if (session.countryCode && !(await reference.findCountry(session.countryCode))) throw new ValidationError({ countryCode: message("listing.errors.unknownCountry") });
      if (session.languageTag && !(await reference.findLanguage(session.languageTag))) throw new ValidationError({ languageTag: message("listing.errors.unknownLanguage") });
      for (const tag of session.interpretationLanguages) if (!(await reference.findLanguage(tag))) throw new ValidationError({ interpretationLanguages: message("listing.errors.unknownLanguage") });
      await editor.addSession(id, session, actor);
    },
    "session-added",
  );

  /** Removing an edition or a session: the listing's version moves on, and the page says what was done. */
  for (const part of ["edition", "session"] as const) {
    router.post(`/workspace/listings/:id/${part}s/:partId/remove`, async (req, res) => {
      const resource = await managed(req);
      parseWith(removeFormSchema, req.body ?? {});
      const partId = idParam(req.params.partId);
      if (partId === null) throw new NotFoundError(message(part === "edition" ? "errors.notFound.edition" : "errors.notFound.session"));
      if (part === "edition") await editor.removeEdition(resource.id, partId, actorOf(req));
      else await editor.removeSession(resource.id, partId, actorOf(req));
      res.redirect(303, `/workspace/listings/${resource.id}?saved=${part}-removed`);
    });
  }

  router.get("/workspace/audit", async (req, res) => {
    const organisation = await organisationFor(req);
    if (organisation ? !canViewAudit(req.user ?? null, organisation.id) : !isCurator(req.user ?? null)) {
      throw new NotFoundError(message("errors.notFound.audit"));
    }
    const events = await audit.recent(organisation?.id ?? null, 200);
    const itemIds = [...new Set(events.filter((e) => e.entityType === "report_item").map((e) => Number(e.entityId)))];
    const items = new Map((await services.reports.itemsById(itemIds)).map((i) => [i.id, i]));
    const describe = (e: (typeof events)[number]): { what: string; link: string | null } => {
      // Catalogue messages, which the page shows in its language.
      if (e.entityType === "resource") return { what: message("workspace.auditPage.entities.resource", { id: String(e.entityId) }), link: `/workspace/listings/${e.entityId}` };
      if (e.entityType === "report_item") {
        const item = items.get(Number(e.entityId));
        return {
          what: message("workspace.auditPage.entities.report_item", { number: item ? item.number : String(e.entityId) }),
          link: item ? `/reports/${item.report!.slug}#${itemAnchor(item.number)}` : null,
        };
      }
      if (e.entityType === "enquiry") return { what: message("workspace.auditPage.entities.enquiry", { count: Number(e.entityId) }), link: null };
      const known = ["organisation", "user", "invitation", "report"].includes(e.entityType);
      return { what: known ? message(`workspace.auditPage.entities.${e.entityType}`, { id: String(e.entityId) }) : `${e.entityType.replace(/_/g, " ")} ${e.entityId}`, link: null };
    };
    res.render("workspace/audit", {
      title: "Audit trail",
      organisation,
      events: events.map((e) => ({
        when: e.createdAt,
        who: e.actorLabel,
        action: e.action,
        ...describe(e),
        fields: Object.keys(e.changes ?? {})
          .map((k) => FIELD_LABELS[k] ?? k)
          .join(", "),
        fieldNames: Object.keys(e.changes ?? {}),
        at: e.createdAt,
      })),
    });
  });

  return router;
}

/** A stored value, for the conflict page. */
function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "(empty)";
  if (Array.isArray(value)) return value.length ? value.join(", ") : "(none)";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}
