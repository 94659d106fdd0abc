import DataLoader from 'dataloader';
import type { DataSource, EntityManager } from 'typeorm';
import { firstRowsPerParentSql, groupByKeys, loaderPerArguments, orderByKeys } from '../../../platform/loaders';
import type { EventTiming } from '../generated/graphql';
import type { Clock } from '../../../platform/clock';

/**
 * A registration as resolvers see it: the row plus its place on the waiting list, computed in the
 * same statement (the rank among the event's WAITING rows by queue number).
 */
export interface RegistrationModel {
  id: string;
  eventId: string;
  personId: string;
  organisationId: string;
  organisationKind: string;
  status: 'CONFIRMED' | 'WAITING' | 'CANCELLED';
  registeredAt: Date;
  confirmedAt: Date | null;
  attended: boolean | null;
  waitingListPosition: number | null;
}

/** Columns of a registration under alias `r`, with its waiting-list position. */
export const registrationColumns = `r.id, r.event_id, r.person_id, r.organisation_id, r.organisation_kind, r.status,
  r.registered_at, r.confirmed_at, r.attended,
  CASE WHEN r.status = 'WAITING' THEN (SELECT count(*)::int FROM events.event_registration w
        WHERE w.event_id = r.event_id AND w.status = 'WAITING' AND w.queue_number <= r.queue_number) END AS waiting_position`;

export interface RegistrationRow {
  id: string;
  event_id: string;
  person_id: string;
  organisation_id: string;
  organisation_kind: string;
  status: RegistrationModel['status'];
  registered_at: Date;
  confirmed_at: Date | null;
  attended: boolean | null;
  waiting_position: number | null;
}

export const registrationFromRow = (row: RegistrationRow): RegistrationModel => ({
  id: row.id,
  eventId: row.event_id,
  personId: row.person_id,
  organisationId: row.organisation_id,
  organisationKind: row.organisation_kind,
  status: row.status,
  registeredAt: row.registered_at,
  confirmedAt: row.confirmed_at,
  attended: row.attended,
  waitingListPosition: row.waiting_position,
});

/** One registration by id, read inside a transaction (after a write) on that transaction's connection. */
export async function readRegistration(manager: EntityManager, id: string): Promise<RegistrationModel> {
  const [row] = (await manager.query(`SELECT ${registrationColumns} FROM events.event_registration r WHERE r.id = $1`, [
    id,
  ])) as RegistrationRow[];
  return registrationFromRow(row!);
}

export interface RegistrationStats {
  confirmed: number;
  waiting: number;
  attended: number;
  /** Confirmed registrations whose attendance has been recorded (true or false). */
  recorded: number;
}

/** Seat counts of many events in one GROUP BY. */
export const createRegistrationStatsLoader = (dataSource: DataSource) =>
  new DataLoader<string, RegistrationStats>(async (eventIds) => {
    const rows: (RegistrationStats & { event_id: string })[] = await dataSource.query(
      `SELECT event_id,
              count(*) FILTER (WHERE status = 'CONFIRMED')::int AS confirmed,
              count(*) FILTER (WHERE status = 'WAITING')::int AS waiting,
              count(*) FILTER (WHERE status = 'CONFIRMED' AND attended)::int AS attended,
              count(*) FILTER (WHERE status = 'CONFIRMED' AND attended IS NOT NULL)::int AS recorded
         FROM events.event_registration WHERE event_id = ANY($1::uuid[]) GROUP BY event_id`,
      [[...eventIds]],
    );
    return orderByKeys(eventIds, rows, (row) => row.event_id).map((row) => row ?? { confirmed: 0, waiting: 0, attended: 0, recorded: 0 });
  });

/** The signed-in person's own registration on many events, in one statement. */
export const createViewerRegistrationLoader = (dataSource: DataSource, personId: string | null) =>
  new DataLoader<string, RegistrationModel | null>(async (eventIds) => {
    if (!personId) return eventIds.map(() => null);
    const rows: RegistrationRow[] = await dataSource.query(
      `SELECT ${registrationColumns} FROM events.event_registration r WHERE r.event_id = ANY($1::uuid[]) AND r.person_id = $2`,
      [[...eventIds], personId],
    );
    return orderByKeys(eventIds, rows.map(registrationFromRow), (row) => row.eventId);
  });

/**
 * The registrations of many events, at most `first` each, in one statement: confirmed first, then
 * the waiting list in order, then cancelled. The waiting position is computed only for the rows kept.
 */
export const createRegistrationsByEventLoaders = (dataSource: DataSource) =>
  loaderPerArguments(
    (first: number) =>
      new DataLoader<string, RegistrationModel[]>(async (eventIds) => {
        const kept = firstRowsPerParentSql(
          `SELECT id, event_id, status, queue_number FROM events.event_registration WHERE event_id = ANY($1::uuid[])`,
          {
            parent: 'event_id',
            orderBy: `CASE status WHEN 'CONFIRMED' THEN 0 WHEN 'WAITING' THEN 1 ELSE 2 END, queue_number`,
            limit: first,
          },
        );
        const rows: RegistrationRow[] = await dataSource.query(
          `SELECT ${registrationColumns} FROM (${kept}) kept JOIN events.event_registration r ON r.id = kept.id
            ORDER BY kept.event_id, kept.parent_rank`,
          [[...eventIds]],
        );
        return groupByKeys(eventIds, rows.map(registrationFromRow), (row) => row.eventId);
      }),
  );

/** The registrations of many people (one statement per distinct `when` and `first`), soonest event first, at most `first` each. */
export const createRegistrationsByPersonLoaders = (dataSource: DataSource, clock: Clock) =>
  loaderPerArguments(
    ({ when, first }: { when: EventTiming | null; first: number }) =>
      new DataLoader<string, RegistrationModel[]>(async (personIds) => {
        const parameters: unknown[] = [[...personIds]];
        let timing = '';
        if (when) {
          parameters.push(clock.now());
          timing = when === 'UPCOMING' ? 'AND e.ends_at > $2' : 'AND e.ends_at <= $2';
        }
        const kept = firstRowsPerParentSql(
          `SELECT r.id, r.person_id, e.starts_at, e.id AS event_id FROM events.event_registration r JOIN events.event e ON e.id = r.event_id
            WHERE r.person_id = ANY($1::uuid[]) ${timing}`,
          { parent: 'person_id', orderBy: 'starts_at, event_id', limit: first },
        );
        const rows: RegistrationRow[] = await dataSource.query(
          `SELECT ${registrationColumns} FROM (${kept}) kept JOIN events.event_registration r ON r.id = kept.id
            ORDER BY kept.person_id, kept.parent_rank`,
          parameters,
        );
        return groupByKeys(personIds, rows.map(registrationFromRow), (row) => row.personId);
      }),
  );

export interface KindAttendance {
  organisationKind: string;
  registered: number;
  attended: number;
}

/** Confirmed registrations and attendance by organisation kind for many events, in one GROUP BY. */
export const createAttendanceByKindLoader = (dataSource: DataSource) =>
  new DataLoader<string, KindAttendance[]>(async (eventIds) => {
    const rows: (KindAttendance & { event_id: string })[] = await dataSource.query(
      `SELECT event_id, organisation_kind AS "organisationKind", count(*)::int AS registered,
              count(*) FILTER (WHERE attended)::int AS attended
         FROM events.event_registration WHERE event_id = ANY($1::uuid[]) AND status = 'CONFIRMED'
        GROUP BY event_id, organisation_kind ORDER BY event_id, count(*) DESC, organisation_kind`,
      [[...eventIds]],
    );
    return groupByKeys(eventIds, rows, (row) => row.event_id).map((group) =>
      group.map(({ organisationKind, registered, attended }) => ({ organisationKind, registered, attended })),
    );
  });
