import { forbidden } from '../../platform/errors';
import { belongsTo, hasOrganisationRole, hasPlatformRole, isPlatformStaff, type Identity } from '../../platform/identity';

/**
 * Who may see and do what in the members subgraph: every rule in one place, read by the services
 * and resolvers. Each rule takes the caller (`null` is anonymous) and says yes or no; `authorize`
 * turns a no into a FORBIDDEN error.
 *
 * Seeing
 * - People (names, job titles, roles): any signed-in caller, for every organisation. Anonymous
 *   callers get an empty `Organisation.people`, and `person` / Person `_entities` answer null:
 *   the public sees only the catalogue's public face, not who works where.
 * - Personal data (`Person.email`, `Person.phone`): the person's own organisation and platform
 *   staff (admins, assessors, analysts). Anyone else gets null for the field and a FORBIDDEN
 *   error, so a client can tell "hidden" from "not given".
 * - Membership details (`Organisation.membership`, with its audit trail): the organisation's own
 *   people and platform admins. Anyone else: null and FORBIDDEN.
 * - Open invitations: the organisation's admins and platform admins. Anyone else: null and FORBIDDEN.
 *
 * Doing
 * - Apply for membership, or leave it: the organisation's admins, or a platform admin.
 * - Decide memberships (approve, reject, suspend, reinstate, lapse): platform admins only.
 * - Manage people (invite, change roles, remove): the organisation's admins, or a platform admin.
 *   Platform roles are not granted through the graph; they are set for the body's own staff.
 *   People holding a platform role are managed by platform admins only: an admin of the body that
 *   runs the IPS may not remove or demote its analyst or assessor.
 * - Restrict invitations to verified email domains: the organisation's admins (only their own
 *   email's domain, or domains already listed) or a platform admin (any, and may lift it).
 * - Accept an invitation: whoever holds the token AND is signed in with a verified token for the
 *   invited address (a newcomer: no person has it yet). See InvitationService.accept.
 * - Any mutation at all: only people of ACTIVE member organisations, with a short allow-list
 *   (platform/active-membership.ts, applied by the subgraph server to every subgraph).
 */

export function canSeePeople(viewer: Identity): boolean {
  return viewer !== null;
}

export function canSeePersonalData(viewer: Identity, person: { organisationId: string }): boolean {
  return belongsTo(viewer, person.organisationId) || isPlatformStaff(viewer);
}

export function canSeeMembership(viewer: Identity, organisationId: string): boolean {
  return belongsTo(viewer, organisationId) || isPlatformAdmin(viewer);
}

export function canSeeInvitations(viewer: Identity, organisationId: string): boolean {
  return canManagePeople(viewer, organisationId);
}

export function canApplyForMembership(viewer: Identity, organisationId: string): boolean {
  return isAdminOf(viewer, organisationId) || isPlatformAdmin(viewer);
}

export function canLeaveMembership(viewer: Identity, organisationId: string): boolean {
  return isAdminOf(viewer, organisationId) || isPlatformAdmin(viewer);
}

export function canDecideMemberships(viewer: Identity): boolean {
  return isPlatformAdmin(viewer);
}

export function canManagePeople(viewer: Identity, organisationId: string): boolean {
  return isAdminOf(viewer, organisationId) || isPlatformAdmin(viewer);
}

/** Changing or removing this person: their organisation's admins, unless they hold a platform role. */
export function canManagePerson(viewer: Identity, person: { organisationId: string; platformRoles: readonly string[] }): boolean {
  return person.platformRoles.length === 0 ? canManagePeople(viewer, person.organisationId) : isPlatformAdmin(viewer);
}

function isPlatformAdmin(viewer: Identity): boolean {
  return hasPlatformRole(viewer, 'PLATFORM_ADMIN');
}

function isAdminOf(viewer: Identity, organisationId: string): boolean {
  return belongsTo(viewer, organisationId) && hasOrganisationRole(viewer, 'ORG_ADMIN');
}

/** Throws FORBIDDEN unless the rule allowed it; `asserts` lets callers continue as if it had. */
export function authorize(allowed: boolean, message: string): asserts allowed {
  if (!allowed) throw forbidden(message);
}
