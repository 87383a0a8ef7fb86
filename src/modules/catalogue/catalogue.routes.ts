import { Router, type Request, type Response } from "express";
import { NotFoundError, ValidationError } from "../../http/errors";
import { csrfToken } from "../../http/view-locals";
import { translator } from "../../i18n/i18n";
import { message } from "../../i18n/message";
import { hrefWith } from "../../http/pagination";
import { catalogueViewer } from "../accounts/policies";
import { parseQuery, parseWith } from "../../http/validate";
import { presentEnquiryForm, type EnquiryFormState } from "../enquiries/enquiry.presenter";
import { enquiryFormSchema, HONEYPOT_FIELD } from "../enquiries/enquiry.schemas";
import { newReference } from "../enquiries/enquiry.service";
import type { Resource } from "./resource.entity";
import type { Services } from "../../services";
import { presentReportReference } from "../reports/report.presenter";
import { listQuerySchema, slugParam, languageTagParam } from "./catalogue.schemas";
import { presentApiResource, presentCard, presentDetail, presenterContext } from "./resource.presenter";

const detailPath = (resource: Resource) => `/resources/${encodeURIComponent(resource.slug)}`;

/** Pages of the catalogue: home, list, listing, topics, languages. */
export function cataloguePages(services: Pick<Services, "catalogue" | "topics" | "reference" | "reports" | "enquiries" | "enquiryLimiter" | "links">): Router {
  const router = Router();
  const { catalogue, topics, reference } = services;

  router.get("/", async (_req, res) => {
    const [totals, tree, rootCounts, languageCounts, languages, latest, ctx] = await Promise.all([
      catalogue.totals(),
      topics.tree(),
      catalogue.countByRootTopic(),
      catalogue.countByLanguage(),
      reference.listLanguages(),
      catalogue.latest(6),
      presenterContext(services.reference),
    ]);
    res.render("catalogue/home", {
      title: "Regional Training Catalogue",
      totals,
      topicCount: tree.reduce((n, node) => n + 1 + node.children.length, 0),
      topics: tree.map((node) => ({ slug: node.topic.slug, name: node.topic.name, count: rootCounts.get(node.topic.id) ?? 0 })),
      languages: languages
        .filter((l) => languageCounts.has(l.tag))
        .map((l) => ({ tag: l.tag, name: l.name, nativeName: l.nativeName, count: languageCounts.get(l.tag) ?? 0 }))
        .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
      latest: latest.map((r) => presentCard(r, ctx)),
    });
  });

  /** The listing this request's address names, if this person may see it. */
  async function visibleListing(req: Request): Promise<Resource> {
    const slug = slugParam.safeParse(req.params.slug);
    const resource = slug.success ? await catalogue.findVisibleBySlug(slug.data, catalogueViewer(req.user ?? null)) : null;
    if (!resource) throw new NotFoundError(message("errors.notFound.listing"));
    return resource;
  }

  /** The listing page, with its "Ask the owner" form (as sent, with its errors, after a refused enquiry). */
  async function renderListing(req: Request, res: Response, resource: Resource, form: EnquiryFormState = { values: {}, errors: {}, message: null }, status = 200) {
    const [ctx, reportItems, countries, toCurators, linkWarnings] = await Promise.all([
      presenterContext(services.reference),
      services.reports.itemsFor(resource.id),
      reference.listCountries(),
      services.enquiries.routedToCurators(resource.ownerId),
      services.links.warningsForListing(resource),
    ]);
    const detail = presentDetail(resource, ctx);
    // The form needs the session's CSRF token, so a visitor's session starts here.
    res.locals.csrfToken = csrfToken(req);
    res.status(status).render("catalogue/resource", {
      title: detail.title,
      resource: detail,
      reportItems: reportItems.map(presentReportReference),
      // Addresses whose last two checks failed, with the day of the last one.
      linkWarnings,
      enquiry: presentEnquiryForm(detail, form, { toCurators, countries, retentionMonths: services.enquiries.retentionMonths }),
    });
  }

  router.get("/resources/:slug", async (req, res) => {
    await renderListing(req, res, await visibleListing(req));
  });

  router.post("/resources/:slug/enquiries", async (req, res) => {
    const resource = await visibleListing(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    // A filled honeypot is a robot: it is told what a person would be told, and nothing is kept or sent.
    if (typeof body[HONEYPOT_FIELD] === "string" && body[HONEYPOT_FIELD] !== "") {
      res.redirect(303, `${detailPath(resource)}/enquiries/sent?reference=${newReference()}`);
      return;
    }
    let input;
    try {
      input = parseWith(enquiryFormSchema, body, message("enquiries.form.notSent"));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await renderListing(req, res, resource, { values: body, errors: error.fieldKeys ?? {}, message: error.messageKey }, 400);
      return;
    }
    const wait = await services.enquiryLimiter.take(req.ip ?? "unknown", resource.id);
    if (wait > 0) {
      res.set("Retry-After", String(wait));
      const minutes = Math.ceil(wait / 60);
      await renderListing(req, res, resource, { values: body, errors: {}, message: message("enquiries.form.tooMany", { minutes }) }, 429);
      return;
    }
    const enquiry = await services.enquiries.submit(
      { id: resource.id, slug: resource.slug, title: resource.title, ownerId: resource.ownerId, ownerName: resource.owner?.name ?? translator(req.language).t("enquiries.sent.theOwner") },
      { name: input.name, email: input.email, organisation: input.organisation, country: input.country, message: input.message, shareEmail: input.consent === "yes", language: req.language },
    );
    res.redirect(303, `${detailPath(resource)}/enquiries/sent?reference=${enquiry.reference}`);
  });

  router.get("/resources/:slug/enquiries/sent", async (req, res) => {
    const resource = await visibleListing(req);
    const reference = typeof req.query.reference === "string" && /^RTC-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(req.query.reference) ? req.query.reference : null;
    const detail = presentDetail(resource, await presenterContext(services.reference));
    res.render("enquiries/sent", { title: "Your question was sent", resource: detail, reference });
  });

  router.get("/topics", async (_req, res) => {
    const [tree, counts, rootCounts] = await Promise.all([topics.tree(), catalogue.countByTopic(), catalogue.countByRootTopic()]);
    res.render("topics/index", {
      title: "Topics",
      topics: tree.map((node) => ({
        slug: node.topic.slug,
        name: node.topic.name,
        count: rootCounts.get(node.topic.id) ?? 0,
        children: node.children.map((c) => ({ slug: c.slug, name: c.name, synonyms: c.synonyms, count: counts.get(c.id) ?? 0 })),
      })),
    });
  });

  router.get("/topics/:slug", async (req, res) => {
    const slug = slugParam.safeParse(req.params.slug);
    const topic = slug.success ? await topics.findBySlug(slug.data) : null;
    if (!topic) throw new NotFoundError(message("errors.notFound.topic"));
    const [parent, family, ctx, result] = await Promise.all([
      topics.parentOf(topic),
      topics.withDescendants(topic),
      presenterContext(services.reference),
      catalogue.list({ topic: topic.slug, page: 1, pageSize: 50 }),
    ]);
    res.render("topics/show", {
      title: topic.name,
      topic: { slug: topic.slug, name: topic.name, synonyms: topic.synonyms },
      parent: parent ? { slug: parent.slug, name: parent.name } : null,
      children: family.slice(1).map((c) => ({ slug: c.slug, name: c.name })),
      results: result.resources.map((r) => presentCard(r, ctx)),
      total: result.total,
      moreHref: hrefWith("/catalogue", { topic: topic.slug }),
    });
  });

  router.get("/languages", async (_req, res) => {
    const [languages, counts] = await Promise.all([reference.listLanguages(), catalogue.countByLanguage()]);
    res.render("languages/index", {
      title: "Languages",
      withListings: languages.filter((l) => counts.has(l.tag)).map((l) => ({ ...l, count: counts.get(l.tag) ?? 0 })),
      withoutListings: languages.filter((l) => !counts.has(l.tag)),
    });
  });

  router.get("/languages/:tag", async (req, res) => {
    const tag = languageTagParam.safeParse(req.params.tag);
    const language = tag.success ? await reference.findLanguage(tag.data) : null;
    if (!language) throw new NotFoundError(message("errors.notFound.language"));
    const [ctx, result] = await Promise.all([presenterContext(services.reference), catalogue.list({ language: language.tag, page: 1, pageSize: 50 })]);
    res.render("languages/show", {
      title: `Listings in ${language.name}`,
      language,
      results: result.resources.map((r) => presentCard(r, ctx)),
      total: result.total,
      moreHref: hrefWith("/catalogue", { language: language.tag }),
    });
  });

  return router;
}

/** The read API of the catalogue, under `/api/v1`. */
export function catalogueApi(services: Pick<Services, "catalogue" | "topics" | "reference" | "reports">): Router {
  const router = Router();
  const { catalogue, topics, reference } = services;

  router.get("/resources", async (req, res) => {
    const query = parseQuery(listQuerySchema, req);
    const result = await catalogue.list(query, catalogueViewer(req.user ?? null));
    const ctx = await presenterContext(services.reference);
    res.json({
      data: result.resources.map((r) => presentApiResource(r, ctx)),
      meta: { total: result.total, page: result.page, pageSize: result.pageSize, totalPages: result.totalPages, sort: result.sort },
    });
  });

  router.get("/resources/:slug", async (req, res) => {
    const slug = slugParam.safeParse(req.params.slug);
    const resource = slug.success ? await catalogue.findVisibleBySlug(slug.data, catalogueViewer(req.user ?? null)) : null;
    if (!resource) throw new NotFoundError("No listing has this slug.");
    const [ctx, reportItems] = await Promise.all([presenterContext(services.reference), services.reports.itemsFor(resource.id)]);
    res.json({ data: { ...presentApiResource(resource, ctx), reportItems: reportItems.map(presentReportReference) } });
  });

  router.get("/topics", async (_req, res) => {
    const [tree, counts] = await Promise.all([topics.tree(), catalogue.countByTopic()]);
    res.json({
      data: tree.map((node) => ({
        slug: node.topic.slug,
        name: node.topic.name,
        synonyms: node.topic.synonyms,
        children: node.children.map((c) => ({ slug: c.slug, name: c.name, synonyms: c.synonyms, listings: counts.get(c.id) ?? 0 })),
      })),
    });
  });

  router.get("/languages", async (_req, res) => {
    const [languages, counts] = await Promise.all([reference.listLanguages(), catalogue.countByLanguage()]);
    res.json({
      data: languages.map((l) => ({ tag: l.tag, name: l.name, nativeName: l.nativeName, script: l.script, listings: counts.get(l.tag) ?? 0 })),
    });
  });

  return router;
}
