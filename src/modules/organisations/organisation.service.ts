import type { DataSource, Repository } from "typeorm";
import { ValidationError } from "../../http/errors";
import type { Actor, AuditService } from "../audit/audit.service";
import { slugify } from "../catalogue/slug";
import { Country } from "../reference/reference.entities";
import { Organisation, OrganisationKind } from "./organisation.entity";

export interface NewOrganisation {
  name: string;
  shortName: string | null;
  kind: OrganisationKind;
  countryCode: string | null;
  website: string | null;
}

/** Organisations that own listings. */
export class OrganisationService {
  private readonly organisations: Repository<Organisation>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit?: AuditService,
  ) {
    this.organisations = dataSource.getRepository(Organisation);
  }

  /** Creates an organisation (a curator's act: it starts verified) with a free, stable slug. */
  async create(input: NewOrganisation, actor: Actor): Promise<Organisation> {
    const problems: Record<string, string> = {};
    if (input.countryCode && !(await this.dataSource.getRepository(Country).existsBy({ code: input.countryCode }))) problems.countryCode = "is not a known country";
    if (await this.organisations.existsBy({ name: input.name })) problems.name = "an organisation of this name exists already";
    if (Object.keys(problems).length) throw new ValidationError(problems);
    return this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(Organisation);
      const base = slugify(input.shortName && input.name.length > 60 ? input.shortName : input.name) || "organisation";
      let slug = base;
      for (let n = 2; await repo.existsBy({ slug }); n++) slug = `${base}-${n}`;
      const organisation = await repo.save(repo.create({ ...input, slug, verified: true, description: null, contactName: null, contactEmail: null }));
      await this.audit?.record(manager, actor, { action: "organisation.created", entityType: "organisation", entityId: organisation.id, organisationId: organisation.id, changes: { name: [null, organisation.name] } });
      return organisation;
    });
  }

  findBySlug(slug: string): Promise<Organisation | null> {
    return this.organisations.findOneBy({ slug });
  }

  findById(id: number): Promise<Organisation | null> {
    return this.organisations.findOneBy({ id });
  }

  listAll(): Promise<Organisation[]> {
    return this.organisations.find({ order: { name: "ASC" } });
  }
}
