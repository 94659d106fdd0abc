import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { orderByKeys } from '../../../platform/loaders';
import type { Event } from '../entities';
import { positionalParameters, visibleEventCondition, type EventVisibility } from '../policy';
import { eventColumns, eventFromRow, type EventRow } from './hosted-events.loader';

/**
 * Events by id for `event(id)` and `_entities`: one `SELECT … WHERE id IN (…)` per tick, with the
 * viewer's visibility condition, so an event the viewer may not see comes back null, like a missing one.
 */
export const createEventByIdLoader = (dataSource: DataSource, visibility: EventVisibility) =>
  new DataLoader<string, Event | null>(async (ids) => {
    const parameters: unknown[] = [[...ids]];
    const visible = visibleEventCondition(visibility, 'e', positionalParameters(parameters));
    const rows: EventRow[] = await dataSource.query(
      `SELECT ${eventColumns} FROM events.event e WHERE e.id = ANY($1::uuid[]) AND ${visible}`,
      parameters,
    );
    return orderByKeys(ids, rows.map(eventFromRow), (row) => row.id);
  });
