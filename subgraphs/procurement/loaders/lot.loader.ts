import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { createByIdLoader, groupByKeys } from '../../../platform/loaders';
import { Admission, Lot } from '../entities';
import { PUBLIC_ADMISSION_STATUSES } from '../policy';

export const createLotByIdLoader = (dataSource: DataSource) => createByIdLoader(dataSource.getRepository(Lot));

/** The lots of many routes in one query, each list ordered by number. */
export const createLotsByRouteLoader = (dataSource: DataSource) =>
  new DataLoader<string, Lot[]>(async (routeIds) => {
    const lots = await dataSource.getRepository(Lot).find({
      where: { routeId: In([...routeIds]) },
      order: { number: 'ASC', id: 'ASC' },
    });
    return groupByKeys(routeIds, lots, (lot) => lot.routeId);
  });

/** The ids of the suppliers admitted to many lots in one query, each list ordered by id. Public (policy.ts). */
export const createAdmittedSupplierIdsByLotLoader = (dataSource: DataSource) =>
  new DataLoader<string, string[]>(async (lotIds) => {
    const admissions = await dataSource.getRepository(Admission).find({
      select: { lotId: true, supplierId: true },
      where: { lotId: In([...lotIds]), status: In([...PUBLIC_ADMISSION_STATUSES]) },
      order: { supplierId: 'ASC' },
    });
    return groupByKeys(lotIds, admissions, (admission) => admission.lotId).map((group) => group.map((a) => a.supplierId));
  });
