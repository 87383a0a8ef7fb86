import type { User } from "./user.entity";

/**
 * Who may do what: plain functions, in one place, used by pages and API alike.
 * `null` is a visitor (not signed in).
 */
export type Viewer = Pick<User, "id" | "organisationId" | "organisationRole" | "siteRole" | "disabled"> | null;

/** Something owned by an organisation (a listing, an edition's listing, an audit trail). */
export interface Owned {
  ownerId: number;
}

const active = (user: Viewer): user is NonNullable<Viewer> => user !== null && !user.disabled;

export const isCurator = (user: Viewer): boolean => active(user) && user.siteRole === "curator";

/** Member of the organisation, in any role. */
export const belongsTo = (user: Viewer, organisationId: number): boolean =>
  active(user) && user.organisationId === organisationId && (user.organisationRole === "admin" || user.organisationRole === "editor");

export const isAdminOf = (user: Viewer, organisationId: number): boolean => active(user) && user.organisationId === organisationId && user.organisationRole === "admin";

/** Signed in as a member of some organisation or as a curator: may see members-only listings. */
export const isMember = (user: Viewer): boolean => isCurator(user) || (active(user) && user.organisationId !== null && user.organisationRole !== null);

/** May open the workspace of listings at all. */
export const canUseWorkspace = (user: Viewer): boolean => isMember(user);

/** May create listings for this organisation. */
export const canCreateListingFor = (user: Viewer, organisationId: number): boolean => isCurator(user) || belongsTo(user, organisationId);

/** May read a listing in any status (drafts included), edit, publish, unpublish or archive it. */
export const canManageListing = (user: Viewer, listing: Owned): boolean => isCurator(user) || belongsTo(user, listing.ownerId);

/** May read the audit trail of an organisation's listings. */
export const canViewAudit = (user: Viewer, organisationId: number): boolean => isCurator(user) || isAdminOf(user, organisationId);

/** May change the organisation's profile and invite its people. */
export const canManageOrganisation = (user: Viewer, organisationId: number): boolean => isCurator(user) || isAdminOf(user, organisationId);

/** May create organisations, verify them, and moderate any listing. */
export const canCurate = (user: Viewer): boolean => isCurator(user);

/** How the catalogue sees this person: members also find members-only listings. */
export const catalogueViewer = (user: Viewer): { member: boolean } => ({ member: isMember(user) });
