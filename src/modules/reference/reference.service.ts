import type { DataSource, Repository } from "typeorm";
import { Audience, Country, Language } from "./reference.entities";

/** How long a value read from the reference data is reused. */
const REFERENCE_TTL_MS = 30_000;

/** Countries, languages and audiences: the reference data every listing points at. */
export class ReferenceService {
  private readonly countries: Repository<Country>;
  private readonly languages: Repository<Language>;
  private readonly audiences: Repository<Audience>;

  constructor(dataSource: DataSource) {
    this.countries = dataSource.getRepository(Country);
    this.languages = dataSource.getRepository(Language);
    this.audiences = dataSource.getRepository(Audience);
  }

  listLanguages(): Promise<Language[]> {
    return this.languages.find({ order: { name: "ASC" } });
  }

  findLanguage(tag: string): Promise<Language | null> {
    return this.languages.findOneBy({ tag });
  }

  listCountries(): Promise<Country[]> {
    return this.countries.find({ order: { name: "ASC" } });
  }

  findCountry(code: string): Promise<Country | null> {
    return this.countries.findOneBy({ code: code.toUpperCase() });
  }

  listAudiences(): Promise<Audience[]> {
    return this.audiences.find({ order: { position: "ASC" } });
  }

  /** Names by code, for presenters; read at most every 30 s (reference data hardly changes). */
  async countryNames(): Promise<Map<string, string>> {
    return this.cached("countries", async () => new Map((await this.listCountries()).map((c) => [c.code, c.name])));
  }

  /** Languages by tag, for presenters; read at most every 30 s. */
  async languageMap(): Promise<Map<string, Language>> {
    return this.cached("languages", async () => new Map((await this.listLanguages()).map((l) => [l.tag, l])));
  }

  private cache = new Map<string, { at: number; value: Promise<unknown> }>();

  /**
   * The one cache of what is read from the reference data (names of codes, the topic tree, what
   * search documents and search answers look up): each value is read again after 30 s, and a
   * failed read is not kept.
   */
  cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < REFERENCE_TTL_MS) return hit.value as Promise<T>;
    const value = load();
    this.cache.set(key, { at: Date.now(), value });
    // A failed read is not kept.
    value.catch(() => this.cache.delete(key));
    return value;
  }

  /** Forgets every cached value (after the taxonomy or reference data changed). */
  forget(): void {
    this.cache.clear();
  }
}
