import type { DataSource, EntityManager, Repository } from "typeorm";
import { nameKey } from "../../http/compare";
import { NotFoundError, ValidationError } from "../../http/errors";
import { canManageOrganisation, isCurator, type Viewer as PolicyViewer } from "../accounts/policies";
import type { Actor, AuditService } from "../audit/audit.service";
import type { ListingRepository } from "../catalogue/listing.repository";
import { SlugAllocator, slugify } from "../catalogue/slug";
import { Country } from "../reference/reference.entities";
import type { SearchOutbox } from "../search/search-outbox.service";
import { Organisation, OrganisationKind } from "./organisation.entity";
import { message } from "../../i18n/message";

/** Slug of an organisation from its code ("CIFAL-Jeju" → "cifal-jeju", "TIPs WG" → "tips-wg"). */
export const organisationSlug = (code: string) => slugify(code);

export interface NewOrganisation {
  name: string;
  shortName: string | null;
  kind: OrganisationKind;
  countryCode: string | null;
  website: string | null;
}

/** What an organisation says about itself on its public page. */
export interface OrganisationProfile {
  name: string;
  shortName: string | null;
  kind: OrganisationKind;
  countryCode: string | null;
  website: string | null;
  description: string | null;
  contactName: string | null;
  contactEmail: string | null;
}

/** Organisations that own listings. */
export class OrganisationService {
  private readonly organisations: Repository<Organisation>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly listings: ListingRepository,
    private readonly audit?: AuditService,
    private readonly outbox?: SearchOutbox,
  ) {
    this.organisations = dataSource.getRepository(Organisation);
  }

  /**
   * Names and acronyms identify organisations in imports and in reports' "who": neither may be
   * another organisation's name, acronym or slug, whatever the case.
   */
  private async clashes(fields: { name?: string; shortName?: string | null }, exceptId: number | null): Promise<Record<string, string>> {
    const others = (await this.organisations.find()).filter((o) => o.id !== exceptId);
    const taken = (value: string) => others.find((o) => [o.name, o.shortName, o.slug].some((n) => n !== null && nameKey(n) === nameKey(value)));
    const problems: Record<string, string> = {};
    const byName = fields.name ? taken(fields.name) : undefined;
    if (byName) problems.name = message("organisations.errors.usedBy", { organisation: byName.name });
    const byAcronym = fields.shortName ? taken(fields.shortName) : undefined;
    if (byAcronym) problems.shortName = message("organisations.errors.usedBy", { organisation: byAcronym.name });
    return problems;
  }

  /** Creates an organisation (a curator's act: it starts verified) with a free, stable slug. */
  async create(input: NewOrganisation, actor: Actor): Promise<Organisation> {
    const problems: Record<string, string> = {};
    if (input.countryCode && !(await this.dataSource.getRepository(Country).existsBy({ code: input.countryCode }))) problems.countryCode = message("listing.errors.unknownCountry");
    Object.assign(problems, await this.clashes(input, null));
    if (Object.keys(problems).length) throw new ValidationError(problems);
    return this.dataSource.transaction(async (manager) => {
      const [organisation] = await this.insert(manager, [{ ...input, verified: true }], actor);
      return organisation;
    });
  }

  /**
   * Organisations an import names that are not known yet, created unverified (a curator verifies
   * them later), one per name, in the caller's transaction.
   */
  async createUnverified(manager: EntityManager, names: string[], actor: Actor): Promise<Organisation[]> {
    return this.insert(
      manager,
      names.map((name) => ({ name: name.slice(0, 200), shortName: name.length <= 12 && !/\s/.test(name) ? name : null, kind: "other" as const, countryCode: null, website: null, verified: false })),
      actor,
    );
  }

  /**
   * The organisations the reference data and the demo catalogue name, each under the slug of its
   * code, created verified when missing; an existing one is left as it is (curators may have edited
   * it). Returns how many were created.
   */
  async ensureKnown(bodies: Array<{ code: string; name: string; kind: OrganisationKind; countryCode: string | null }>, manager?: EntityManager): Promise<number> {
    if (!manager) return this.dataSource.transaction((m) => this.ensureKnown(bodies, m));
    let created = 0;
    const repo = manager.getRepository(Organisation);
    for (const body of bodies) {
      const slug = organisationSlug(body.code);
      if (await repo.existsBy({ slug })) continue;
      await repo.insert({ slug, name: body.name, shortName: body.code, kind: body.kind, countryCode: body.countryCode, verified: true });
      created++;
    }
    return created;
  }

  /** Inserts organisations with free, stable slugs and audits their creation. */
  private async insert(manager: EntityManager, inputs: Array<NewOrganisation & { verified: boolean }>, actor: Actor): Promise<Organisation[]> {
    if (inputs.length === 0) return [];
    const repo = manager.getRepository(Organisation);
    const slugs = new SlugAllocator(new Set((await repo.find({ select: { slug: true } })).map((o) => o.slug)), "organisation");
    const out: Organisation[] = [];
    for (const input of inputs) {
      const slug = slugs.next(slugify(input.shortName && input.name.length > 60 ? input.shortName : input.name));
      const organisation = await repo.save(repo.create({ ...input, slug, description: null, contactName: null, contactEmail: null }));
      await this.audit?.record(manager, actor, {
        action: "organisation.created",
        entityType: "organisation",
        entityId: organisation.id,
        organisationId: organisation.id,
        changes: { name: [null, organisation.name], ...(input.verified ? {} : { verified: [null, false] }) },
      });
      out.push(organisation);
    }
    return out;
  }

  /**
   * Changes an organisation's profile (its admins' and the curators' act) and audits which fields
   * changed. Fields left out stay as they are.
   */
  async update(id: number, fields: Partial<OrganisationProfile>, actor: Actor): Promise<Organisation> {
    const problems: Record<string, string> = {};
    if (fields.countryCode && !(await this.dataSource.getRepository(Country).existsBy({ code: fields.countryCode }))) problems.countryCode = message("listing.errors.unknownCountry");
    Object.assign(problems, await this.clashes(fields, id));
    if (Object.keys(problems).length) throw new ValidationError(problems);
    const saved = await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(Organisation);
      const organisation = await repo.findOneBy({ id });
      if (!organisation) throw new NotFoundError(message("errors.notFound.organisation"));
      const changes: Record<string, [unknown, unknown]> = {};
      for (const [key, value] of Object.entries(fields) as Array<[keyof OrganisationProfile, unknown]>) {
        if (value !== undefined && organisation[key] !== value) changes[key] = [organisation[key], value];
      }
      if (Object.keys(changes).length === 0) return organisation;
      Object.assign(organisation, fields);
      await repo.save(organisation);
      await this.audit?.record(manager, actor, { action: "organisation.updated", entityType: "organisation", entityId: id, organisationId: id, changes });
      // Its listings' search documents carry the owner's name, acronym and country.
      if (this.outbox && ["name", "shortName", "countryCode"].some((key) => key in changes)) {
        await this.outbox.enqueueMany(manager, await this.listings.idsOfOwner(id, manager));
      }
      return organisation;
    });
    this.outbox?.notify();
    return saved;
  }

  /** Marks an organisation verified by the RSO, or takes that back (curators only). */
  async setVerified(id: number, verified: boolean, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const organisation = await manager.getRepository(Organisation).findOneBy({ id });
      if (!organisation) throw new NotFoundError(message("errors.notFound.organisation"));
      if (organisation.verified === verified) return;
      await manager.getRepository(Organisation).update({ id }, { verified });
      await this.audit?.record(manager, actor, {
        action: verified ? "organisation.verified" : "organisation.unverified",
        entityType: "organisation",
        entityId: id,
        organisationId: id,
        changes: { verified: [!verified, verified] },
      });
    });
  }

  /**
   * The organisation this person manages: their own, or for a curator the one `slug` names; null
   * when there is none they may manage.
   */
  async managedBy(user: PolicyViewer, slug: string | null): Promise<Organisation | null> {
    const organisation = isCurator(user) && slug ? await this.findBySlug(slug) : user?.organisationId ? await this.findById(user.organisationId) : null;
    return organisation && canManageOrganisation(user, organisation.id) ? organisation : null;
  }

  findBySlug(slug: string): Promise<Organisation | null> {
    return this.organisations.findOneBy({ slug });
  }

  findById(id: number): Promise<Organisation | null> {
    return this.organisations.findOneBy({ id });
  }

  /** Every organisation with how many listings it has (any status), unverified ones first. */
  async listForCuration(): Promise<Array<{ organisation: Organisation; listings: number }>> {
    const [all, counts] = await Promise.all([this.organisations.find({ order: { verified: "ASC", name: "ASC" } }), this.listings.countByOwnerAnyStatus()]);
    return all.map((organisation) => ({ organisation, listings: counts.get(organisation.id) ?? 0 }));
  }

  listAll(): Promise<Organisation[]> {
    return this.organisations.find({ order: { name: "ASC" } });
  }
}
