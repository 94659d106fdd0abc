import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { findFirstPerParent, groupByKeys, loaderPerArguments } from '../../../platform/loaders';
import { SupportRequestEntry } from '../entities';

/** Messages or status changes (`kind`) of many support requests, oldest first, at most `first` each, in one statement. */
export const createSupportEntriesLoaders = (dataSource: DataSource) =>
  loaderPerArguments(
    ({ kind, first }: { kind: 'MESSAGE' | 'STATUS_CHANGE'; first: number }) =>
      new DataLoader<string, SupportRequestEntry[]>(async (requestIds) => {
        const rows = await findFirstPerParent(dataSource.getRepository(SupportRequestEntry), {
          parent: 'requestId',
          parentIds: requestIds,
          order: [['sequence', 'ASC']],
          where: 'kind = :kind',
          parameters: { kind },
          limit: first,
        });
        return groupByKeys(requestIds, rows, (row) => row.requestId);
      }),
  );
