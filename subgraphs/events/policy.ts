import { belongsTo, hasOrganisationRole, hasPlatformRole, isActiveMember, isPlatformStaff, type Identity } from '../../platform/identity';
import type { EventAudience, EventStatus, RegistrationStatus, SupportRequestStatus } from './generated/graphql';

/**
 * Who may see which event. The one place the rule lives: every path that returns events
 * (`events`, `event(id)`, `_entities`, `Organisation.hostedEvents` and its totalCount) filters in
 * SQL with `visibleEventCondition`, built from `eventVisibility(viewer)` once per request.
 *
 * - DRAFT events: only PLATFORM_ADMIN and people of a host organisation.
 * - Other events (SCHEDULED, COMPLETED, CANCELLED), by audience:
 *   - PUBLIC: everyone, anonymous included;
 *   - ALL_MEMBERS: people whose organisation is an ACTIVE member;
 *   - SUPPLIERS: active members whose organisation is a SUPPLIER;
 *   - BUYERS: active members whose organisation is a buyer (any kind but SUPPLIER, ACADEMIC,
 *     TRADE_BODY: councils, combined authorities, national bodies);
 *   - any audience: platform staff (PLATFORM_ADMIN, ASSESSOR, ANALYST).
 * - People of a host organisation see every event their organisation hosts, whatever its status
 *   or audience (they organise it, drafts included).
 *
 * An invisible event is indistinguishable from a missing one: null by id and in `_entities`,
 * absent from lists and from their totalCount. Filters only narrow what is visible.
 */
export interface EventVisibility {
  /** PLATFORM_ADMIN: every event, drafts included. */
  everything: boolean;
  /** Non-draft events with these audiences are visible. */
  audiences: EventAudience[];
  /** Events this organisation hosts are visible in any status and audience; null when anonymous. */
  hostOrganisationId: string | null;
}

const allAudiences: EventAudience[] = ['PUBLIC', 'ALL_MEMBERS', 'SUPPLIERS', 'BUYERS'];
const nonBuyerKinds = ['SUPPLIER', 'ACADEMIC', 'TRADE_BODY'];

/** Decided once per request, from the viewer alone. */
export function eventVisibility(viewer: Identity): EventVisibility {
  const hostOrganisationId = viewer?.organisationId.toLowerCase() ?? null;
  if (hasPlatformRole(viewer, 'PLATFORM_ADMIN')) return { everything: true, audiences: allAudiences, hostOrganisationId };
  if (isPlatformStaff(viewer)) return { everything: false, audiences: allAudiences, hostOrganisationId };
  const audiences: EventAudience[] = ['PUBLIC'];
  if (isActiveMember(viewer)) {
    audiences.push('ALL_MEMBERS');
    if (viewer!.organisationKind === 'SUPPLIER') audiences.push('SUPPLIERS');
    if (!nonBuyerKinds.includes(viewer!.organisationKind)) audiences.push('BUYERS');
  }
  return { everything: false, audiences, hostOrganisationId };
}

/** Turns a value into a bound parameter of the statement being built (`$3`). */
export type Bind = (value: unknown) => string;

/**
 * The rule as one SQL condition on the events table under `alias` (its `id`, `status` and
 * `audience` columns), for lists, pages, counts and lookups by id alike. Events express visibility
 * this one way: a fragment of the raw SQL every read of events runs, bound with `positionalParameters`.
 */
export function visibleEventCondition(visibility: EventVisibility, alias: string, bind: Bind): string {
  if (visibility.everything) return 'TRUE';
  const conditions = [`(${alias}.status <> 'DRAFT' AND ${alias}.audience = ANY(CAST(${bind(visibility.audiences)} AS text[])))`];
  if (visibility.hostOrganisationId) {
    conditions.push(
      `EXISTS (SELECT 1 FROM events.event_host visible_host
                WHERE visible_host.event_id = ${alias}.id AND visible_host.organisation_id = CAST(${bind(visibility.hostOrganisationId)} AS uuid))`,
    );
  }
  return `(${conditions.join(' OR ')})`;
}

/** `bind` for raw SQL: positional parameters appended to `parameters`. */
export const positionalParameters =
  (parameters: unknown[]): Bind =>
  (value) => {
    parameters.push(value);
    return `$${parameters.length}`;
  };

// ---------------------------------------------------------------------------------------------
// Doing things with events, registrations, FAQs and support requests. Each rule takes the caller
// (null is anonymous) and says yes or no; services turn a no (platform/sign-in.ts) into UNAUTHENTICATED (anonymous) or
// FORBIDDEN, and `viewerCan` fields read the same functions. In which status each is allowed is
// status-machines.ts, whose actions name these rules.
//
// - Manage an event (create, edit, reschedule, announce, complete, cancel, publish answers, mark
//   attendance): platform admins, and ORG_ADMINs of a host organisation.
// - Register: a signed-in person whose organisation is in the event's audience (as for seeing it),
//   for a SCHEDULED event that has not started. Cancel their own registration: until it starts.
// - Join link: confirmed registrants, people of a host organisation, platform admins.
// - Registrations and attendance rate of an event: people of a host organisation, platform staff.
// - A person's registrations (Person.registrations, calendar feed): that person and platform staff.
// - FAQs: anyone reads published ones; platform admins write, publish and read drafts.
// - Support requests: raised by people of an ACTIVE member organisation; seen by the requester's
//   organisation and platform staff; answered by platform staff while OPEN; closed by either side;
//   reopened by the requester's organisation within SUPPORT_REOPEN_DAYS of the answer.
// ---------------------------------------------------------------------------------------------

/** How long after an answer the requester's organisation may reopen a support request. */
export const SUPPORT_REOPEN_DAYS = 14;

export interface EventFacts {
  status: EventStatus;
  audience: EventAudience;
  startsAt: Date;
  endsAt: Date;
  hostIds: string[];
}

export function isEventHost(viewer: Identity, hostIds: string[]): boolean {
  return !!viewer && hostIds.includes(viewer.organisationId.toLowerCase());
}

export function canManageEvent(viewer: Identity, hostIds: string[]): boolean {
  return hasPlatformRole(viewer, 'PLATFORM_ADMIN') || (isEventHost(viewer, hostIds) && hasOrganisationRole(viewer, 'ORG_ADMIN'));
}

export function canSeeJoinUrl(viewer: Identity, hostIds: string[], registrationStatus: RegistrationStatus | null): boolean {
  return hasPlatformRole(viewer, 'PLATFORM_ADMIN') || isEventHost(viewer, hostIds) || registrationStatus === 'CONFIRMED';
}

export function canSeeRegistrations(viewer: Identity, hostIds: string[]): boolean {
  return isEventHost(viewer, hostIds) || isPlatformStaff(viewer);
}

export function canSeePersonRegistrations(viewer: Identity, personId: string): boolean {
  return (!!viewer && viewer.personId.toLowerCase() === personId.toLowerCase()) || isPlatformStaff(viewer);
}

export function canManageFaqs(viewer: Identity): boolean {
  return hasPlatformRole(viewer, 'PLATFORM_ADMIN');
}

export function canRaiseSupportRequest(viewer: Identity): boolean {
  return isActiveMember(viewer);
}

export interface SupportFacts {
  organisationId: string;
  status: SupportRequestStatus;
  answeredAt: Date | null;
}

export function canSeeSupportRequest(viewer: Identity, request: Pick<SupportFacts, 'organisationId'>): boolean {
  return belongsTo(viewer, request.organisationId) || isPlatformStaff(viewer);
}
