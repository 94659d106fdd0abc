import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { orderByKeys } from '../../../platform/loaders';
import { Event } from '../entities';
import { namedParameters, visibleEventCondition, type EventVisibility } from '../policy';

/**
 * Events by id for `event(id)` and `_entities`: one `SELECT … WHERE id IN (…)` per tick, with the
 * viewer's visibility condition, so an event the viewer may not see comes back null, like a missing one.
 */
export const createEventByIdLoader = (dataSource: DataSource, visibility: EventVisibility) =>
  new DataLoader<string, Event | null>(async (ids) => {
    const { bind, parameters } = namedParameters();
    const rows = await dataSource
      .getRepository(Event)
      .createQueryBuilder('event')
      .where('event.id IN (:...ids)', { ids: [...ids] })
      .andWhere(visibleEventCondition(visibility, 'event', bind), parameters)
      .getMany();
    return orderByKeys(ids, rows, (row) => row.id);
  });
