import { rowJsonOf } from "../catalogue/listing-fields";
import type { ListingRepository } from "../catalogue/listing.repository";
import type { Resource } from "../catalogue/resource.entity";
import { ListingRowJson } from "./listing-row";

const BATCH = 500;

/** A saved listing as one row of the import format; `withOrganisation` names its owner by slug (exports of several organisations). */
export function rowOf(resource: Resource, withOrganisation: boolean): ListingRowJson {
  const row: ListingRowJson = { externalId: resource.externalId ?? `listing-${resource.id}`, kind: resource.kind, title: resource.title, topics: [] };
  if (withOrganisation && resource.owner) row.organisation = resource.owner.slug;
  if (resource.languageTag) row.language = resource.languageTag;
  // Every scalar field of the registry (listing-fields.ts), nested ones in their object.
  Object.assign(row, rowJsonOf(resource));
  if (resource.url) row.url = resource.url;
  row.topics = (resource.topics ?? []).map((t) => t.slug).sort();
  const audiences = (resource.audiences ?? []).map((a) => a.slug).sort();
  if (audiences.length) row.audiences = audiences;
  const editions = [...(resource.editions ?? [])].sort((a, b) => a.languageTag.localeCompare(b.languageTag) || a.id - b.id);
  if (editions.length) {
    row.editions = editions.map((e) => ({ language: e.languageTag, ...(e.title ? { title: e.title } : {}), ...(e.url ? { url: e.url } : {}), ...(e.format ? { format: e.format } : {}) }));
  }
  const sessions = [...(resource.sessions ?? [])].sort((a, b) => a.startDate.localeCompare(b.startDate) || a.id - b.id);
  if (sessions.length) {
    row.sessions = sessions.map((s) => ({
      start: s.startDate,
      ...(s.endDate ? { end: s.endDate } : {}),
      ...(s.city ? { city: s.city } : {}),
      ...(s.countryCode ? { country: s.countryCode } : {}),
      ...(s.online ? { online: true } : {}),
      ...(s.languageTag ? { language: s.languageTag } : {}),
      status: s.status,
      ...(s.venue ? { venue: s.venue } : {}),
      ...(s.timeZone ? { timeZone: s.timeZone } : {}),
      ...(s.capacity !== null && s.capacity !== undefined ? { capacity: s.capacity } : {}),
      ...(s.seatsPerCountry !== null && s.seatsPerCountry !== undefined ? { seatsPerCountry: s.seatsPerCountry } : {}),
      ...(s.applicationOpens ? { applicationOpens: s.applicationOpens } : {}),
      ...(s.applicationDeadline ? { applicationDeadline: s.applicationDeadline } : {}),
      ...(s.interpretationLanguages?.length ? { interpretation: [...s.interpretationLanguages] } : {}),
    }));
  }
  row.visibility = resource.visibility;
  // Awaiting review is the catalogue's step, not the owner's: the owner asked for it to be published.
  row.status = resource.status === "pending" ? "published" : resource.status;
  return row;
}

/**
 * Exports listings in the import format, so that an export imported again changes nothing. A
 * listing that was never given an `externalId` is exported as `listing-<id>`; importing that file
 * back creates copies, which the owner can avoid by setting ids first.
 */
export class ListingExporter {
  constructor(private readonly listings: ListingRepository) {}

  /** Every listing of one organisation, or of all organisations (null: a curator's export). */
  async rows(ownerId: number | null): Promise<ListingRowJson[]> {
    const ids = await this.listings.idsOfOwner(ownerId);
    const rows: ListingRowJson[] = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      for (const resource of await this.listings.findFull(ids.slice(i, i + BATCH))) rows.push(rowOf(resource, ownerId === null));
    }
    return rows;
  }
}
