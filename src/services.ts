import type { DataSource } from "typeorm";
import { AuditService } from "./modules/audit/audit.service";
import { CatalogueService } from "./modules/catalogue/catalogue.service";
import { TopicService } from "./modules/catalogue/topic.service";
import { OrganisationService } from "./modules/organisations/organisation.service";
import { ReferenceService } from "./modules/reference/reference.service";
import { SearchOutbox } from "./modules/search/search-outbox.service";

/** Every service of the app, wired by hand: each gets what it needs through its constructor. */
export function buildServices(dataSource: DataSource) {
  const audit = new AuditService();
  const outbox = new SearchOutbox();
  const reference = new ReferenceService(dataSource);
  const topics = new TopicService(dataSource);
  const organisations = new OrganisationService(dataSource);
  const catalogue = new CatalogueService(dataSource, topics, organisations, reference, audit, outbox);
  return { audit, outbox, reference, topics, organisations, catalogue };
}

export type Services = ReturnType<typeof buildServices>;
