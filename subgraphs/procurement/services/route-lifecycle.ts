import { badUserInput } from '../../../platform/errors';
import type { RouteKind, RouteStatus } from '../generated/graphql';

/**
 * A route's status follows from its dates and the clock: no job has to run when a route opens,
 * closes to applications or goes live. Each date is the FIRST day of a status; a status whose date
 * is missing is skipped (a DPS or dynamic market goes OPEN → LIVE, with no closed evaluation).
 * The list is latest first: the first date on or before today decides.
 */
export const routeStatusDates = [
  { status: 'EXPIRED', property: 'expiresOn', column: 'expires_on' },
  { status: 'LIVE', property: 'startsOn', column: 'starts_on' },
  { status: 'STANDSTILL', property: 'standstillStartsOn', column: 'standstill_starts_on' },
  { status: 'PENDING', property: 'applicationsCloseOn', column: 'applications_close_on' },
  { status: 'OPEN', property: 'opensOn', column: 'opens_on' },
] as const satisfies readonly { status: RouteStatus; property: string; column: string }[];

export type RouteDates = { [K in (typeof routeStatusDates)[number]['property']]: string | null };

/** The route's status on `today` ("YYYY-MM-DD"); COMING until its opening day. */
export function routeStatusOn(route: RouteDates, today: string): RouteStatus {
  for (const { status, property } of routeStatusDates) {
    const day = route[property];
    if (day !== null && day <= today) return status;
  }
  return 'COMING';
}

/**
 * The same rule as SQL, for filters and joins, so that pages and totals are counted on the derived
 * status. `alias` is the route table's alias; `todayParameter` a named parameter holding the date.
 */
export function routeStatusSql(alias: string, todayParameter = 'today'): string {
  const cases = routeStatusDates
    .map(({ status, column }) => `WHEN ${alias}.${column} <= CAST(:${todayParameter} AS date) THEN '${status}'`)
    .join(' ');
  return `(CASE ${cases} ELSE 'COMING' END)`;
}

export const dynamicRouteKinds: readonly RouteKind[] = ['DYNAMIC_PURCHASING_SYSTEM', 'DYNAMIC_MARKET'];
export const isDynamicRoute = (route: { kind: RouteKind }) => dynamicRouteKinds.includes(route.kind);

/**
 * The dates given must follow the lifecycle, none before the one before (on the same day, the
 * earlier status is skipped: staff may move a route on twice in a day); a dynamic route admits
 * suppliers at any time, so it has no closing of applications and no standstill of its own.
 */
export function validateRouteDates(kind: RouteKind, dates: RouteDates): void {
  if (dynamicRouteKinds.includes(kind)) {
    for (const property of ['applicationsCloseOn', 'standstillStartsOn'] as const) {
      if (dates[property] !== null) {
        throw badUserInput(`A DPS or dynamic market admits suppliers at any time while live, so it has no "${property}".`, property);
      }
    }
  }
  const ordered = [...routeStatusDates].reverse().filter(({ property }) => dates[property] !== null);
  for (let i = 1; i < ordered.length; i += 1) {
    const before = ordered[i - 1]!;
    const after = ordered[i]!;
    if (dates[after.property]! < dates[before.property]!) {
      throw badUserInput(`"${after.property}" must not be before "${before.property}".`, after.property);
    }
  }
}
