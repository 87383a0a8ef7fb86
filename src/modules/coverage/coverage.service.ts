import { DataSource, In, IsNull } from "typeorm";
import type { ListingRepository, OwnerListings } from "../catalogue/listing.repository";
import { visibleSql, type VisibilityViewer } from "../catalogue/listing-rules";
import { Topic } from "../catalogue/topic.entity";
import { Language } from "../reference/reference.entities";
import { Report, ReportSection } from "../reports/report.entities";

/**
 * The region's main languages: always given a column of the topic × language matrix, so that a
 * language nobody offers anything in shows up as a gap instead of being left out.
 */
export const REGION_LANGUAGES = ["en", "id", "th", "km", "vi", "ms", "lo", "my", "fil", "bn"] as const;

/** Name under which listings of organisations without a country are counted. */
export const NO_COUNTRY_NAME = "International / regional";

/** Coverage counts what the public sees: published, public listings (never drafts or members-only ones). */
const PUBLIC: VisibilityViewer = { member: false };

/** Items that at least one visible listing is linked to (with the parameters of `visibleSql`). */
const LINKED = visibleSql("lr", PUBLIC);
const LINKED_ITEMS = `(SELECT DISTINCT l.item_id AS item_id FROM report_item_links l INNER JOIN resources lr ON lr.id = l.resource_id WHERE ${LINKED.where})`;

/** A column of the matrix. */
export interface CoverageLanguage {
  tag: string;
  name: string;
  nativeName: string;
  /** One of the region's main languages (shown even without listings). */
  region: boolean;
  /** Visible listings in this language, whatever their topic. */
  listings: number;
}

/** A row of the matrix: a theme (top-level topic) or one of its sub-topics. */
export interface CoverageTopicRow {
  id: number;
  slug: string;
  name: string;
  /** Distinct visible listings per language tag; a tag without listings is 0. */
  counts: Record<string, number>;
  /** Distinct visible listings under the topic in any language, or in none named. */
  total: number;
  /** Of those, the listings that name no language at all (not a gap: their language is not given). */
  unstated: number;
}

export interface CoverageTopicGroup {
  /** Counts every listing under the theme itself or any of its sub-topics, once. */
  theme: CoverageTopicRow;
  topics: CoverageTopicRow[];
}

export interface TopicLanguageMatrix {
  /** Region languages first (in `REGION_LANGUAGES` order), then the others by listings. */
  languages: CoverageLanguage[];
  groups: CoverageTopicGroup[];
  /** Visible listings in all. */
  listings: number;
  /** Visible listings that name no language at all: neither their text's, nor an edition's or a session's. */
  unstated: number;
}

export type OrganisationCoverage = OwnerListings;

export interface CountryCoverage {
  /** ISO 3166 alpha-3; null for organisations without a country. */
  code: string | null;
  name: string;
  /** Organisations of the country with at least one visible listing. */
  organisations: number;
  listings: number;
}

export interface SectionCoverage {
  position: number;
  title: string;
  items: number;
  /** Items with at least one linked visible listing. */
  linked: number;
  /** `linked` of `items` in whole percent; null for a section without items. */
  percent: number | null;
}

export interface ReportCoverage {
  id: number;
  slug: string;
  title: string;
  publishedOn: string | null;
  /** In report order. */
  sections: SectionCoverage[];
  total: { items: number; linked: number; percent: number | null };
}

export interface CoverageHeadline {
  listings: number;
  organisations: number;
  /** Languages with at least one listing. */
  languages: number;
  topics: number;
  /** Topics (themes and sub-topics) without any listing. */
  topicGaps: number;
}

export interface CoverageOverview {
  headline: CoverageHeadline;
  matrix: TopicLanguageMatrix;
  organisations: OrganisationCoverage[];
  countries: CountryCoverage[];
  reports: ReportCoverage[];
}

type Count = number | string;

/** Whole percent; null when there is nothing to divide by. */
function percentOf(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 100) : null;
}

/**
 * Visible listings per country of their owner organisation, most first. Organisations without a
 * country (international and regional bodies) are counted together under `NO_COUNTRY_NAME`.
 */
function countriesOf(organisations: OrganisationCoverage[]): CountryCoverage[] {
  const byCode = new Map<string | null, CountryCoverage>();
  for (const o of organisations) {
    const country = byCode.get(o.countryCode) ?? { code: o.countryCode, name: o.countryCode === null ? NO_COUNTRY_NAME : (o.countryName ?? o.countryCode), organisations: 0, listings: 0 };
    country.organisations += 1;
    country.listings += o.listings;
    byCode.set(o.countryCode, country);
  }
  return [...byCode.values()].sort((a, b) => b.listings - a.listings || a.name.localeCompare(b.name));
}

/**
 * How well the public catalogue covers the region: listings by topic and language, by organisation
 * and country, and how many items of each progress report a listing answers. Only published,
 * public listings count.
 */
export class CoverageService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly listings: ListingRepository,
  ) {}

  /** Everything the coverage page shows, with its headline figures. */
  async overview(): Promise<CoverageOverview> {
    const [matrix, organisations, reports] = await Promise.all([this.topicLanguageMatrix(), this.byOrganisation(), this.reportCoverage()]);
    const countries = countriesOf(organisations);
    const rows = matrix.groups.flatMap((g) => [g.theme, ...g.topics]);
    return {
      headline: {
        listings: matrix.listings,
        organisations: organisations.length,
        languages: matrix.languages.filter((l) => l.listings > 0).length,
        topics: rows.length,
        topicGaps: rows.filter((r) => r.total === 0).length,
      },
      matrix,
      organisations,
      countries,
      reports,
    };
  }

  /**
   * Distinct visible listings per topic and language. A listing counts under each of its topics
   * and in each of its languages (its editions' and its sessions'); a theme's row counts a listing
   * under the theme or any of its sub-topics once.
   */
  async topicLanguageMatrix(): Promise<TopicLanguageMatrix> {
    const [cells, topicTotals, languageCounts, listings, topics, unstatedByTopic, unstated] = await Promise.all([
      this.listings.countByTopicAndLanguage(PUBLIC),
      this.listings.countUnderTopic(PUBLIC),
      this.listings.countByLanguage(PUBLIC),
      this.listings.countVisible(PUBLIC),
      this.dataSource.getRepository(Topic).find({ order: { position: "ASC", name: "ASC" } }),
      this.listings.countUnderTopic(PUBLIC, { withoutLanguage: true }),
      this.listings.countVisible(PUBLIC, { withoutLanguage: true }),
    ]);

    const wanted = [...new Set<string>([...REGION_LANGUAGES, ...languageCounts.keys()])];
    const known = await this.dataSource.getRepository(Language).find({ where: { tag: In(wanted) } });
    const regionOrder = (tag: string) => (REGION_LANGUAGES as readonly string[]).indexOf(tag);
    const languages: CoverageLanguage[] = known
      .map((l) => ({ tag: l.tag, name: l.name, nativeName: l.nativeName, region: regionOrder(l.tag) >= 0, listings: languageCounts.get(l.tag) ?? 0 }))
      .sort((a, b) => {
        if (a.region !== b.region) return a.region ? -1 : 1;
        if (a.region) return regionOrder(a.tag) - regionOrder(b.tag);
        return b.listings - a.listings || a.name.localeCompare(b.name);
      });

    const byTopic = new Map<number, Record<string, number>>();
    for (const cell of cells) {
      const counts = byTopic.get(cell.topicId) ?? {};
      counts[cell.tag] = cell.listings;
      byTopic.set(cell.topicId, counts);
    }
    const row = (topic: Topic): CoverageTopicRow => {
      const found = byTopic.get(topic.id) ?? {};
      return {
        id: topic.id,
        slug: topic.slug,
        name: topic.name,
        counts: Object.fromEntries(languages.map((l) => [l.tag, found[l.tag] ?? 0])),
        total: topicTotals.get(topic.id) ?? 0,
        unstated: unstatedByTopic.get(topic.id) ?? 0,
      };
    };
    const groups = topics.filter((t) => t.parentId === null).map((theme) => ({ theme: row(theme), topics: topics.filter((t) => t.parentId === theme.id).map(row) }));
    return { languages, groups, listings, unstated };
  }

  /** Organisations with visible listings and how many each owns, most first. */
  async byOrganisation(): Promise<OrganisationCoverage[]> {
    return (await this.listings.countByOwnerOrganisation(PUBLIC)).sort((a, b) => b.listings - a.listings || a.name.localeCompare(b.name));
  }

  /** Visible listings per country of their owner organisation, most first (see `countriesOf`). */
  async byCountry(): Promise<CountryCoverage[]> {
    return countriesOf(await this.byOrganisation());
  }

  /** Every report, newest first, with its sections' items and how many of them a visible listing answers. */
  async reportCoverage(): Promise<ReportCoverage[]> {
    return this.coverageOfReports(null);
  }

  /** One report's coverage, or null when no report has this slug. */
  async reportCoverageFor(slug: string): Promise<ReportCoverage | null> {
    const [report] = await this.coverageOfReports(slug);
    return report ?? null;
  }

  private async coverageOfReports(slug: string | null): Promise<ReportCoverage[]> {
    const reports = await this.dataSource.getRepository(Report).find({
      select: { id: true, slug: true, title: true, publishedOn: true },
      // An archived report is out of coverage.
      where: slug === null ? { archivedAt: IsNull() } : { slug, archivedAt: IsNull() },
    });
    if (reports.length === 0) return [];

    const sections = await this.dataSource
      .getRepository(ReportSection)
      .createQueryBuilder("s")
      .leftJoin("report_items", "i", "i.section_id = s.id")
      .leftJoin(LINKED_ITEMS, "li", "li.item_id = i.id")
      .select("s.id", "id")
      .addSelect("s.reportId", "reportId")
      .addSelect("s.position", "position")
      .addSelect("s.title", "title")
      .addSelect("COUNT(i.id)", "items")
      .addSelect("COUNT(li.item_id)", "linked")
      .where("s.reportId IN (:...reportIds)", { reportIds: reports.map((r) => r.id) })
      .setParameters(LINKED.params)
      .groupBy("s.id")
      .addGroupBy("s.reportId")
      .addGroupBy("s.position")
      .addGroupBy("s.title")
      .getRawMany<{ id: Count; reportId: Count; position: Count; title: string; items: Count; linked: Count }>();

    const byReport = new Map<number, SectionCoverage[]>();
    for (const s of sections) {
      const items = Number(s.items);
      const linked = Number(s.linked);
      const list = byReport.get(Number(s.reportId)) ?? [];
      list.push({ position: Number(s.position), title: s.title, items, linked, percent: percentOf(linked, items) });
      byReport.set(Number(s.reportId), list);
    }

    return reports
      .map((report) => {
        const own = (byReport.get(report.id) ?? []).sort((a, b) => a.position - b.position);
        const items = own.reduce((n, s) => n + s.items, 0);
        const linked = own.reduce((n, s) => n + s.linked, 0);
        return {
          id: report.id,
          slug: report.slug,
          title: report.title,
          publishedOn: report.publishedOn,
          sections: own,
          total: { items, linked, percent: percentOf(linked, items) },
        };
      })
      .sort((a, b) => {
        // Newest first; undated reports after dated ones.
        if (a.publishedOn !== b.publishedOn) {
          if (a.publishedOn === null) return 1;
          if (b.publishedOn === null) return -1;
          return a.publishedOn < b.publishedOn ? 1 : -1;
        }
        return a.title.localeCompare(b.title);
      });
  }
}
