import { Router } from "express";
import { NotFoundError } from "../../http/errors";
import { hrefWith } from "../../http/pagination";
import type { Services } from "../../services";
import { slugParam } from "../catalogue/catalogue.schemas";
import { presentCard } from "../catalogue/resource.presenter";
import { presentOrganisation } from "./organisation.presenter";
import { message } from "../../i18n/message";

/** The directory of contributing organisations, as pages and as API. */
export function organisationPages(services: Pick<Services, "organisations" | "catalogue" | "reference">): Router {
  const router = Router();
  const { organisations, catalogue, reference } = services;

  router.get("/organisations", async (_req, res) => {
    const [all, counts, countries] = await Promise.all([organisations.listAll(), catalogue.countByOwner(), reference.countryNames()]);
    const views = all.map((o) => presentOrganisation(o, countries, counts.get(o.id) ?? 0));
    res.render("organisations/index", {
      title: "Contributing organisations",
      contributing: views.filter((o) => o.listings > 0),
      others: views.filter((o) => o.listings === 0),
    });
  });

  router.get("/organisations/:slug", async (req, res) => {
    const slug = slugParam.safeParse(req.params.slug);
    const organisation = slug.success ? await organisations.findBySlug(slug.data) : null;
    if (!organisation) throw new NotFoundError(message("errors.notFound.organisationDirectory"));
    const [countries, languages, result] = await Promise.all([reference.countryNames(), reference.languageMap(), catalogue.list({ org: organisation.slug, page: 1, pageSize: 50 })]);
    res.render("organisations/show", {
      title: organisation.name,
      organisation: presentOrganisation(organisation, countries, result.total),
      results: result.resources.map((r) => presentCard(r, { languages, countries })),
      total: result.total,
      moreHref: hrefWith("/catalogue", { org: organisation.slug }),
    });
  });

  return router;
}

export function organisationApi(services: Pick<Services, "organisations" | "catalogue" | "reference">): Router {
  const router = Router();
  const { organisations, catalogue, reference } = services;

  router.get("/organisations", async (_req, res) => {
    const [all, counts, countries] = await Promise.all([organisations.listAll(), catalogue.countByOwner(), reference.countryNames()]);
    res.json({ data: all.map((o) => apiView(presentOrganisation(o, countries, counts.get(o.id) ?? 0))) });
  });

  router.get("/organisations/:slug", async (req, res) => {
    const slug = slugParam.safeParse(req.params.slug);
    const organisation = slug.success ? await organisations.findBySlug(slug.data) : null;
    if (!organisation) throw new NotFoundError("No organisation has this slug.");
    const [counts, countries] = await Promise.all([catalogue.countByOwner(), reference.countryNames()]);
    res.json({ data: apiView(presentOrganisation(organisation, countries, counts.get(organisation.id) ?? 0)) });
  });

  return router;
}

function apiView(view: ReturnType<typeof presentOrganisation>) {
  const { path: _path, kindName: _kindName, country: _country, ...rest } = view;
  return rest;
}
