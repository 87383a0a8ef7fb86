import { Router } from "express";
import { NotFoundError } from "../../http/errors";
import { hrefWith, paginate } from "../../http/pagination";
import { parseQuery } from "../../http/validate";
import type { Services } from "../../services";
import { ListQuery, listQuerySchema, PAGE_SIZES } from "../catalogue/catalogue.schemas";
import { catalogueViewer } from "../accounts/policies";
import { FacetName, SORTS } from "../catalogue/catalogue.service";
import type { SearchResult } from "./search.service";

const SORT_NAMES: Record<(typeof SORTS)[number], string> = {
  relevance: "Best match",
  title: "Title (A–Z)",
  newest: "Newest first",
  "next-session": "Next session first",
  updated: "Recently updated",
};

/** Facets in the order the page shows them, with the query parameter each sets. */
const FACET_PANELS: Array<{ facet: FacetName; param: keyof ListQuery; title: string }> = [
  { facet: "topics", param: "topic", title: "Topic" },
  { facet: "languages", param: "language", title: "Language" },
  { facet: "kind", param: "kind", title: "Kind" },
  { facet: "deliveryMode", param: "mode", title: "Delivery" },
  { facet: "ownerSlug", param: "org", title: "Owner" },
  { facet: "countries", param: "country", title: "Country" },
];

/**
 * The sort menu: its first choice is the default order (best match once words are typed, titles
 * before), sent as an empty value so that typing words never keeps an order nobody chose.
 */
function sortOptions(query: ListQuery) {
  const chosen = query.sort === "relevance" ? undefined : query.sort;
  return [{ value: "", name: SORT_NAMES.relevance, selected: chosen === undefined }, ...SORTS.filter((s) => s !== "relevance").map((s) => ({ value: s, name: SORT_NAMES[s], selected: chosen === s }))];
}

/** The filters of a query, without paging, for links that keep them. */
function filterParams(query: ListQuery) {
  return { q: query.q, topic: query.topic, language: query.language, kind: query.kind, mode: query.mode, org: query.org, country: query.country, upcoming: query.upcoming, confirmed: query.confirmed };
}

function pageNotFound(query: ListQuery, result: SearchResult): NotFoundError {
  return new NotFoundError(`Page ${query.page} does not exist: this list has ${result.totalPages} page${result.totalPages === 1 ? "" : "s"}.`);
}

/** The catalogue's search page (`/catalogue`) and search API (`/api/v1/search`). */
export function searchPages(services: Pick<Services, "search">): Router {
  const router = Router();

  router.get("/catalogue", async (req, res) => {
    const query = parseQuery(listQuerySchema, req);
    const result = await services.search.search(query, catalogueViewer(req.user ?? null));
    if (query.page > result.totalPages) throw pageNotFound(query, result);
    const filters = filterParams(query);
    const keep = { ...filters, sort: query.sort, pageSize: query.pageSize === PAGE_SIZES[0] ? undefined : query.pageSize };
    const names = new Map(FACET_PANELS.map((p) => [p.param, p.title.toLowerCase()]));
    const active = Object.entries(filters)
      .filter(([, v]) => v !== undefined && v !== false)
      .map(([key, value]) => {
        const panel = FACET_PANELS.find((p) => p.param === key);
        const label = panel
          ? (result.facets[panel.facet].find((v) => v.selected)?.name ?? String(value))
          : key === "q"
            ? `“${String(value)}”`
            : key === "confirmed"
              ? "confirmed within a year"
              : "upcoming sessions";
        return { key, label: `${names.get(key as keyof ListQuery) ?? (key === "q" ? "words" : "only")}: ${label}`, removeHref: hrefWith("/catalogue", { ...keep, [key]: undefined }) };
      });
    res.render("catalogue/list", {
      title: query.q ? `“${query.q}” in the catalogue` : "Browse the catalogue",
      query,
      result,
      sort: result.sort,
      pagination: paginate("/catalogue", keep, result.page, result.totalPages),
      active,
      hidden: FACET_PANELS.map((p) => ({ name: p.param, value: query[p.param] as string | undefined })).filter((h) => h.value !== undefined),
      panels: FACET_PANELS.map((panel) => ({
        title: panel.title,
        param: panel.param,
        values: result.facets[panel.facet].map((v) => ({
          ...v,
          href: hrefWith("/catalogue", { ...keep, [panel.param]: v.selected ? undefined : v.value }),
        })),
      })).filter((panel) => panel.values.length > 0),
      sorts: sortOptions(query),
      relaxed: result.relaxed,
      suggestion: result.suggestion && result.relaxed?.kind !== "spelling" ? { text: result.suggestion, href: hrefWith("/catalogue", { ...keep, q: result.suggestion, page: undefined }) } : null,
      filterCount: active.filter((f) => f.key !== "q").length,
      pageSizes: PAGE_SIZES,
    });
  });

  return router;
}

/** The API's view of a result. */
function apiResult(result: SearchResult) {
  return {
    hits: result.hits.map((h) => ({
      slug: h.slug,
      externalId: h.externalId,
      title: h.title,
      acronym: h.acronym,
      kind: h.kind,
      kindName: h.kindName,
      deliveryModeName: h.deliveryModeName,
      owner: h.owner ? { slug: h.owner.slug, name: h.owner.name } : null,
      url: h.path,
      highlight: { title: h.titleHtml, summary: h.summaryHtml },
      languages: h.languages.map((l) => l.tag),
      topics: h.topics.map((t) => t.slug),
      nextSession: h.nextSession,
      notConfirmedSince: h.notConfirmedSince ? h.notConfirmedSince.toISOString() : null,
      why: h.why,
    })),
    facets: Object.fromEntries(Object.entries(result.facets).map(([facet, values]) => [facet, values.map((v) => ({ value: v.value, name: v.name, count: v.count, selected: v.selected }))])),
    facetCounts: result.facetCounts,
    total: result.total,
    page: result.page,
    pageSize: result.pageSize,
    totalPages: result.totalPages,
    sort: result.sort,
    degraded: result.degraded,
    relaxed: result.relaxed,
    suggestion: result.suggestion,
  };
}

/**
 * The JSON of each result, made once per result: a result kept while the index does not change is
 * the same (frozen) object for every search that gets it, and its body goes with it.
 */
const apiBodies = new WeakMap<SearchResult, Buffer>();

function apiBody(result: SearchResult): Buffer {
  let body = apiBodies.get(result);
  if (body === undefined) {
    body = Buffer.from(JSON.stringify(apiResult(result)));
    if (Object.isFrozen(result)) apiBodies.set(result, body);
  }
  return body;
}

export function searchApi(services: Pick<Services, "search">): Router {
  const router = Router();

  router.get("/search", async (req, res) => {
    const query = parseQuery(listQuerySchema, req);
    const result = await services.search.search(query, catalogueViewer(req.user ?? null));
    const body = apiBody(result);
    // Written as is, without an ETag: a response that may not be stored has nothing to revalidate.
    res.status(200).set({ "Cache-Control": "no-store", "Content-Type": "application/json; charset=utf-8", "Content-Length": String(body.length) });
    res.end(body);
  });

  return router;
}
