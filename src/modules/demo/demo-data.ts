import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Services } from "../../services";
import { SYSTEM_ACTOR } from "../audit/audit.service";
import { SESSION_STATUSES } from "../catalogue/course-session.entity";
import { audienceSlug, DELIVERY_MODES, RESOURCE_KINDS } from "../catalogue/vocabulary";
import { ORGANISATION_KINDS } from "../organisations/organisation.entity";
import { organisationSlug } from "../organisations/organisation.service";
import { readSeedJson, SEEDS_DIR, type SeedCounts } from "../reference/reference-data";
import { LINK_RELATIONS, LinkRelation } from "../reports/report.entities";

/**
 * The demo data: the catalogue of training the October 2017 AHG progress report describes
 * (`seeds/demo-catalogue.json`), that report with its items linked to the listings, and one demo
 * account per role. Each goes through the services, as a person's change would: listings through
 * the listing writer, organisations through the organisations service, links through the reports
 * service.
 */

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const demoSchema = z.object({
  resources: z.array(
    z.object({
      slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
      kind: z.enum(RESOURCE_KINDS),
      title: z.string().min(1),
      /** The language of the listing's text: the report describes every original in English. */
      language: z.string(),
      acronym: z.string().nullable(),
      summary: z.string().nullable(),
      description: z.string().nullable(),
      owner: z.string(),
      topics: z.array(z.string()),
      audiences: z.array(z.string()),
      deliveryMode: z.enum(DELIVERY_MODES).nullable(),
      duration: z.string().nullable(),
      url: z.url().nullable(),
      access: z.string().nullable(),
      editions: z.array(z.object({ language: z.string(), title: z.string().nullable(), format: z.string().nullable() })),
      sessions: z.array(
        z.object({
          start: date,
          end: date.nullable(),
          timeZone: z.string().nullable(),
          city: z.string().nullable(),
          country: z.string().length(3).nullable(),
          online: z.boolean(),
          status: z.enum(SESSION_STATUSES),
        }),
      ),
      reportItems: z.array(z.object({ number: z.string(), relation: z.string() })),
    }),
  ),
  extraOrganisations: z.array(z.object({ code: z.string(), name: z.string(), kind: z.enum(ORGANISATION_KINDS), country: z.string().length(3).nullable() })),
});

/**
 * Loads the demo catalogue: the training resources the October 2017 AHG progress report describes.
 * A listing whose slug exists already is left as it is.
 */
export async function seedDemoCatalogue({ catalogue, organisations }: Pick<Services, "catalogue" | "organisations">): Promise<SeedCounts> {
  const demo = demoSchema.parse(readSeedJson("demo-catalogue.json"));
  const created: Record<string, number> = { organisations: 0, resources: 0 };
  created.organisations = await organisations.ensureKnown(demo.extraOrganisations.map((o) => ({ code: o.code, name: o.name, kind: o.kind, countryCode: o.country })));

  for (const r of demo.resources) {
    if (await catalogue.existsSlug(r.slug)) continue;
    const owner = await organisations.findBySlug(organisationSlug(r.owner));
    if (!owner) throw new Error(`demo-catalogue.json: ${r.slug} names owner "${r.owner}", which is not a known organisation`);
    await catalogue.create(
      {
        slug: r.slug,
        kind: r.kind,
        title: r.title,
        languageTag: r.language,
        acronym: r.acronym,
        summary: r.summary,
        description: r.description,
        ownerId: owner.id,
        deliveryMode: r.deliveryMode,
        duration: r.duration,
        url: r.url,
        access: r.access,
        visibility: "public",
        status: "published",
        topicSlugs: r.topics,
        audienceSlugs: r.audiences.map(audienceSlug),
        editions: r.editions.map((e) => ({ languageTag: e.language, title: e.title, format: e.format })),
        sessions: r.sessions.map((s) => ({
          startDate: s.start,
          endDate: s.end,
          timeZone: s.timeZone,
          city: s.city,
          countryCode: s.country,
          online: s.online,
          status: s.status,
        })),
      },
      SYSTEM_ACTOR,
    );
    created.resources++;
  }
  return { created };
}

/** The October 2017 AHG progress report, as the RSO has it. */
export const DEMO_REPORT = { file: "reports/ahg-progress-report-2017-10.txt", slug: "ahg-progress-report-2017-10", publishedOn: "2017-10-01" };

/**
 * Imports the 2017 progress report (when it is not there yet) and links its items to the demo
 * listings the report names (`reportItems` in demo-catalogue.json). Links that exist are left as
 * they are, so a second run changes nothing.
 */
export async function seedDemoReport({ reports, catalogue }: Pick<Services, "reports" | "catalogue">): Promise<SeedCounts> {
  const created: Record<string, number> = { reports: 0, links: 0 };
  let report = await reports.findBySlug(DEMO_REPORT.slug);
  if (!report) {
    report = (await reports.importReport(readFileSync(path.join(SEEDS_DIR, DEMO_REPORT.file), "utf8"), { slug: DEMO_REPORT.slug, publishedOn: DEMO_REPORT.publishedOn, format: "text" }, SYSTEM_ACTOR))
      .report;
    created.reports++;
  }
  const demo = demoSchema.parse(readSeedJson("demo-catalogue.json"));
  for (const r of demo.resources) {
    const resource = await catalogue.findAnyBySlug(r.slug);
    if (!resource) continue;
    for (const ref of r.reportItems) {
      const item = await reports
        .item(DEMO_REPORT.slug, ref.number)
        .then((found) => found.item)
        .catch(() => null);
      if (!item) throw new Error(`demo-catalogue.json: ${r.slug} names report item ${ref.number}, which the report does not have`);
      if (!LINK_RELATIONS.includes(ref.relation as LinkRelation)) throw new Error(`demo-catalogue.json: ${r.slug} names the relation "${ref.relation}"`);
      if (item.links?.some((l) => l.resourceId === resource.id)) continue;
      await reports.link(item.id, resource.id, ref.relation as LinkRelation, null, SYSTEM_ACTOR);
      created.links++;
    }
  }
  return { created };
}

/** The demo accounts, one per role, with passwords generated once per data folder. */
export interface DemoAccount {
  email: string;
  password: string;
  role: string;
}

const DEMO_ACCOUNTS = [
  { email: "curator@demo.rso.example", displayName: "Demo curator (RSO)", role: "curator", org: null, orgRole: null },
  { email: "admin@demo.jclec.example", displayName: "Demo admin (JCLEC)", role: "admin of JCLEC", org: "jclec", orgRole: "admin" },
  { email: "editor@demo.jclec.example", displayName: "Demo editor (JCLEC)", role: "editor of JCLEC", org: "jclec", orgRole: "editor" },
  { email: "editor@demo.cifal-jeju.example", displayName: "Demo editor (CIFAL Jeju)", role: "editor of CIFAL Jeju", org: "cifal-jeju", orgRole: "editor" },
] as const;

/**
 * Creates the demo accounts that are missing (never in production: the caller decides). Their
 * passwords are random, kept in `<dataDir>/demo-accounts.json` (mode 0600) so that they can be shown
 * again at every start.
 */
export async function seedDemoAccounts({ accounts, organisations }: Pick<Services, "accounts" | "organisations">, dataDir: string): Promise<DemoAccount[]> {
  const file = path.join(dataDir, "demo-accounts.json");
  let passwords: Record<string, string> = {};
  try {
    passwords = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  } catch {
    // first run
  }
  const out: DemoAccount[] = [];
  for (const demo of DEMO_ACCOUNTS) {
    // 96 random bits: strong, and short enough to type.
    passwords[demo.email] ??= `demo-${randomBytes(12).toString("base64url")}`;
    if (!(await accounts.findByEmail(demo.email))) {
      const organisation = demo.org ? await organisations.findBySlug(demo.org) : null;
      await accounts.create(
        {
          email: demo.email,
          displayName: demo.displayName,
          password: passwords[demo.email],
          organisationId: organisation?.id ?? null,
          organisationRole: demo.orgRole,
          siteRole: demo.role === "curator" ? "curator" : "none",
        },
        SYSTEM_ACTOR,
      );
    }
    out.push({ email: demo.email, password: passwords[demo.email], role: demo.role });
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(passwords, null, 2)}\n`, { mode: 0o600 });
  return out;
}
