import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { groupByKeys } from '../../../platform/loaders';
import { EventRoute } from '../entities';

/** The related route ids of many events in one query, each list in the event's order. */
export const createRouteIdsByEventLoader = (dataSource: DataSource) =>
  new DataLoader<string, string[]>(async (eventIds) => {
    const routes = await dataSource.getRepository(EventRoute).find({
      where: { eventId: In([...eventIds]) },
      order: { position: 'ASC' },
    });
    return groupByKeys(eventIds, routes, (route) => route.eventId).map((group) => group.map((route) => route.routeId));
  });
