import { hasPlatformRole, isActiveMember, isPlatformStaff, type Identity } from '../../platform/identity';
import type { EventAudience } from './generated/graphql';

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

/** Turns a value into a bound parameter of the statement being built (`$3`, `:name`, …). */
export type Bind = (value: unknown) => string;

/**
 * The rule as one SQL condition on the events table under `alias` (its `id`, `status` and
 * `audience` columns), for lists, pages, counts and lookups by id alike.
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

/** `bind` for a TypeORM query builder: named parameters collected into `parameters`. */
export function namedParameters(prefix = 'visible'): { bind: Bind; parameters: Record<string, unknown> } {
  const parameters: Record<string, unknown> = {};
  return {
    parameters,
    bind: (value) => {
      const name = `${prefix}${Object.keys(parameters).length}`;
      parameters[name] = value;
      return `:${name}`;
    },
  };
}

/** `bind` for raw SQL: positional parameters appended to `parameters`. */
export const positionalParameters =
  (parameters: unknown[]): Bind =>
  (value) => {
    parameters.push(value);
    return `$${parameters.length}`;
  };

