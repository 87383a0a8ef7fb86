import { stringify } from "csv-stringify/sync";
import { Router, type Response } from "express";
import { z } from "zod";
import { todayUtc } from "../../http/dates";
import { NotFoundError } from "../../http/errors";
import { hrefWith } from "../../http/pagination";
import { parseQuery } from "../../http/validate";
import type { Services } from "../../services";
import { slugParam } from "../catalogue/catalogue.schemas";
import { neutraliseCell } from "../transfer/listing-row";
import { CountryCoverage, CoverageOverview, CoverageTopicRow, OrganisationCoverage, ReportCoverage, TopicLanguageMatrix } from "./coverage.service";
import { horizontalBarChart } from "./svg-chart";
import { translator, type Translate } from "../../i18n/i18n";
import { message } from "../../i18n/message";

/** What the coverage page needs to speak the reader's language (the request's view locals). */
interface Localise {
  t: Translate;
  fmt: { number(value: number): string; country(code: string | null | undefined, fallback?: string | null): string };
  vocab: { topic(slug: string, english?: string | null): string };
}

/** The coverage pages take no parameters; anything given is refused rather than ignored. */
const noQuery = z.object({}).strict();

/** Shades of the heat map: a count's bucket, 0 being a gap. */
export type HeatLevel = "gap" | "1" | "2" | "3" | "4";

/** The bucket of a count: 0 (a gap), 1, 2–4, 5–9, 10 or more. */
export function heatLevel(count: number): HeatLevel {
  if (count <= 0) return "gap";
  if (count === 1) return "1";
  if (count <= 4) return "2";
  if (count <= 9) return "3";
  return "4";
}

/** The legend of the heat map, in order. */
export const HEAT_LEGEND: Array<{ level: HeatLevel; key: string }> = [
  { level: "gap", key: "coverage.legend.gap" },
  { level: "1", key: "coverage.legend.1" },
  { level: "2", key: "coverage.legend.2" },
  { level: "3", key: "coverage.legend.3" },
  { level: "4", key: "coverage.legend.4" },
];

function presentMatrix(matrix: TopicLanguageMatrix, l10n: Localise) {
  const languages = matrix.languages.map((l) => ({ ...l, headerId: `cov-lang-${l.tag}`, href: hrefWith("/catalogue", { language: l.tag }) }));
  const row = (topic: CoverageTopicRow, themeHeaderId: string | null) => {
    const headerId = `cov-topic-${topic.slug}`;
    const rowHeaders = themeHeaderId ? `${themeHeaderId} ${headerId}` : headerId;
    return {
      slug: topic.slug,
      name: l10n.vocab.topic(topic.slug, topic.name),
      path: `/topics/${topic.slug}`,
      headerId,
      total: topic.total,
      totalLevel: heatLevel(topic.total),
      totalHref: topic.total > 0 ? hrefWith("/catalogue", { topic: topic.slug }) : null,
      totalHeaders: `${rowHeaders} cov-all-languages`,
      unstated: topic.unstated,
      unstatedHeaders: `${rowHeaders} cov-no-language`,
      cells: matrix.languages.map((l) => {
        const count = topic.counts[l.tag] ?? 0;
        return {
          count,
          level: heatLevel(count),
          href: count > 0 ? hrefWith("/catalogue", { topic: topic.slug, language: l.tag }) : null,
          headers: `${rowHeaders} cov-lang-${l.tag}`,
        };
      }),
    };
  };
  return {
    languages,
    listings: matrix.listings,
    unstated: matrix.unstated,
    groups: matrix.groups.map((g) => {
      const theme = row(g.theme, null);
      return { theme, topics: g.topics.map((t) => row(t, theme.headerId)) };
    }),
  };
}

function organisationsChart(organisations: OrganisationCoverage[], { t, fmt }: Localise): string {
  return horizontalBarChart({
    id: "chart-organisations",
    title: t("coverage.organisations.chartTitle"),
    description: organisations.length ? t("coverage.organisations.chartDescription", { count: organisations.length }) : t("coverage.organisations.chartNone"),
    // Long names are hard to read in a chart: the short name stands in for them, the table has both.
    data: organisations.map((o) => ({
      label: o.shortName && o.name.length > 28 ? o.shortName : o.name,
      value: o.listings,
      tooltip: `${o.name}: ${fmt.number(o.listings)}`,
      valueText: fmt.number(o.listings),
    })),
    emptyText: t("coverage.noListingsYet"),
  });
}

/** A country's name in the reader's language; organisations without a country are one group. */
const countryLabel = (c: CountryCoverage, { t, fmt }: Localise) => (c.code === null ? t("coverage.countries.international") : fmt.country(c.code, c.name));

function countriesChart(countries: CountryCoverage[], l10n: Localise): string {
  const { t, fmt } = l10n;
  return horizontalBarChart({
    id: "chart-countries",
    title: t("coverage.countries.chartTitle"),
    description: countries.length ? t("coverage.countries.chartDescription", { count: countries.length }) : t("coverage.organisations.chartNone"),
    data: countries.map((c) => ({ label: countryLabel(c, l10n), value: c.listings, valueText: fmt.number(c.listings) })),
    emptyText: t("coverage.noListingsYet"),
  });
}

const percentText = (percent: number | null, { t }: Localise) => (percent === null ? t("coverage.noItems") : t("coverage.percent", { share: percent / 100 }));

function reportChart(report: ReportCoverage, l10n: Localise): string {
  const { t, fmt } = l10n;
  return horizontalBarChart({
    id: `chart-report-${report.slug}`,
    title: t("coverage.reports.caption", { title: report.title }),
    description: t("coverage.reports.chartDescription", { items: report.total.items, linked: fmt.number(report.total.linked), share: percentText(report.total.percent, l10n) }),
    data: report.sections.map((s) => ({ label: s.title, value: s.percent ?? 0, valueText: percentText(s.percent, l10n) })),
    max: 100,
    emptyText: t("coverage.reports.chartNone"),
  });
}

/** A median time to answer as people read it, in the reader's language (English by default). */
export function answerTimeText(hours: number | null, t: Translate = translator("en").t): string | null {
  if (hours === null) return null;
  if (hours < 1) return t("coverage.answerTime.underHour");
  if (hours < 48) return t("coverage.answerTime.hours", { hours: Math.round(hours) });
  return t("coverage.answerTime.days", { days: Math.round((hours / 24) * 10) / 10 });
}

type AnswerTimes = Awaited<ReturnType<Services["enquiries"]["answerTimes"]>>;

function presentOverview(overview: CoverageOverview, answerTimes: AnswerTimes, l10n: Localise) {
  const { headline, matrix, organisations, countries, reports } = overview;
  const rows = matrix.groups.flatMap((g) => [g.theme, ...g.topics]);
  return {
    headline,
    gapTopics: rows.filter((r) => r.total === 0).map((r) => ({ name: l10n.vocab.topic(r.slug, r.name), path: `/topics/${r.slug}` })),
    legend: HEAT_LEGEND.map((item) => ({ level: item.level, text: l10n.t(item.key) })),
    matrix: presentMatrix(matrix, l10n),
    organisations: organisations.map((o) => ({
      ...o,
      path: `/organisations/${o.slug}`,
      country: o.countryCode ? l10n.fmt.country(o.countryCode, o.countryName) : null,
      enquiries: answerTimes.get(o.id)?.received ?? 0,
      answerTime: answerTimeText(answerTimes.get(o.id)?.medianHours ?? null, l10n.t),
    })),
    organisationsChart: organisationsChart(organisations, l10n),
    countries: countries.map((c) => ({ ...c, name: countryLabel(c, l10n) })),
    countriesChart: countriesChart(countries, l10n),
    reports: reports.map((r) => ({
      ...r,
      path: `/reports/${encodeURIComponent(r.slug)}`,
      csvPath: `/coverage/reports/${encodeURIComponent(r.slug)}.csv`,
      headingId: `report-${r.slug}`,
      sections: r.sections.map((s) => ({ ...s, percentText: percentText(s.percent, l10n) })),
      totalPercentText: percentText(r.total.percent, l10n),
      chart: reportChart(r, l10n),
    })),
  };
}

type Cell = string | number | null;

/** Sends rows as a CSV download; text cells that would start a spreadsheet formula are neutralised. */
function sendCsv(res: Response, fileName: string, header: string[], rows: Cell[][]): void {
  const cell = (value: Cell) => (value === null ? "" : typeof value === "number" ? String(value) : neutraliseCell(value));
  res.attachment(fileName);
  res.type("text/csv; charset=utf-8");
  // A byte-order mark first, so that spreadsheets read names in the region's scripts as UTF-8.
  res.send(stringify([header.map(cell), ...rows.map((row) => row.map(cell))], { bom: true }));
}

const dated = (name: string) => `${name}-${todayUtc()}.csv`;

/**
 * "Coverage at a glance": where the public catalogue has listings (by topic and language, by
 * organisation and country) and how much of each progress report it answers; each table also as CSV.
 */
export function coveragePages(services: Pick<Services, "coverage" | "enquiries">): Router {
  const router = Router();
  const { coverage } = services;

  router.get("/coverage", async (req, res) => {
    parseQuery(noQuery, req);
    const [overview, answerTimes] = await Promise.all([coverage.overview(), services.enquiries.answerTimes()]);
    res.render("coverage/index", presentOverview(overview, answerTimes, res.locals as unknown as Localise));
  });

  router.get("/coverage/topics-languages.csv", async (req, res) => {
    parseQuery(noQuery, req);
    const matrix = await coverage.topicLanguageMatrix();
    const tags = matrix.languages.map((l) => l.tag);
    const line = (level: string, topic: CoverageTopicRow, theme: string | null): Cell[] => [level, topic.slug, topic.name, theme, ...tags.map((tag) => topic.counts[tag] ?? 0), topic.total];
    const rows: Cell[][] = matrix.groups.flatMap((g) => [line("theme", g.theme, null), ...g.topics.map((t) => line("topic", t, g.theme.slug))]);
    rows.push(["all", null, "All topics", null, ...matrix.languages.map((l) => l.listings), matrix.listings]);
    sendCsv(res, dated("coverage-topics-languages"), ["level", "slug", "topic", "theme", ...tags, "any_language"], rows);
  });

  /** A table of the coverage page as a CSV download: `/coverage/<table>.csv`, saved as `coverage-<table>-<date>.csv`. */
  const csvTable = (table: string, header: string[], rows: () => Promise<Cell[][]>) =>
    router.get(`/coverage/${table}.csv`, async (req, res) => {
      parseQuery(noQuery, req);
      sendCsv(res, dated(`coverage-${table}`), header, await rows());
    });
  csvTable("organisations", ["slug", "organisation", "short_name", "country_code", "country", "listings"], async () =>
    (await coverage.byOrganisation()).map((o) => [o.slug, o.name, o.shortName, o.countryCode, o.countryName, o.listings]),
  );
  csvTable("countries", ["country_code", "country", "organisations", "listings"], async () => (await coverage.byCountry()).map((c) => [c.code, c.name, c.organisations, c.listings]));

  router.get("/coverage/reports/:slug.csv", async (req, res) => {
    parseQuery(noQuery, req);
    const slug = slugParam.safeParse(req.params.slug);
    const report = slug.success ? await coverage.reportCoverageFor(slug.data) : null;
    if (!report) throw new NotFoundError(message("errors.notFound.reportCoverage"));
    sendCsv(
      res,
      dated(`coverage-report-${report.slug}`),
      ["position", "section", "items", "items_linked", "percent_linked"],
      [...report.sections.map((s): Cell[] => [s.position, s.title, s.items, s.linked, s.percent]), ["total", "All sections", report.total.items, report.total.linked, report.total.percent]],
    );
  });

  return router;
}
