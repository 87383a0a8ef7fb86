import topicsReference from "../../../seeds/reference/topics.json";

/**
 * The controlled vocabularies of a listing, read from the reference data in `seeds/reference/`.
 */
export const RESOURCE_KINDS = topicsReference.resourceKinds.map((k) => k.slug) as [string, ...string[]];
export type ResourceKind = string;

export const DELIVERY_MODES = topicsReference.deliveryModes as [string, ...string[]];
export type DeliveryMode = string;

const kindNames = new Map(topicsReference.resourceKinds.map((k) => [k.slug, k.name]));
const kindSchemaOrg = new Map(topicsReference.resourceKinds.map((k) => [k.slug, k.schemaOrg]));

/** "quick-reference-guide" → "Quick reference guide". */
export function kindName(kind: string): string {
  return kindNames.get(kind) ?? kind;
}

/** The schema.org type a kind is published as. */
export function kindSchemaOrgType(kind: string): string {
  return kindSchemaOrg.get(kind) ?? "LearningResource";
}

const modeNames: Record<string, string> = {
  "in-person": "In person",
  "online-live": "Online, live",
  "self-paced-online": "Online, self-paced",
  blended: "Blended",
  printed: "Printed",
};

export function deliveryModeName(mode: string): string {
  return modeNames[mode] ?? mode;
}

export const AUDIENCES = topicsReference.audiences;

/** Audience slugs are the names, kebab-cased. */
export function audienceSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
