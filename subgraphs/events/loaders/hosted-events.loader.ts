import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { groupByKeys, loaderPerArguments } from '../../../platform/loaders';
import type { Page } from '../../../platform/pagination';
import { Event } from '../entities';
import { positionalParameters, visibleEventCondition, type EventVisibility } from '../policy';

/** Event columns for raw SQL under alias `e`, read back by `eventFromRow`. */
export const eventColumns = `e.id, e.title, e.description, e.kind, e.audience, e.status, e.starts_at, e.ends_at,
       e.venue, e.online, e.capacity, e.join_url, e.cancellation_reason, e.created_at, e.updated_at, e.version`;

export interface EventRow {
  id: string;
  title: string;
  description: string;
  kind: Event['kind'];
  audience: Event['audience'];
  status: Event['status'];
  starts_at: Date;
  ends_at: Date;
  venue: string | null;
  online: boolean;
  capacity: number | null;
  join_url: string | null;
  cancellation_reason: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export function eventFromRow(row: EventRow): Event {
  return Object.assign(new Event(), {
    id: row.id,
    title: row.title,
    description: row.description,
    kind: row.kind,
    audience: row.audience,
    status: row.status,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    venue: row.venue,
    online: row.online,
    capacity: row.capacity,
    joinUrl: row.join_url,
    cancellationReason: row.cancellation_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  });
}

/**
 * One page of hosted events for each of many organisations, in one statement: the events of all
 * the hosts are numbered per host (ordered by start, then id) and each host keeps its first
 * `page.size + 1` rows — the extra row only tells whether there is a next page. The cursor
 * applies to every host alike, as every organisation in the batch was asked for the same page.
 * Only events the viewer may see are numbered, so pages, cursors and counts agree.
 */
function createHostedEventsPageLoader(dataSource: DataSource, visibility: EventVisibility, page: Page) {
  return new DataLoader<string, Event[]>(async (organisationIds) => {
    const parameters: unknown[] = [[...organisationIds], page.size + 1];
    let after = '';
    if (page.after) {
      parameters.push(page.after.sortValue, page.after.id);
      after = 'AND (e.starts_at, e.id) > ($3::timestamptz, $4::uuid)';
    }
    const visible = visibleEventCondition(visibility, 'e', positionalParameters(parameters));
    const rows: (EventRow & { host_id: string })[] = await dataSource.query(
      `SELECT ranked.host_id, ${eventColumns}
         FROM (SELECT h.organisation_id AS host_id, h.event_id,
                      ROW_NUMBER() OVER (PARTITION BY h.organisation_id ORDER BY e.starts_at, e.id) AS host_rank
                 FROM events.event_host h
                 JOIN events.event e ON e.id = h.event_id
                WHERE h.organisation_id = ANY($1::uuid[]) ${after} AND ${visible}) ranked
         JOIN events.event e ON e.id = ranked.event_id
        WHERE ranked.host_rank <= $2
        ORDER BY ranked.host_id, ranked.host_rank`,
      parameters,
    );
    return groupByKeys(organisationIds, rows, (row) => row.host_id).map((group) => group.map(eventFromRow));
  });
}

/**
 * Hosted-event pages by organisation: one loader per distinct page (`first`, `after`) asked for in
 * the request, so organisations asked for the same page share one statement. The visibility is the
 * same for the whole request (loaders are per request), so it is fixed here, not part of the key.
 */
export const createHostedEventsLoaders = (dataSource: DataSource, visibility: EventVisibility) =>
  loaderPerArguments((page: Page) => createHostedEventsPageLoader(dataSource, visibility, page));

/** How many events the viewer may see each of many organisations hosts, in one statement. */
export const createHostedEventCountLoader = (dataSource: DataSource, visibility: EventVisibility) =>
  new DataLoader<string, number>(async (organisationIds) => {
    const parameters: unknown[] = [[...organisationIds]];
    const visible = visibleEventCondition(visibility, 'e', positionalParameters(parameters));
    const rows: { organisation_id: string; count: number }[] = await dataSource.query(
      `SELECT h.organisation_id, count(*)::int AS count
         FROM events.event_host h
         JOIN events.event e ON e.id = h.event_id
        WHERE h.organisation_id = ANY($1::uuid[]) AND ${visible}
        GROUP BY h.organisation_id`,
      parameters,
    );
    const counts = new Map(rows.map((row) => [row.organisation_id, row.count]));
    return organisationIds.map((id) => counts.get(id) ?? 0);
  });
