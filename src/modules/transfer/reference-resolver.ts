import type { EntityManager } from "typeorm";
import { nameKey } from "../../http/compare";
import { Topic } from "../catalogue/topic.entity";
import { kindName, RESOURCE_KINDS } from "../catalogue/vocabulary";
import { Organisation } from "../organisations/organisation.entity";
import { Audience, Country, Language } from "../reference/reference.entities";

/** A lookup of one vocabulary by code and by name, with the accepted values for error messages. */
class Vocabulary<T> {
  private readonly byKey = new Map<string, T>();

  constructor(
    readonly noun: string,
    private readonly accepted: string[],
  ) {}

  add(names: Array<string | null | undefined>, value: T): void {
    for (const name of names) if (name && !this.byKey.has(nameKey(name))) this.byKey.set(nameKey(name), value);
  }

  find(value: string): T | undefined {
    return this.byKey.get(nameKey(value));
  }

  /** "\"Smugling\" is not a known topic; accepted: ...". */
  unknown(value: string): string {
    if (this.accepted.length === 0) return `"${value}" is not a known ${this.noun}: this database has none yet (load the reference data with npm run seed)`;
    return `"${value}" is not a known ${this.noun}; accepted: ${this.accepted.join(", ")} (or their names)`;
  }
}

/**
 * Resolves the names and codes people write in an import file (a topic's slug, name or acronym; a
 * language's tag, English or own name; a country's code or name) to the reference data.
 */
export class ReferenceResolver {
  readonly topics: Vocabulary<Topic>;
  readonly audiences: Vocabulary<Audience>;
  readonly languages: Vocabulary<Language>;
  readonly countries: Vocabulary<Country>;
  readonly kinds: Vocabulary<string>;
  private readonly organisationList: Organisation[];
  /** The catalogue's languages with their scripts, for suggesting a listing's language. */
  readonly languageList: Language[];

  private constructor(data: { topics: Topic[]; audiences: Audience[]; languages: Language[]; countries: Country[]; organisations: Organisation[] }) {
    this.topics = new Vocabulary(
      "topic",
      data.topics.map((t) => t.slug),
    );
    for (const t of data.topics) this.topics.add([t.slug, t.name], t);
    for (const t of data.topics) this.topics.add(t.synonyms ?? [], t);
    this.audiences = new Vocabulary(
      "audience",
      data.audiences.map((a) => a.slug),
    );
    for (const a of data.audiences) this.audiences.add([a.slug, a.name], a);
    this.languages = new Vocabulary(
      "language",
      data.languages.map((l) => l.tag),
    );
    for (const l of data.languages) this.languages.add([l.tag, l.name, l.nativeName], l);
    this.countries = new Vocabulary(
      "country",
      data.countries.map((c) => c.code),
    );
    for (const c of data.countries) this.countries.add([c.code, c.name], c);
    this.kinds = new Vocabulary("kind", [...RESOURCE_KINDS]);
    for (const k of RESOURCE_KINDS) this.kinds.add([k, kindName(k)], k);
    this.organisationList = data.organisations;
    this.languageList = data.languages;
  }

  /**
   * The organisation a row names: by slug first, then by name, then by acronym (whatever the case).
   * A name or acronym that several organisations share names none of them: it is reported as
   * ambiguous, never guessed.
   */
  organisation(value: string): { found: Organisation } | { ambiguous: Organisation[] } | null {
    const wanted = nameKey(value);
    for (const field of ["slug", "name", "shortName"] as const) {
      const matches = this.organisationList.filter((o) => o[field] !== null && nameKey(o[field]!) === wanted);
      if (matches.length === 1) return { found: matches[0] };
      if (matches.length > 1) return { ambiguous: matches };
    }
    return null;
  }

  static async load(manager: EntityManager): Promise<ReferenceResolver> {
    const [topics, audiences, languages, countries, organisations] = await Promise.all([
      manager.getRepository(Topic).find({ order: { position: "ASC", id: "ASC" } }),
      manager.getRepository(Audience).find({ order: { position: "ASC" } }),
      manager.getRepository(Language).find({ order: { tag: "ASC" } }),
      manager.getRepository(Country).find({ order: { code: "ASC" } }),
      manager.getRepository(Organisation).find({ order: { id: "ASC" } }),
    ]);
    return new ReferenceResolver({ topics, audiences, languages, countries, organisations });
  }
}
