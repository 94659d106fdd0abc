import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { groupByKeys, loaderPerArguments } from '../../../platform/loaders';
import { BriefingQuestion, EventInnovation, EventScheduleChange, EventSpeaker, type Event } from '../entities';
import { positionalParameters, visibleEventCondition, type EventVisibility } from '../policy';
import type { Clock } from '../services/clock';
import { eventColumns, eventFromRow, type EventRow } from './hosted-events.loader';

export const createSpeakerIdsByEventLoader = (dataSource: DataSource) =>
  new DataLoader<string, string[]>(async (eventIds) => {
    const rows = await dataSource.getRepository(EventSpeaker).find({ where: { eventId: In([...eventIds]) }, order: { position: 'ASC' } });
    return groupByKeys(eventIds, rows, (row) => row.eventId).map((group) => group.map((row) => row.personId));
  });

export const createInnovationIdsByEventLoader = (dataSource: DataSource) =>
  new DataLoader<string, string[]>(async (eventIds) => {
    const rows = await dataSource.getRepository(EventInnovation).find({ where: { eventId: In([...eventIds]) }, order: { position: 'ASC' } });
    return groupByKeys(eventIds, rows, (row) => row.eventId).map((group) => group.map((row) => row.innovationId));
  });

export const createScheduleChangesByEventLoader = (dataSource: DataSource) =>
  new DataLoader<string, EventScheduleChange[]>(async (eventIds) => {
    const rows = await dataSource
      .getRepository(EventScheduleChange)
      .find({ where: { eventId: In([...eventIds]) }, order: { changedAt: 'ASC', id: 'ASC' } });
    return groupByKeys(eventIds, rows, (row) => row.eventId);
  });

export const createQuestionsByEventLoader = (dataSource: DataSource) =>
  new DataLoader<string, BriefingQuestion[]>(async (eventIds) => {
    const rows = await dataSource.getRepository(BriefingQuestion).find({ where: { eventId: In([...eventIds]) }, order: { position: 'ASC' } });
    return groupByKeys(eventIds, rows, (row) => row.eventId);
  });

/** Visible events showing each of many innovations, by start, in one statement. */
export const createEventsByInnovationLoader = (dataSource: DataSource, visibility: EventVisibility) =>
  new DataLoader<string, Event[]>(async (innovationIds) => {
    const parameters: unknown[] = [[...innovationIds]];
    const visible = visibleEventCondition(visibility, 'e', positionalParameters(parameters));
    const rows: (EventRow & { parent_id: string })[] = await dataSource.query(
      `SELECT i.innovation_id AS parent_id, ${eventColumns}
         FROM events.event_innovation i JOIN events.event e ON e.id = i.event_id
        WHERE i.innovation_id = ANY($1::uuid[]) AND ${visible}
        ORDER BY i.innovation_id, e.starts_at, e.id`,
      parameters,
    );
    return groupByKeys(innovationIds, rows, (row) => row.parent_id).map((group) => group.map(eventFromRow));
  });

/** Visible supplier briefings about each of many routes, oldest first, in one statement. */
export const createBriefingsByRouteLoader = (dataSource: DataSource, visibility: EventVisibility) =>
  new DataLoader<string, Event[]>(async (routeIds) => {
    const parameters: unknown[] = [[...routeIds]];
    const visible = visibleEventCondition(visibility, 'e', positionalParameters(parameters));
    const rows: (EventRow & { parent_id: string })[] = await dataSource.query(
      `SELECT r.route_id AS parent_id, ${eventColumns}
         FROM events.event_route r JOIN events.event e ON e.id = r.event_id
        WHERE r.route_id = ANY($1::uuid[]) AND e.kind = 'SUPPLIER_BRIEFING' AND ${visible}
        ORDER BY r.route_id, e.starts_at, e.id`,
      parameters,
    );
    return groupByKeys(routeIds, rows, (row) => row.parent_id).map((group) => group.map(eventFromRow));
  });

/**
 * Upcoming events of many organisations, `first` each, in one statement: the events each hosts,
 * plus (only for organisations in `registrationsOf`, i.e. the viewer's own or all for staff) the
 * events its people are registered for. Numbered per organisation, as hosted-event pages are.
 */
export const createUpcomingEventsLoaders = (dataSource: DataSource, visibility: EventVisibility, clock: Clock, registrationsOf: (organisationId: string) => boolean) =>
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
