import type { ItemView } from "./report.service";
import { tidyReportHtml } from "./report-parser";

/** Names of the links' relations. */
export const RELATION_NAMES: Record<string, string> = { delivers: "Delivers", supports: "Supports", mentions: "Mentions" };

/** "3.4" → "item-3-4": an item's anchor on the report's page. */
export const itemAnchor = (number: string) => `item-${number.replace(/\./g, "-")}`;

export function presentLink(view: ItemView["links"][number]) {
  return {
    id: view.link.id,
    relation: view.link.relation,
    relationName: RELATION_NAMES[view.link.relation],
    note: view.link.note,
    resource: {
      slug: view.resource.slug,
      title: view.resource.title,
      path: `/resources/${view.resource.slug}`,
      owner: view.resource.owner?.name ?? null,
      status: view.resource.status,
      visibility: view.resource.visibility,
    },
  };
}

export function presentItem(view: ItemView) {
  return {
    number: view.item.number,
    anchor: itemAnchor(view.item.number),
    section: { position: view.section.position, title: view.section.title },
    action: view.item.action,
    who: view.item.who,
    parties: view.parties.map((p) =>
      p.organisation
        ? { kind: "organisation", matched: p.matched, name: p.organisation.name, slug: p.organisation.slug, path: `/organisations/${p.organisation.slug}` }
        : { kind: "country", matched: p.matched, name: p.country?.name ?? p.matched, code: p.country?.code ?? null },
    ),
    // Stored sanitised at import; tidied again so that a report stored before lists were mended (text straight inside <ul>) shows valid lists.
    details: view.item.details === null ? null : tidyReportHtml(view.item.details),
    footnotes: view.item.footnotes ?? [],
    links: view.links.map(presentLink),
  };
}

/** A report item that references a listing, as the listing's page and the API show it. */
export function presentReportReference(ref: { report: { slug: string; title: string }; item: { number: string; action: string }; relation: string; note: string | null }) {
  return {
    report: { slug: ref.report.slug, title: ref.report.title, path: `/reports/${ref.report.slug}` },
    number: ref.item.number,
    action: ref.item.action,
    relation: ref.relation,
    note: ref.note,
    path: `/reports/${ref.report.slug}#${itemAnchor(ref.item.number)}`,
  };
}
