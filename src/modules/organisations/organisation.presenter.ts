import type { Organisation } from "./organisation.entity";

const KIND_NAMES: Record<Organisation["kind"], string> = {
  "member-state-agency": "Member state agency",
  "international-organisation": "International organisation",
  "training-institution": "Training institution",
  other: "Regional body or working group",
};

/** An organisation as pages and the API show it. */
export function presentOrganisation(organisation: Organisation, countries: Map<string, string>, listings = 0) {
  return {
    slug: organisation.slug,
    path: `/organisations/${organisation.slug}`,
    name: organisation.name,
    shortName: organisation.shortName,
    kind: organisation.kind,
    kindName: KIND_NAMES[organisation.kind] ?? organisation.kind,
    country: organisation.countryCode ? (countries.get(organisation.countryCode) ?? organisation.countryCode) : null,
    countryCode: organisation.countryCode,
    website: organisation.website,
    description: organisation.description,
    contactName: organisation.contactName,
    contactEmail: organisation.contactEmail,
    verified: organisation.verified,
    listings,
  };
}

export type OrganisationView = ReturnType<typeof presentOrganisation>;
