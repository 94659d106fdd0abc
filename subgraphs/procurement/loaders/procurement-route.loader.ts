import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { createByIdLoader } from '../../../platform/loaders';
import { Admission, Lot, ProcurementRoute } from '../entities';
import { onlyPublicAdmissions } from '../policy';
import { dayOf, type Clock } from '../../../platform/clock';
import { routeStatusSql } from '../services/route-lifecycle';

export const createRouteByIdLoader = (dataSource: DataSource) => createByIdLoader(dataSource.getRepository(ProcurementRoute));

/** `supplierId:category`: the inputs of Innovation.availableVia that the answer depends on. */
export const availabilityKey = (supplierId: string, category: string) => `${supplierId}:${category}`;

/**
 * The routes LIVE today (from their dates) each (supplier, category) pair can be bought through, for a whole batch of
 * innovations in one statement: the pairs go in as two parallel arrays, unnested into a join.
 * Reads only public (ADMITTED) admissions, see policy.ts.
 */
export const createLiveRoutesBySupplierCategoryLoader = (dataSource: DataSource, clock: Clock) =>
  new DataLoader<string, ProcurementRoute[]>(async (keys) => {
    const pairs = keys.map((key) => {
      const separator = key.indexOf(':');
      return { supplierId: key.slice(0, separator), category: key.slice(separator + 1) };
    });
    const query = dataSource
      .getRepository(ProcurementRoute)
      .createQueryBuilder('route')
      .innerJoin(Lot, 'lot', 'lot.routeId = route.id')
      .innerJoin(Admission, 'admission', 'admission.lotId = lot.id')
      .innerJoin(
        '(SELECT * FROM unnest(CAST(:supplierIds AS uuid[]), CAST(:categories AS text[])) AS pair (supplier_id, category))',
        'wanted',
        'wanted.supplier_id = admission.supplierId AND wanted.category = ANY(lot.categories)',
      )
      .addSelect('wanted.supplier_id', 'wanted_supplier_id')
      .addSelect('wanted.category', 'wanted_category')
      .where(`${routeStatusSql('route')} = 'LIVE'`, { today: dayOf(clock.now()) });
    const { entities, raw } = await onlyPublicAdmissions(query, 'admission')
      .setParameters({ supplierIds: pairs.map((p) => p.supplierId), categories: pairs.map((p) => p.category) })
      .orderBy('route.reference', 'ASC')
      .addOrderBy('route.id', 'ASC')
      .getRawAndEntities<{ route_id: string; wanted_supplier_id: string; wanted_category: string }>();
    const byId = new Map(entities.map((route) => [route.id, route]));
    // One raw row per (pair, lot); a supplier on two lots of one route still gets the route once.
    const found = new Map<string, Set<ProcurementRoute>>(keys.map((key) => [key, new Set()]));
    for (const row of raw) {
      const route = byId.get(row.route_id);
      if (route) found.get(availabilityKey(row.wanted_supplier_id, row.wanted_category))?.add(route);
    }
    return keys.map((key) => [...(found.get(key) ?? [])]);
  });
