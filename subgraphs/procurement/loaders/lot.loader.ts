import DataLoader from 'dataloader';
import { In, type DataSource } from 'typeorm';
import { createByIdLoader, groupByKeys } from '../../../platform/loaders';
import { Admission, Lot, ProcurementRoute } from '../entities';
import { dayOf, type Clock } from '../services/clock';
import { routeStatusSql } from '../services/route-lifecycle';
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

/**
 * The ids of the suppliers admitted to many lots in one query, each list ordered by id. Public
 * (policy.ts). An admission ends with its route: none are listed once the route has expired.
 */
export const createAdmittedSupplierIdsByLotLoader = (dataSource: DataSource, clock: Clock) =>
  new DataLoader<string, string[]>(async (lotIds) => {
    const admissions = await dataSource
      .getRepository(Admission)
      .createQueryBuilder('admission')
      .select(['admission.id', 'admission.lotId', 'admission.supplierId'])
      .innerJoin(Lot, 'lot', 'lot.id = admission.lotId')
      .innerJoin(ProcurementRoute, 'route', 'route.id = lot.routeId')
      .where('admission.lotId IN (:...lotIds)', { lotIds: [...lotIds] })
      .andWhere('admission.status IN (:...admitted)', { admitted: [...PUBLIC_ADMISSION_STATUSES] })
      .andWhere(`${routeStatusSql('route')} <> 'EXPIRED'`, { today: dayOf(clock.now()) })
      .orderBy('admission.supplierId', 'ASC')
      .getMany();
    return groupByKeys(lotIds, admissions, (admission) => admission.lotId).map((group) => group.map((a) => a.supplierId));
  });

/**
 * The names suppliers had when they applied to each lot (snapshots; see the party-names migration),
 * for OCDS parties. One query for many lots. Only ever shown for suppliers a release publishes.
 */
export const createSupplierNamesByLotLoader = (dataSource: DataSource) =>
  new DataLoader<string, ReadonlyMap<string, string>>(async (lotIds) => {
    const rows: { lot_id: string; supplier_id: string; supplier_name: string }[] = await dataSource.query(
      `SELECT lot_id, supplier_id, supplier_name FROM procurement.admission WHERE lot_id = ANY($1::uuid[]) AND supplier_name IS NOT NULL`,
      [[...lotIds]],
    );
    return lotIds.map((lotId) => new Map(rows.filter((row) => row.lot_id === lotId).map((row) => [row.supplier_id, row.supplier_name])));
  });
