import type { DataSource, EntityManager } from 'typeorm';
import { dayOf, type Clock } from '../../../platform/clock';
import type { DomainEventFacts } from '../../../platform/domain-events';
import { recordDomainEvent } from '../../../platform/outbox';
import { createScheduledJob, type ScheduledJob } from '../../../platform/scheduled-job';
import { addCalendarDays, addWorkingDays, isWorkingDay, workingDayCalendars } from '../../../platform/working-days';
import type { InnovationDirectory, ListedInnovation } from './innovation-directory';
import { routeStatusOn, routeStatusSql, type RouteDates } from './route-lifecycle';

/**
 * Route retirement notices (issue 25 item 7): when a LIVE route expires, suppliers whose innovations
 * lose their last route, and buyers whose shortlisted innovations can no longer be bought through any
 * route open to them, are told 60 and 14 days before and on the day. Lots have no dates of their
 * own: a lot closes with its route.
 *
 * Why a procurement job that decides on the day, rather than events that plan reminders in
 * notifications: who is to be told depends on procurement's data at the moment of telling (another
 * route going live or expiring meanwhile, an admission decided, a project shortlisted, awarded or
 * cancelled), over up to 60 days. A reminder planned when the expiry was set would freeze that
 * audience, and keeping it right would take an event, and a re-plan, for every such change. Here the
 * job reads the route's expiry as it stands at each tick: an expiry extended before a notice's day
 * simply no longer falls on it (there is no earlier plan to cancel), a route closed early
 * (`updateProcurementRoute(status: EXPIRED)` makes today its expiry) is told on the day at the next
 * tick, and each notice names only who loses something then.
 *
 * Once, whatever runs it: each tick is one transaction under the job's advisory lock
 * (platform/scheduled-job.ts), and a notice is emitted only if its row in
 * `procurement.route_retirement_notice` (route, expiry day, notice) was inserted by this tick, in the
 * transaction that records the event (platform/outbox.ts). A second tick, here or on another
 * replica, finds the row and emits nothing.
 *
 * Days: procurement's (a route's status changes on its dates, `dayOf` the clock). The notice before
 * expiry falls `daysBefore` calendar days ahead, moved back to a working day (the whole UK's bank
 * holidays, as membership and certification reminders are); the one on the day falls on the expiry
 * day itself. A notice goes from `noticeHourUtc` on its day. A notice whose day passed unsent (the
 * service was down, or the route was created or extended to expire within 60 days) is sent at the
 * next tick while no later notice is due: it names the expiry day, so it is true whenever it
 * arrives; a notice superseded by a later one (14 days, or the day itself) is never sent.
 */
export const routeRetirementJobName = 'procurement:route-retirement';

/** The notices, furthest first: `daysBefore` the expiry day. */
export const retirementNotices = [60, 14, 0] as const;
export type RetirementNotice = (typeof retirementNotices)[number];

/** Notices go from 09:00 (UTC, as procurement's deadlines are set) on their day, as reminders go at the start of a working day. */
export const noticeHourUtc = 9;

const calendar = workingDayCalendars.unitedKingdom;
const onOrBeforeWorkingDay = (day: string) => (isWorkingDay(day, calendar) ? day : addWorkingDays(day, -1, calendar));

/** The day the notice `daysBefore` an expiry on `expiresOn` is due. */
export function retirementNoticeDay(expiresOn: string, daysBefore: RetirementNotice): string {
  return daysBefore === 0 ? expiresOn : onOrBeforeWorkingDay(addCalendarDays(expiresOn, -daysBefore));
}

/**
 * The notice due at `now` for a route, or null: on the expiry day, the one on the day; before it,
 * the latest of 60 and 14 whose day has come. Only a route LIVE on its last day before expiring has
 * anything to lose (one closed early from OPEN never sold anything).
 */
export function dueRetirementNotice(route: RouteDates, now: Date): RetirementNotice | null {
  const expiresOn = route.expiresOn;
  if (!expiresOn || now.getUTCHours() < noticeHourUtc) return null;
  const today = dayOf(now);
  if (today > expiresOn || routeStatusOn(route, addCalendarDays(expiresOn, -1)) !== 'LIVE') return null;
  if (today === expiresOn) return 0;
  for (const daysBefore of [14, 60] as const) if (retirementNoticeDay(expiresOn, daysBefore) <= today) return daysBefore;
  return null;
}

export interface RouteRetirementJobOptions {
  dataSource: DataSource;
  clock: Clock;
  /** The catalogue: which approved innovations each supplier has in which category. */
  innovations: InnovationDirectory;
  /** Real time between ticks (default a minute: notices are due once a day and need no more). */
  intervalMs?: number;
}

export function createRouteRetirementJob({ dataSource, clock, innovations, intervalMs = 60_000 }: RouteRetirementJobOptions): ScheduledJob {
  return createScheduledJob<Catalogue>({
    name: routeRetirementJobName,
    dataSource,
    clock,
    intervalMs,
    // The innovations service is asked before the tick's transaction, never while it is open.
    prepare: (now) => catalogueForDueNotices(dataSource.manager, innovations, now),
    run: async (manager, now, catalogue) => {
      await emitDueRetirementNotices(manager, now, catalogue);
    },
  });
}

interface CandidateRoute extends RouteDates {
  id: string;
  reference: string;
  name: string;
}

/**
 * What procurement cannot know itself: the approved innovations of the suppliers admitted to the
 * routes with a notice due, by supplier. Procurement knows which categories a supplier is admitted
 * for; only the catalogue knows which of them it has innovations in (a lot covering surfacing and
 * EV charging is no loss to a supplier that sells no charge points).
 */
export interface Catalogue {
  /** The notices it was asked for (`noticeKey`): a notice due only since is left to the next tick. */
  notices: ReadonlySet<string>;
  /** The suppliers it was asked about: one admitted since is a reason to ask again, not to leave it out. */
  suppliersAsked: ReadonlySet<string>;
  bySupplier: ReadonlyMap<string, readonly ListedInnovation[]>;
}

const emptyCatalogue: Catalogue = { notices: new Set(), suppliersAsked: new Set(), bySupplier: new Map() };
const noticeKey = (routeId: string, expiresOn: string, daysBefore: number) => `${routeId}:${expiresOn}:${daysBefore}`;

/** The routes whose notice is due at `now` and not yet decided, with the notice. */
async function dueNotices(manager: EntityManager, now: Date): Promise<{ route: CandidateRoute; daysBefore: RetirementNotice }[]> {
  const today = dayOf(now);
  // The earliest notice is 60 days ahead, moved back by at most a long weekend and holidays.
  const horizon = addCalendarDays(today, retirementNotices[0] + 10);
  const candidates = (await manager.query(
    `SELECT id, reference, name, to_char(opens_on, 'YYYY-MM-DD') AS "opensOn",
            to_char(applications_close_on, 'YYYY-MM-DD') AS "applicationsCloseOn",
            to_char(standstill_starts_on, 'YYYY-MM-DD') AS "standstillStartsOn",
            to_char(starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(expires_on, 'YYYY-MM-DD') AS "expiresOn"
       FROM procurement.route WHERE expires_on BETWEEN $1 AND $2 ORDER BY expires_on, reference`,
    [today, horizon],
  )) as CandidateRoute[];
  const due = candidates.flatMap((route) => {
    const daysBefore = dueRetirementNotice(route, now);
    return daysBefore === null ? [] : [{ route, daysBefore }];
  });
  if (due.length === 0) return [];
  const decided = (await manager.query(
    `SELECT route_id AS "routeId", to_char(expires_on, 'YYYY-MM-DD') AS "expiresOn", days_before AS "daysBefore"
       FROM procurement.route_retirement_notice WHERE route_id = ANY($1::uuid[])`,
    [due.map(({ route }) => route.id)],
  )) as { routeId: string; expiresOn: string; daysBefore: number }[];
  const done = new Set(decided.map((row) => noticeKey(row.routeId, row.expiresOn, row.daysBefore)));
  return due.filter(({ route, daysBefore }) => !done.has(noticeKey(route.id, route.expiresOn!, daysBefore)));
}

/** Asks the catalogue about every supplier admitted to a route with a notice due (nothing when none is due). */
export async function catalogueForDueNotices(manager: EntityManager, innovations: InnovationDirectory, now: Date): Promise<Catalogue> {
  const due = await dueNotices(manager, now);
  if (due.length === 0) return emptyCatalogue;
  const [{ supplierIds, categories }] = (await manager.query(
    `SELECT coalesce(array_agg(DISTINCT admission.supplier_id::text), '{}') AS "supplierIds",
            coalesce(array_agg(DISTINCT covered.category), '{}') AS categories
       FROM procurement.admission admission
       JOIN procurement.lot lot ON lot.id = admission.lot_id
      CROSS JOIN LATERAL unnest(lot.categories) AS covered (category)
      WHERE admission.status = 'ADMITTED' AND lot.route_id = ANY($1::uuid[])`,
    [due.map(({ route }) => route.id)],
  )) as [{ supplierIds: string[]; categories: string[] }];
  const bySupplier = new Map<string, ListedInnovation[]>();
  for (const innovation of await innovations.listApprovedInnovations(supplierIds, categories)) {
    bySupplier.set(innovation.supplierId, [...(bySupplier.get(innovation.supplierId) ?? []), innovation]);
  }
  return {
    notices: new Set(due.map(({ route, daysBefore }) => noticeKey(route.id, route.expiresOn!, daysBefore))),
    suppliersAsked: new Set(supplierIds),
    bySupplier,
  };
}

/**
 * One tick's work in the tick's transaction; resolves with the `route.retiring` events it recorded.
 * `catalogue` is what `catalogueForDueNotices` found just before, outside the transaction: a notice
 * that became due in between, or one with a losing supplier it was not asked about (admitted in
 * between), is neither decided nor sent now; the next tick asks again, so nobody is left out.
 */
export async function emitDueRetirementNotices(
  manager: EntityManager,
  now: Date,
  catalogue: Catalogue,
): Promise<DomainEventFacts['route.retiring'][]> {
  const titles = new Map([...catalogue.bySupplier.values()].flat().map((innovation) => [innovation.id, innovation.title]));
  const emitted: DomainEventFacts['route.retiring'][] = [];
  for (const { route, daysBefore } of await dueNotices(manager, now)) {
    const expiresOn = route.expiresOn!;
    if (!catalogue.notices.has(noticeKey(route.id, expiresOn, daysBefore))) continue;
    const losing = await suppliersLosingTheirLastRoute(manager, route.id, expiresOn);
    if (losing.some(({ supplierId }) => !catalogue.suppliersAsked.has(supplierId))) continue;
    const claimed = (await manager.query(
      `INSERT INTO procurement.route_retirement_notice (route_id, expires_on, days_before, decided_at, suppliers_told, projects_told)
       VALUES ($1, $2, $3, $4, 0, 0) ON CONFLICT DO NOTHING RETURNING route_id`,
      [route.id, expiresOn, daysBefore, now],
    )) as unknown[];
    if (claimed.length === 0) continue;
    const suppliers = losing.flatMap(({ supplierId, categories }) => {
      const lost = (catalogue.bySupplier.get(supplierId) ?? []).filter((innovation) => categories.includes(innovation.category));
      if (lost.length === 0) return [];
      return [
        {
          supplierOrganisationId: supplierId,
          categories: [...new Set(lost.map((innovation) => innovation.category))].sort(),
          innovations: lost.map((innovation) => ({ innovationId: innovation.id, title: innovation.title })),
        },
      ];
    });
    const projects = (await projectsLosingTheirLastRoute(manager, route.id, expiresOn)).map((project) => ({
      projectId: project.id,
      projectTitle: project.title,
      buyerOrganisationId: project.buyerId,
      innovations: project.innovationIds.map((innovationId) => ({ innovationId, title: titles.get(innovationId) ?? null })),
    }));
    const facts: DomainEventFacts['route.retiring'] = {
      routeId: route.id,
      routeReference: route.reference,
      routeName: route.name,
      expiresOn,
      daysBefore,
      suppliers,
      projects,
    };
    // Nobody loses anything: the decision is recorded, and there is nothing to tell.
    if (suppliers.length === 0 && projects.length === 0) continue;
    const event = await recordDomainEvent(manager, {
      source: 'procurement',
      kind: 'route.retiring',
      occurredAt: now,
      subject: { typename: 'ProcurementRoute', id: route.id },
      facts,
    });
    await manager.query(
      `UPDATE procurement.route_retirement_notice SET suppliers_told = $4, projects_told = $5, event_id = $6
        WHERE route_id = $1 AND expires_on = $2 AND days_before = $3`,
      [route.id, expiresOn, daysBefore, suppliers.length, projects.length, event.id],
    );
    emitted.push(facts);
  }
  return emitted;
}

/** `sql` with TypeORM's named parameters, as the driver's positional ones (routeStatusSql is written with names). */
async function query<T>(manager: EntityManager, sql: string, parameters: Record<string, unknown>): Promise<T[]> {
  const [text, values] = manager.connection.driver.escapeQueryWithParameters(sql, parameters);
  return (await manager.query(text, values)) as T[];
}

/** Another route the supplier stays admitted to, covering the category, LIVE on the expiry day. */
const remainingRouteFor = (supplier: string, category: string, extra = '') => `
  SELECT 1 FROM procurement.admission other_admission
    JOIN procurement.lot other_lot ON other_lot.id = other_admission.lot_id
    JOIN procurement.route other_route ON other_route.id = other_lot.route_id
   WHERE other_admission.supplier_id = ${supplier} AND other_admission.status = 'ADMITTED'
     AND ${category} = ANY(other_lot.categories) AND other_route.id <> :routeId
     AND ${routeStatusSql('other_route', 'expiresOn')} = 'LIVE' ${extra}`;

/**
 * Suppliers ADMITTED to a lot of the route, with the categories of those lots that no other
 * remaining route admits them for: their innovations in those categories (the catalogue says which
 * they have) are available via no route once it expires (`Innovation.availableVia`'s rule).
 */
async function suppliersLosingTheirLastRoute(manager: EntityManager, routeId: string, expiresOn: string) {
  const rows = await query<{ supplier_id: string; categories: string[] }>(
    manager,
    `SELECT admission.supplier_id, array_agg(DISTINCT covered.category ORDER BY covered.category) AS categories
       FROM procurement.admission admission
       JOIN procurement.lot lot ON lot.id = admission.lot_id AND lot.route_id = :routeId
      CROSS JOIN LATERAL unnest(lot.categories) AS covered (category)
      WHERE admission.status = 'ADMITTED'
        AND NOT EXISTS (${remainingRouteFor('admission.supplier_id', 'covered.category')})
      GROUP BY admission.supplier_id ORDER BY admission.supplier_id`,
    { routeId, expiresOn },
  );
  return rows.map((row) => ({ supplierId: row.supplier_id, categories: row.categories }));
}

/**
 * Open projects (DRAFT or PUBLISHED) with shortlisted innovations that the buyer can buy through
 * this route today and through no other route LIVE on the expiry day and open to the buyer, by the
 * nation and organisation kind recorded on the project when it was started (as createProcurementProject
 * checks them; one not recorded, on projects started before it was: every route counts as open).
 */
async function projectsLosingTheirLastRoute(manager: EntityManager, routeId: string, expiresOn: string) {
  const openToBuyer = (alias: string) =>
    `(project.buyer_nation IS NULL OR project.buyer_nation = ANY(${alias}.eligible_nations))
     AND (cardinality(${alias}.eligible_organisation_kinds) = 0 OR project.buyer_organisation_kind IS NULL
          OR project.buyer_organisation_kind = ANY(${alias}.eligible_organisation_kinds))`;
  const rows = await query<{ id: string; title: string; buyer_id: string; innovation_ids: string[] }>(
    manager,
    `SELECT project.id, project.title, project.buyer_id, array_agg(shortlisted.innovation_id::text ORDER BY shortlisted.innovation_id) AS innovation_ids
       FROM procurement.project project
       JOIN procurement.shortlisted_innovation shortlisted ON shortlisted.project_id = project.id
       JOIN procurement.route route ON route.id = :routeId
      WHERE project.status IN ('DRAFT', 'PUBLISHED') AND ${openToBuyer('route')}
        AND EXISTS (SELECT 1 FROM procurement.admission admission JOIN procurement.lot lot ON lot.id = admission.lot_id
                     WHERE lot.route_id = :routeId AND admission.supplier_id = shortlisted.supplier_id
                       AND admission.status = 'ADMITTED' AND shortlisted.category = ANY(lot.categories))
        AND NOT EXISTS (${remainingRouteFor('shortlisted.supplier_id', 'shortlisted.category', `AND ${openToBuyer('other_route')}`)})
      GROUP BY project.id, project.title, project.buyer_id ORDER BY project.id`,
    { routeId, expiresOn },
  );
  return rows.map((row) => ({ id: row.id, title: row.title, buyerId: row.buyer_id, innovationIds: row.innovation_ids }));
}
