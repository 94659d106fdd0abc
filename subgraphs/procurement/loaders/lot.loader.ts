import DataLoader from 'dataloader';
import { type DataSource } from 'typeorm';
import {
  boundedChildrenLoaders,
  createByIdLoader,
  findFirstPerParent,
  firstRowsPerParentSql,
  groupByKeys,
  loaderPerArguments,
} from '../../../platform/loaders';
import { Admission, Lot, ProcurementRoute } from '../entities';
import { dayOf, type Clock } from '../../../platform/clock';
import { routeStatusSql } from '../services/route-lifecycle';
import { onlyPublicAdmissions } from '../policy';

export const createLotByIdLoader = (dataSource: DataSource) => createByIdLoader(dataSource.getRepository(Lot));

/** The lots of many routes in one query, each list ordered by number, at most `first` each. */
export const createLotsByRouteLoaders = (dataSource: DataSource) =>
  boundedChildrenLoaders(
    (routeIds, first) =>
      findFirstPerParent(dataSource.getRepository(Lot), {
        parent: 'routeId',
        parentIds: routeIds,
        order: [
          ['number', 'ASC'],
          ['id', 'ASC'],
        ],
        limit: first,
      }),
    (lot) => lot.routeId,
  );

/**
 * The ids of the suppliers admitted to many lots in one query, each list ordered by id. Public
 * (policy.ts). An admission ends with its route: none are listed once the route has expired.
 */
export const createAdmittedSupplierIdsByLotLoader = (dataSource: DataSource, clock: Clock) =>
  new DataLoader<string, string[]>(async (lotIds) => {
    const query = dataSource
      .getRepository(Admission)
      .createQueryBuilder('admission')
      .select(['admission.id', 'admission.lotId', 'admission.supplierId'])
      .innerJoin(Lot, 'lot', 'lot.id = admission.lotId')
      .innerJoin(ProcurementRoute, 'route', 'route.id = lot.routeId')
      .where('admission.lotId IN (:...lotIds)', { lotIds: [...lotIds] });
    const admissions = await onlyPublicAdmissions(query, 'admission')
      .andWhere(`${routeStatusSql('route')} <> 'EXPIRED'`, { today: dayOf(clock.now()) })
      .orderBy('admission.supplierId', 'ASC')
      .getMany();
    return groupByKeys(lotIds, admissions, (admission) => admission.lotId).map((group) => group.map((a) => a.supplierId));
  });

/**
 * What `Lot.admittedSuppliers(first)` lists: the first `first` admitted suppliers of each of many
 * lots by id, in one statement (the same admissions as above, numbered per lot). The loader above
 * reads them all, for publishing a project, which invites every one.
 */
export const createAdmittedSuppliersByLotLoaders = (dataSource: DataSource, clock: Clock) =>
  loaderPerArguments(
    (first: number) =>
      new DataLoader<string, string[]>(async (lotIds) => {
        const query = dataSource
          .getRepository(Admission)
          .createQueryBuilder('admission')
          .select('admission.lotId', 'lot_id')
          .addSelect('admission.supplierId', 'supplier_id')
          .innerJoin(Lot, 'lot', 'lot.id = admission.lotId')
          .innerJoin(ProcurementRoute, 'route', 'route.id = lot.routeId')
          .where('admission.lotId IN (:...lotIds)', { lotIds: [...lotIds] });
        const [sql, parameters] = onlyPublicAdmissions(query, 'admission')
          .andWhere(`${routeStatusSql('route')} <> 'EXPIRED'`, { today: dayOf(clock.now()) })
          .getQueryAndParameters();
        const rows: { lot_id: string; supplier_id: string }[] = await dataSource.query(
          firstRowsPerParentSql(sql, { parent: 'lot_id', orderBy: 'supplier_id', limit: first }),
          parameters,
        );
        return groupByKeys(lotIds, rows, (row) => row.lot_id).map((group) => group.map((row) => row.supplier_id));
      }),
  );

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
