import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import type { ResourceInput } from "../../src/modules/catalogue/catalogue.service";
import type { Resource } from "../../src/modules/catalogue/resource.entity";
import { Organisation } from "../../src/modules/organisations/organisation.entity";
import type { TestApp } from "./app";

let sequence = 0;
const next = () => ++sequence;

/** An organisation with sensible defaults; any field can be given. */
export async function buildOrganisation(t: Pick<TestApp, "dataSource">, fields: Partial<Organisation> = {}): Promise<Organisation> {
  const n = next();
  const repo = t.dataSource.getRepository(Organisation);
  return repo.save(
    repo.create({
      slug: `test-organisation-${n}`,
      name: `Test Organisation ${n}`,
      shortName: `TO${n}`,
      kind: "training-institution",
      countryCode: null,
      verified: true,
      ...fields,
    }),
  );
}

/** A published public listing; owned by a new organisation unless `ownerId` is given. */
export async function buildResource(t: Pick<TestApp, "dataSource" | "services">, fields: Partial<ResourceInput> = {}): Promise<Resource> {
  const n = next();
  const ownerId = fields.ownerId ?? (await buildOrganisation(t)).id;
  return t.services.catalogue.create(
    {
      kind: "course",
      title: `Test course ${n}`,
      summary: `Summary of test course ${n}`,
      status: "published",
      visibility: "public",
      ...fields,
      ownerId,
    },
    SYSTEM_ACTOR,
  );
}

/** A date `days` from today (UTC), YYYY-MM-DD. */
export function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
