import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { DataSource } from "typeorm";
import { z } from "zod";
import type { AccountService } from "../modules/accounts/account.service";
import { SYSTEM_ACTOR } from "../modules/audit/audit.service";
import type { CatalogueService } from "../modules/catalogue/catalogue.service";
import { SESSION_STATUSES } from "../modules/catalogue/course-session.entity";
import { Topic } from "../modules/catalogue/topic.entity";
import { audienceSlug, DELIVERY_MODES, RESOURCE_KINDS } from "../modules/catalogue/vocabulary";
import { Organisation, ORGANISATION_KINDS, OrganisationKind } from "../modules/organisations/organisation.entity";
import { Audience, Country, Language } from "../modules/reference/reference.entities";
import { slugify } from "../modules/catalogue/slug";
import { LINK_RELATIONS, LinkRelation, ReportItem } from "../modules/reports/report.entities";
import type { ReportService } from "../modules/reports/report.service";
import { Resource } from "../modules/catalogue/resource.entity";

/** The project's `seeds/` folder. */
export const SEEDS_DIR = path.resolve(__dirname, "../../seeds");

const readJson = (file: string): unknown => JSON.parse(readFileSync(path.join(SEEDS_DIR, file), "utf8"));

const membersSchema = z.object({
  states: z.array(z.object({ code: z.string().length(3), name: z.string() })),
  internationalOrganisations: z.array(z.object({ code: z.string(), name: z.string() })),
  bodiesNamedInTheOctober2017Report: z.array(
    z.object({ code: z.string(), name: z.string(), country: z.string().length(3).optional(), kind: z.string().optional() }),
  ),
});

const languagesSchema = z.object({
  languages: z.array(z.object({ tag: z.string(), name: z.string(), native: z.string(), script: z.string(), noSpaces: z.boolean().optional() })),
});

const topicsSchema = z.object({
  topics: z.array(
    z.object({
      slug: z.string(),
      name: z.string(),
      aka: z.array(z.string()).optional(),
      children: z.array(z.object({ slug: z.string(), name: z.string(), aka: z.array(z.string()).optional() })),
    }),
  ),
  audiences: z.array(z.string()),
});

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const demoSchema = z.object({
  resources: z.array(
    z.object({
      slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
      kind: z.enum(RESOURCE_KINDS),
      title: z.string().min(1),
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
  extraOrganisations: z.array(
    z.object({ code: z.string(), name: z.string(), kind: z.enum(ORGANISATION_KINDS), country: z.string().length(3).nullable() }),
  ),
});

/** The kind of each body the 2017 report names, in the catalogue's terms. */
function organisationKind(kind: string | undefined): OrganisationKind {
  switch (kind) {
    case "training institution":
      return "training-institution";
    case "funding agency":
      return "member-state-agency";
    default:
      return "other";
  }
}

/** Slug of an organisation from its code ("CIFAL-Jeju" → "cifal-jeju", "TIPs WG" → "tips-wg"). */
export const organisationSlug = (code: string) => slugify(code);

export interface SeedCounts {
  created: Record<string, number>;
}

/**
 * Loads the reference data: countries, languages, audiences, the topic taxonomy and the
 * organisations the region's reference names. Adds what is missing and never overwrites a row,
 * so that running it again changes nothing and curators' later edits stay.
 */
export async function seedReferenceData(dataSource: DataSource): Promise<SeedCounts> {
  const members = membersSchema.parse(readJson("reference/members.json"));
  const languages = languagesSchema.parse(readJson("reference/languages.json"));
  const taxonomy = topicsSchema.parse(readJson("reference/topics.json"));
  const created: Record<string, number> = { countries: 0, languages: 0, audiences: 0, topics: 0, organisations: 0 };

  await dataSource.transaction(async (manager) => {
    const countries = manager.getRepository(Country);
    for (const state of members.states) {
      if (!(await countries.existsBy({ code: state.code }))) {
        await countries.insert({ code: state.code, name: state.name, isMember: true });
        created.countries++;
      }
    }

    const languageRepo = manager.getRepository(Language);
    for (const l of languages.languages) {
      if (!(await languageRepo.existsBy({ tag: l.tag }))) {
        await languageRepo.insert({ tag: l.tag, name: l.name, nativeName: l.native, script: l.script, noSpaces: l.noSpaces ?? false });
        created.languages++;
      }
    }

    const audiences = manager.getRepository(Audience);
    for (const [position, name] of taxonomy.audiences.entries()) {
      const slug = audienceSlug(name);
      if (!(await audiences.existsBy({ slug }))) {
        await audiences.insert({ slug, name, position });
        created.audiences++;
      }
    }

    const topics = manager.getRepository(Topic);
    for (const [position, root] of taxonomy.topics.entries()) {
      let parent = await topics.findOneBy({ slug: root.slug });
      if (!parent) {
        parent = await topics.save(topics.create({ slug: root.slug, name: root.name, parentId: null, synonyms: root.aka ?? [], position }));
        created.topics++;
      }
      for (const [childPosition, child] of root.children.entries()) {
        if (!(await topics.existsBy({ slug: child.slug }))) {
          await topics.insert({ slug: child.slug, name: child.name, parentId: parent.id, synonyms: child.aka ?? [], position: childPosition });
          created.topics++;
        }
      }
    }

    const organisations = manager.getRepository(Organisation);
    const bodies = [
      ...members.internationalOrganisations.map((o) => ({ code: o.code, name: o.name, kind: "international-organisation" as OrganisationKind, country: null })),
      ...members.bodiesNamedInTheOctober2017Report.map((b) => ({ code: b.code, name: b.name, kind: organisationKind(b.kind), country: b.country ?? null })),
    ];
    for (const body of bodies) {
      const slug = organisationSlug(body.code);
      if (!(await organisations.existsBy({ slug }))) {
        await organisations.insert({ slug, name: body.name, shortName: body.code, kind: body.kind, countryCode: body.country, verified: true });
        created.organisations++;
      }
    }
  });
  return { created };
}

/**
 * Loads the demo catalogue: the training resources the October 2017 AHG progress report describes.
 * A listing whose slug exists already is left as it is.
 */
export async function seedDemoCatalogue(dataSource: DataSource, catalogue: CatalogueService): Promise<SeedCounts> {
  const demo = demoSchema.parse(readJson("demo-catalogue.json"));
  const created: Record<string, number> = { organisations: 0, resources: 0 };
  const organisations = dataSource.getRepository(Organisation);

  for (const extra of demo.extraOrganisations) {
    const slug = organisationSlug(extra.code);
    if (!(await organisations.existsBy({ slug }))) {
      await organisations.insert({ slug, name: extra.name, shortName: extra.code, kind: extra.kind, countryCode: extra.country, verified: true });
      created.organisations++;
    }
  }

  for (const r of demo.resources) {
    if (await catalogue.existsSlug(r.slug)) continue;
    const owner = await organisations.findOneBy({ slug: organisationSlug(r.owner) });
    if (!owner) throw new Error(`demo-catalogue.json: ${r.slug} names owner "${r.owner}", which is not a known organisation`);
    await catalogue.create(
      {
        slug: r.slug,
        kind: r.kind,
        title: r.title,
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
export async function seedDemoReport(dataSource: DataSource, reports: ReportService): Promise<SeedCounts> {
  const created: Record<string, number> = { reports: 0, links: 0 };
  let report = await reports.findBySlug(DEMO_REPORT.slug);
  if (!report) {
    report = (await reports.importReport(readFileSync(path.join(SEEDS_DIR, DEMO_REPORT.file), "utf8"), { slug: DEMO_REPORT.slug, publishedOn: DEMO_REPORT.publishedOn, format: "text" }, SYSTEM_ACTOR)).report;
    created.reports++;
  }
  const demo = demoSchema.parse(readJson("demo-catalogue.json"));
  const items = new Map((await dataSource.getRepository(ReportItem).find({ where: { reportId: report.id }, relations: { links: true } })).map((i) => [i.number, i]));
  for (const r of demo.resources) {
    const resource = await dataSource.getRepository(Resource).findOneBy({ slug: r.slug });
    if (!resource) continue;
    for (const ref of r.reportItems) {
      const item = items.get(ref.number);
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
export async function seedDemoAccounts(dataSource: DataSource, accounts: AccountService, dataDir: string): Promise<DemoAccount[]> {
  const file = path.join(dataDir, "demo-accounts.json");
  let passwords: Record<string, string> = {};
  try {
    passwords = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  } catch {
    // first run
  }
  const organisations = dataSource.getRepository(Organisation);
  const out: DemoAccount[] = [];
  for (const demo of DEMO_ACCOUNTS) {
    // 96 random bits: strong, and short enough to type.
    passwords[demo.email] ??= `demo-${randomBytes(12).toString("base64url")}`;
    if (!(await accounts.findByEmail(demo.email))) {
      const organisation = demo.org ? await organisations.findOneBy({ slug: demo.org }) : null;
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
