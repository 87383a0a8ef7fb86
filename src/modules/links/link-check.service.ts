import type { DataSource } from "typeorm";
import { LessThan } from "typeorm";
import type { ListingRepository } from "../catalogue/listing.repository";
import { Organisation } from "../organisations/organisation.entity";
import { LinkCheck, type LinkError, type LinkTargetType } from "./link-check.entity";
import { checkLink, type LinkCheckOptions, type LinkCheckResult } from "./link-checker";

/** An address the catalogue shows: a listing's website, an edition's link, an organisation's website. */
export interface LinkTarget {
  type: LinkTargetType;
  id: number;
  url: string;
  /** The organisation whose address it is (the listing's owner for listings and editions). */
  ownerId: number;
  /** The listing it belongs to (listings and editions). */
  resourceId: number | null;
  /** What the owner calls it: the listing's title, the edition's language, the organisation's name. */
  label: string;
}

/** A link whose last two checks both failed. */
export interface FailingLink extends LinkTarget {
  lastCheckedAt: Date;
  error: LinkError | null;
  statusCode: number | null;
}

export interface LinkCheckRunOptions extends LinkCheckOptions {
  /** Pause between two requests to the same host. */
  pauseMs: number;
  /** Hosts checked at the same time (each one request at a time). */
  hostsAtOnce?: number;
}

/** Checks older than this are deleted after each run. */
const HISTORY_DAYS = 180;

const keyOf = (t: { type: string; id: number; url: string }) => `${t.type}:${t.id}:${t.url}`;

/**
 * The link checks: every listing's, edition's and organisation's address, one request at a time
 * per host with a pause, each result kept (`link_checks`); a link whose last two checks failed is
 * shown to its owner, to the curators, and on the listing's page.
 */
export class LinkCheckService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly listings: ListingRepository,
    private readonly options: LinkCheckRunOptions,
  ) {}

  /** Every address to check: listings not archived, their editions, organisations. */
  async targets(): Promise<LinkTarget[]> {
    const resources = await this.listings.listingAddresses();
    const editions = await this.listings.editionAddresses();
    const organisations = await this.dataSource.getRepository(Organisation).find({ select: { id: true, website: true, name: true } });
    return [
      ...resources.filter((r) => r.url).map((r) => ({ type: "resource" as const, id: r.id, url: r.url as string, ownerId: r.ownerId, resourceId: r.id, label: r.title })),
      ...editions.map((e) => ({ type: "edition" as const, id: e.id, url: e.url, ownerId: e.ownerId, resourceId: e.resourceId, label: `${e.title} (${e.languageTag})` })),
      ...organisations.filter((o) => o.website).map((o) => ({ type: "organisation" as const, id: o.id, url: o.website as string, ownerId: o.id, resourceId: null, label: o.name })),
    ];
  }

  /**
   * Checks every address once (an address several targets share is fetched once) and records a
   * check per target. Hosts are checked side by side, each one request at a time with a pause.
   */
  async checkAll(onProgress?: (done: number, total: number) => void, now = () => new Date()): Promise<{ targets: number; addresses: number; failed: number; seconds: number }> {
    const started = Date.now();
    const targets = await this.targets();
    const byUrl = new Map<string, LinkTarget[]>();
    for (const t of targets) byUrl.set(t.url, [...(byUrl.get(t.url) ?? []), t]);
    const byHost = new Map<string, string[]>();
    for (const url of byUrl.keys()) {
      let host = "";
      try {
        host = new URL(url).host.toLowerCase();
      } catch {
        host = "";
      }
      byHost.set(host, [...(byHost.get(host) ?? []), url]);
    }
    let done = 0;
    let failed = 0;
    onProgress?.(0, byUrl.size);
    const record = async (url: string, result: LinkCheckResult) => {
      const at = now();
      await this.dataSource.getRepository(LinkCheck).insert(
        (byUrl.get(url) ?? []).map((t) => ({
          targetType: t.type,
          targetId: t.id,
          url: t.url.slice(0, 500),
          checkedAt: at,
          ok: result.ok,
          statusCode: result.statusCode,
          error: result.error,
          finalUrl: result.finalUrl?.slice(0, 2000) ?? null,
          ms: Math.min(result.ms, 2_000_000_000),
        })),
      );
      if (!result.ok) failed++;
      onProgress?.(++done, byUrl.size);
    };
    const hosts = [...byHost.values()];
    const worker = async () => {
      for (let urls = hosts.shift(); urls; urls = hosts.shift()) {
        for (const [i, url] of urls.entries()) {
          if (i > 0 && this.options.pauseMs > 0) await new Promise((r) => setTimeout(r, this.options.pauseMs));
          await record(url, await checkLink(url, this.options));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.hostsAtOnce ?? 4) }, worker));
    await this.dataSource.getRepository(LinkCheck).delete({ checkedAt: LessThan(new Date(Date.now() - HISTORY_DAYS * 86_400_000)) });
    return { targets: targets.length, addresses: byUrl.size, failed, seconds: (Date.now() - started) / 1000 };
  }

  /** The last two checks of each of these links (of their address as it is now). */
  private async lastTwo(targets: Array<Pick<LinkTarget, "type" | "id" | "url">>): Promise<Map<string, LinkCheck[]>> {
    const out = new Map<string, LinkCheck[]>();
    if (targets.length === 0) return out;
    const repo = this.dataSource.getRepository(LinkCheck);
    const wanted = new Set(targets.map(keyOf));
    for (const type of ["resource", "edition", "organisation"] as const) {
      const ids = [...new Set(targets.filter((t) => t.type === type).map((t) => t.id))];
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await repo
          .createQueryBuilder("c")
          .where("c.targetType = :type", { type })
          .andWhere("c.targetId IN (:...ids)", { ids: ids.slice(i, i + 500) })
          .andWhere("c.checkedAt > :since", { since: new Date(Date.now() - HISTORY_DAYS * 86_400_000) })
          .orderBy("c.checkedAt", "DESC")
          .addOrderBy("c.id", "DESC")
          .getMany();
        for (const row of rows) {
          const key = keyOf({ type: row.targetType, id: row.targetId, url: row.url });
          if (!wanted.has(key)) continue;
          const list = out.get(key) ?? [];
          if (list.length < 2) list.push(row);
          out.set(key, list);
        }
      }
    }
    return out;
  }

  /** Of these links, those whose last two checks both failed. */
  async failingOf<T extends Pick<LinkTarget, "type" | "id" | "url">>(targets: T[]): Promise<Array<T & { lastCheckedAt: Date; error: LinkError | null; statusCode: number | null }>> {
    const last = await this.lastTwo(targets);
    return targets.flatMap((t) => {
      const checks = last.get(keyOf(t)) ?? [];
      return checks.length === 2 && checks.every((c) => !c.ok) ? [{ ...t, lastCheckedAt: checks[0].checkedAt, error: checks[0].error, statusCode: checks[0].statusCode }] : [];
    });
  }

  /** Failing links of one organisation (its listings, their editions, its website), or of all for null. */
  async failing(ownerId: number | null): Promise<FailingLink[]> {
    const targets = (await this.targets()).filter((t) => ownerId === null || t.ownerId === ownerId);
    return this.failingOf(targets);
  }

  /** For a listing's page: when its website and each edition's link last failed (twice in a row), by address. */
  async warningsForListing(resource: { id: number; url: string | null; editions?: Array<{ id: number; url: string | null }> }): Promise<{ website: Date | null; editions: Map<string, Date> }> {
    const targets = [
      ...(resource.url ? [{ type: "resource" as const, id: resource.id, url: resource.url }] : []),
      ...(resource.editions ?? []).filter((e) => e.url).map((e) => ({ type: "edition" as const, id: e.id, url: e.url as string })),
    ];
    const failing = await this.failingOf(targets);
    return {
      website: failing.find((f) => f.type === "resource")?.lastCheckedAt ?? null,
      editions: new Map(failing.filter((f) => f.type === "edition").map((f) => [f.url, f.lastCheckedAt])),
    };
  }

  /** A link's checks, newest first (its history). */
  async history(type: LinkTargetType, id: number, limit = 20): Promise<LinkCheck[]> {
    return this.dataSource.getRepository(LinkCheck).find({ where: { targetType: type, targetId: id }, order: { checkedAt: "DESC", id: "DESC" }, take: limit });
  }
}
