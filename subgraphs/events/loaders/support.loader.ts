import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { groupByKeys } from '../../../platform/loaders';
import { SupportRequestEntry } from '../entities';

/** Messages and status changes of many support requests, oldest first, in one statement. */
export const createSupportEntriesLoader = (dataSource: DataSource) =>
  new DataLoader<string, SupportRequestEntry[]>(async (requestIds) => {
    const rows = await dataSource
      .getRepository(SupportRequestEntry)
      .find({ where: { requestId: In([...requestIds]) }, order: { sequence: 'ASC' } });
    return groupByKeys(requestIds, rows, (row) => row.requestId);
  });
