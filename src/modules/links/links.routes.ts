import { Router } from "express";
import { NotFoundError } from "../../http/errors";
import { message } from "../../i18n/message";
import type { Services } from "../../services";
import { requireSignIn } from "../accounts/auth";
import { canUseWorkspace, isCurator } from "../accounts/policies";
import type { FailingLink } from "./link-check.service";

/** Where the owner fixes a failing link: the listing's page in the workspace, or the organisation's profile. */
export function fixHref(link: FailingLink, curator: boolean, organisationSlug: string | null): string {
  if (link.resourceId !== null) return `/workspace/listings/${link.resourceId}`;
  return `/workspace/organisation${curator && organisationSlug ? `?org=${organisationSlug}` : ""}`;
}

/**
 * The link report: addresses whose last two checks failed. Curators see every organisation's, with
 * the scheduled jobs' last runs; an organisation's people see their own.
 */
export function linkPages(services: Pick<Services, "links" | "organisations" | "jobRuns">): Router {
  const router = Router();

  router.get("/workspace/links", requireSignIn, async (req, res) => {
    const user = req.user ?? null;
    if (!canUseWorkspace(user)) throw new NotFoundError(message("errors.notFound.workspace"));
    const curator = isCurator(user);
    const ownerId = curator ? null : (user?.organisationId ?? null);
    if (!curator && ownerId === null) throw new NotFoundError(message("errors.notFound.noOrganisation"));
    const [failing, organisations, jobs] = await Promise.all([services.links.failing(ownerId), services.organisations.listAll(), curator ? services.jobRuns.statuses() : Promise.resolve([])]);
    const names = new Map(organisations.map((o) => [o.id, o]));
    const groups = new Map<number, { name: string; links: Array<FailingLink & { fix: string }> }>();
    for (const link of failing) {
      const organisation = names.get(link.ownerId);
      const group = groups.get(link.ownerId) ?? { name: organisation?.name ?? "", links: [] };
      group.links.push({ ...link, fix: fixHref(link, curator, organisation?.slug ?? null) });
      groups.set(link.ownerId, group);
    }
    res.render("workspace/links", {
      title: "",
      curator,
      groups: [...groups.values()].sort((a, b) => b.links.length - a.links.length || a.name.localeCompare(b.name)),
      total: failing.length,
      jobs,
    });
  });

  return router;
}
