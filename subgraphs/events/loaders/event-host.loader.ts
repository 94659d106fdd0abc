import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { groupByKeys } from '../../../platform/loaders';
import { EventHost } from '../entities';

/** The host organisation ids of many events in one query, each list lead host first. */
export const createHostIdsByEventLoader = (dataSource: DataSource) =>
  new DataLoader<string, string[]>(async (eventIds) => {
    const hosts = await dataSource.getRepository(EventHost).find({
      where: { eventId: In([...eventIds]) },
      order: { position: 'ASC' },
    });
    return groupByKeys(eventIds, hosts, (host) => host.eventId).map((group) => group.map((host) => host.organisationId));
  });
