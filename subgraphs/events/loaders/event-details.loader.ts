import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import {
  boundedChildrenLoaders,
  findFirstPerParent,
  firstRowsPerParentSql,
  groupByKeys,
  loaderPerArguments,
} from '../../../platform/loaders';
import { BriefingQuestion, EventInnovation, EventScheduleChange, EventSpeaker, type Event } from '../entities';
import { positionalParameters, visibleEventCondition, type EventVisibility } from '../policy';
import type { Clock } from '../../../platform/clock';
import { eventColumns, eventFromRow, type EventRow } from './hosted-events.loader';

export const createSpeakerIdsByEventLoader = (dataSource: DataSource) =>
  new DataLoader<string, string[]>(async (eventIds) => {
    const rows = await dataSource.getRepository(EventSpeaker).find({ where: { eventId: In([...eventIds]) }, order: { position: 'ASC' } });
    return groupByKeys(eventIds, rows, (row) => row.eventId).map((group) => group.map((row) => row.personId));
  });

export const createInnovationIdsByEventLoader = (dataSource: DataSource) =>
  new DataLoader<string, string[]>(async (eventIds) => {
    const rows = await dataSource
      .getRepository(EventInnovation)
      .find({ where: { eventId: In([...eventIds]) }, order: { position: 'ASC' } });
    return groupByKeys(eventIds, rows, (row) => row.eventId).map((group) => group.map((row) => row.innovationId));
  });

/** The moves of many events, oldest first, at most `first` each, in one statement. */
export const createScheduleChangesByEventLoaders = (dataSource: DataSource) =>
  boundedChildrenLoaders(
    (eventIds, first) =>
      findFirstPerParent(dataSource.getRepository(EventScheduleChange), {
        parent: 'eventId',
        parentIds: eventIds,
        order: [
          ['changedAt', 'ASC'],
          ['id', 'ASC'],
        ],
        limit: first,
      }),
    (row) => row.eventId,
  );

/** The published questions of many events, in publishing order, at most `first` each, in one statement. */
export const createQuestionsByEventLoaders = (dataSource: DataSource) =>
  boundedChildrenLoaders(
    (eventIds, first) =>
      findFirstPerParent(dataSource.getRepository(BriefingQuestion), {
        parent: 'eventId',
        parentIds: eventIds,
        order: [
          ['position', 'ASC'],
          ['id', 'ASC'],
        ],
        limit: first,
      }),
    (row) => row.eventId,
  );

/** Visible events linked to each of many parents (`links`: a link table and its parent column), by start, at most `first` each, in one statement. */
function linkedEventsLoaders(dataSource: DataSource, visibility: EventVisibility, links: string, condition = 'TRUE') {
  return loaderPerArguments(
    (first: number) =>
      new DataLoader<string, Event[]>(async (parentIds) => {
        const parameters: unknown[] = [[...parentIds]];
        const visible = visibleEventCondition(visibility, 'e', positionalParameters(parameters));
        const rows: (EventRow & { parent_id: string })[] = await dataSource.query(
          firstRowsPerParentSql(
            `SELECT link.parent_id, ${eventColumns}
               FROM ${links} JOIN events.event e ON e.id = link.event_id
              WHERE link.parent_id = ANY($1::uuid[]) AND ${condition} AND ${visible}`,
            { parent: 'parent_id', orderBy: 'starts_at, id', limit: first },
          ),
          parameters,
        );
        return groupByKeys(parentIds, rows, (row) => row.parent_id).map((group) => group.map(eventFromRow));
      }),
  );
}

/** Visible events showing each of many innovations, by start, at most `first` each, in one statement. */
export const createEventsByInnovationLoaders = (dataSource: DataSource, visibility: EventVisibility) =>
  linkedEventsLoaders(dataSource, visibility, '(SELECT innovation_id AS parent_id, event_id FROM events.event_innovation) link');

/** Visible supplier briefings about each of many routes, oldest first, at most `first` each, in one statement. */
export const createBriefingsByRouteLoaders = (dataSource: DataSource, visibility: EventVisibility) =>
  linkedEventsLoaders(
    dataSource,
    visibility,
    '(SELECT route_id AS parent_id, event_id FROM events.event_route) link',
    "e.kind = 'SUPPLIER_BRIEFING'",
  );

/**
 * Upcoming events of many organisations, `first` each, in one statement: the events each hosts,
 * plus (only for organisations in `registrationsOf`, i.e. the viewer's own or all for staff) the
 * events its people are registered for. Numbered per organisation, as hosted-event pages are.
 */
export const createUpcomingEventsLoaders = (
  dataSource: DataSource,
  visibility: EventVisibility,
  clock: Clock,
  registrationsOf: (organisationId: string) => boolean,
) =>
  loaderPerArguments(
    (first: number) =>
      new DataLoader<string, Event[]>(async (organisationIds) => {
        const parameters: unknown[] = [[...organisationIds], organisationIds.filter(registrationsOf), clock.now(), first];
        const visible = visibleEventCondition(visibility, 'e', positionalParameters(parameters));
        const rows: (EventRow & { parent_id: string })[] = await dataSource.query(
          `SELECT ranked.parent_id, ${eventColumns}
             FROM (SELECT c.parent_id, c.event_id,
                          ROW_NUMBER() OVER (PARTITION BY c.parent_id ORDER BY e.starts_at, e.id) AS parent_rank
                     FROM (SELECT organisation_id AS parent_id, event_id FROM events.event_host WHERE organisation_id = ANY($1::uuid[])
                           UNION
                           SELECT organisation_id, event_id FROM events.event_registration
                            WHERE organisation_id = ANY($2::uuid[]) AND status <> 'CANCELLED') c
                     JOIN events.event e ON e.id = c.event_id
                    WHERE e.ends_at > $3 AND e.status = 'SCHEDULED' AND ${visible}) ranked
             JOIN events.event e ON e.id = ranked.event_id
            WHERE ranked.parent_rank <= $4
            ORDER BY ranked.parent_id, ranked.parent_rank`,
          parameters,
        );
        return groupByKeys(organisationIds, rows, (row) => row.parent_id).map((group) => group.map(eventFromRow));
      }),
  );
