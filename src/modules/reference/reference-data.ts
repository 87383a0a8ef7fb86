import { readFileSync } from "node:fs";
import path from "node:path";
import type { DataSource } from "typeorm";
import { z } from "zod";
import { Topic } from "../catalogue/topic.entity";
import { audienceSlug } from "../catalogue/vocabulary";
import type { OrganisationKind } from "../organisations/organisation.entity";
import type { OrganisationService } from "../organisations/organisation.service";
import { Audience, Country, Language } from "./reference.entities";

/** The project's `seeds/` folder. */
export const SEEDS_DIR = path.resolve(__dirname, "../../../seeds");

/** A JSON file of `seeds/`. */
export const readSeedJson = (file: string): unknown => JSON.parse(readFileSync(path.join(SEEDS_DIR, file), "utf8"));

const membersSchema = z.object({
  states: z.array(z.object({ code: z.string().length(3), name: z.string() })),
  internationalOrganisations: z.array(z.object({ code: z.string(), name: z.string() })),
  bodiesNamedInTheOctober2017Report: z.array(z.object({ code: z.string(), name: z.string(), country: z.string().length(3).optional(), kind: z.string().optional() })),
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

export interface SeedCounts {
  created: Record<string, number>;
}

/**
 * Loads the reference data of `seeds/reference/`: countries, languages, audiences, the topic
 * taxonomy and the organisations the region's reference names (through the organisations service).
 * Adds what is missing and never overwrites a row, so that running it again changes nothing and
 * curators' later edits stay.
 */
export class ReferenceDataLoader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly organisations: OrganisationService,
  ) {}

  async load(): Promise<SeedCounts> {
    const members = membersSchema.parse(readSeedJson("reference/members.json"));
    const languages = languagesSchema.parse(readSeedJson("reference/languages.json"));
    const taxonomy = topicsSchema.parse(readSeedJson("reference/topics.json"));
    const created: Record<string, number> = { countries: 0, languages: 0, audiences: 0, topics: 0, organisations: 0 };

    await this.dataSource.transaction(async (manager) => {
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

      created.organisations += await this.organisations.ensureKnown(
        [
          ...members.internationalOrganisations.map((o) => ({ code: o.code, name: o.name, kind: "international-organisation" as OrganisationKind, countryCode: null })),
          ...members.bodiesNamedInTheOctober2017Report.map((b) => ({ code: b.code, name: b.name, kind: organisationKind(b.kind), countryCode: b.country ?? null })),
        ],
        manager,
      );
    });
    return { created };
  }
}
