import { Router, type Request, type Response } from "express";
import type { Config } from "../../config";
import { formatTimestamp } from "../../http/dates";
import { NotFoundError, ValidationError } from "../../http/errors";
import { parseQuery, parseWith } from "../../http/validate";
import type { Services } from "../../services";
import { requireSignIn } from "../accounts/auth";
import type { Mailer } from "../accounts/mailer";
import { canCurate, isCurator } from "../accounts/policies";
import { presentEnquiry, presentInboxRow, STATUS_NAMES } from "./enquiry.presenter";
import { emptyFormSchema, ENQUIRY_LABELS, eraseFormSchema, inboxQuerySchema, replyFormSchema } from "./enquiry.schemas";
import { OVERDUE_WORKING_DAYS } from "./enquiry.service";
import { message } from "../../i18n/message";

const idOf = (req: Request) => (/^\d{1,9}$/.test(String(req.params.id)) ? Number(req.params.id) : NaN);

/** The workspace inbox of enquiries, replies and closing; the curators' overdue list and erasure. */
export function enquiryPages(services: Pick<Services, "enquiries" | "organisations" | "editor">): Router {
  const router = Router();
  const { enquiries, organisations } = services;

  router.get("/workspace/enquiries", requireSignIn, async (req, res) => {
    const query = parseQuery(inboxQuerySchema, req);
    const curator = isCurator(req.user ?? null);
    let organisation = null;
    if (curator) organisation = query.org ? await organisations.findBySlug(query.org) : null;
    else organisation = req.user!.organisationId ? await organisations.findById(req.user!.organisationId) : null;
    if (!organisation && !curator) throw new NotFoundError(message("errors.notFound.enquiries"));
    if (query.org && !organisation) throw new NotFoundError(message("errors.notFound.organisationAddressName"));
    const { enquiries: list, counts } = await enquiries.inbox(organisation?.id ?? null, query.status);
    const orgQuery = curator && organisation ? `&org=${organisation.slug}` : "";
    res.render("workspace/enquiries", {
      title: organisation ? `Enquiries to ${organisation.name}` : "Enquiries to every organisation",
      organisation,
      curator,
      status: query.status,
      tabs: (["open", "answered", "closed"] as const).map((s) => ({
        status: s,
        name: STATUS_NAMES[s],
        count: counts[s],
        href: `/workspace/enquiries?status=${s}${orgQuery}`,
        current: s === query.status,
      })),
      enquiries: list.map(presentInboxRow),
      routedOpen: curator ? await enquiries.openRoutedToCurators() : 0,
    });
  });

  router.get("/workspace/enquiries/overdue", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    const groups = await enquiries.overdue();
    res.render("workspace/enquiries-overdue", {
      title: "Enquiries waiting for an answer",
      workingDays: OVERDUE_WORKING_DAYS,
      groups: groups.map((g) => ({
        name: g.organisationName,
        inboxHref: `/workspace/enquiries?status=open&org=${g.organisationSlug}`,
        count: g.count,
        oldest: formatTimestamp(g.oldest),
        oldestAt: g.oldest,
        enquiries: g.enquiries.map(presentInboxRow),
      })),
    });
  });

  const renderErase = (res: Response, locals: { values: Record<string, unknown>; errors: Record<string, string>; message: string | null; erased: number | null }, status = 200) =>
    res.status(status).render("workspace/enquiries-erase", { title: "Delete a sender's enquiries", labels: { email: "The sender's email address" }, ...locals });

  router.get("/workspace/enquiries/erase", requireSignIn, (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    renderErase(res, { values: {}, errors: {}, message: null, erased: null });
  });

  router.post("/workspace/enquiries/erase", requireSignIn, async (req, res) => {
    if (!canCurate(req.user ?? null)) throw new NotFoundError();
    try {
      const input = parseWith(eraseFormSchema, req.body ?? {}, message("enquiries.erase.notDeleted"));
      const erased = await enquiries.eraseSender(input.email, { id: req.user!.id, label: req.user!.email });
      renderErase(res, { values: {}, errors: {}, message: null, erased });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      renderErase(res, { values: req.body ?? {}, errors: error.fieldKeys ?? {}, message: error.messageKey, erased: null }, 400);
    }
  });

  async function renderEnquiry(req: Request, res: Response, id: number, form: { values: Record<string, unknown>; errors: Record<string, string>; message: string | null } | null = null, status = 200) {
    const enquiry = await enquiries.findFor(req.user ?? null, id);
    const resource = enquiry.resourceId ? await services.editor.find(enquiry.resourceId) : null;
    const resourcePath = !resource ? null : resource.status === "published" ? `/resources/${encodeURIComponent(resource.slug)}` : `/workspace/listings/${resource.id}`;
    const organisation = enquiry.organisation ?? null;
    const replyToChoices = [req.user!.email, organisation?.contactEmail].filter((v, i, all): v is string => !!v && all.indexOf(v) === i);
    res.status(status).render("workspace/enquiry", {
      title: `Enquiry ${enquiry.reference ?? enquiry.id}`,
      enquiry: presentEnquiry(enquiry, resourcePath),
      replyToChoices,
      values: { body: "", replyTo: replyToChoices[0] ?? "", ...(form?.values ?? {}) },
      errors: form?.errors ?? {},
      message: form?.message ?? null,
      labels: ENQUIRY_LABELS,
      curator: isCurator(req.user ?? null),
      sent: req.query.sent === "1",
    });
  }

  router.get("/workspace/enquiries/:id", requireSignIn, async (req, res) => {
    await renderEnquiry(req, res, idOf(req));
  });

  router.post("/workspace/enquiries/:id/reply", requireSignIn, async (req, res) => {
    const id = idOf(req);
    let input;
    try {
      input = parseWith(replyFormSchema, req.body ?? {}, message("enquiries.thread.notSent"));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await renderEnquiry(req, res, id, { values: req.body ?? {}, errors: error.fieldKeys ?? {}, message: error.messageKey }, 400);
      return;
    }
    await enquiries.reply(req.user!, id, input.body, input.replyTo ?? null);
    res.redirect(303, `/workspace/enquiries/${id}?sent=1`);
  });

  router.post("/workspace/enquiries/:id/close", requireSignIn, async (req, res) => {
    parseWith(emptyFormSchema, req.body ?? {});
    await enquiries.close(req.user ?? null, idOf(req));
    res.redirect(303, `/workspace/enquiries/${idOf(req)}`);
  });

  router.post("/workspace/enquiries/:id/reopen", requireSignIn, async (req, res) => {
    parseWith(emptyFormSchema, req.body ?? {});
    await enquiries.reopen(req.user ?? null, idOf(req));
    res.redirect(303, `/workspace/enquiries/${idOf(req)}`);
  });

  return router;
}

/** In development without an SMTP server: the mails that would have been sent, newest first. */
export function developmentMailbox(config: Pick<Config, "env" | "mail">, mailer: Mailer): Router {
  const router = Router();
  if (config.env !== "development" || config.mail.smtpUrl) return router;
  router.get("/dev/mailbox", (_req, res) => {
    res.set("Cache-Control", "no-store").render("dev/mailbox", {
      title: "Development mailbox",
      mails: mailer.recent().map((m) => ({ ...m, at: m.at.toISOString().replace("T", " ").slice(0, 19) })),
    });
  });
  return router;
}
