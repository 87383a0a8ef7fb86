import type { DataSource, Repository } from "typeorm";
import { Organisation } from "./organisation.entity";

/** Organisations that own listings. */
export class OrganisationService {
  private readonly organisations: Repository<Organisation>;

  constructor(dataSource: DataSource) {
    this.organisations = dataSource.getRepository(Organisation);
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
