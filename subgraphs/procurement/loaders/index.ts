import type { DataSource } from 'typeorm';
import { createAdmittedSupplierIdsByLotLoader, createLotByIdLoader, createLotsByRouteLoader } from './lot.loader';
import { createLiveRoutesBySupplierCategoryLoader, createRouteByIdLoader } from './procurement-route.loader';

/** The loaders of one request. Made fresh per request so no cached row outlives it. */
export function createProcurementLoaders(dataSource: DataSource) {
  return {
    routeById: createRouteByIdLoader(dataSource),
    liveRoutesBySupplierCategory: createLiveRoutesBySupplierCategoryLoader(dataSource),
    lotById: createLotByIdLoader(dataSource),
    lotsByRoute: createLotsByRouteLoader(dataSource),
    admittedSupplierIdsByLot: createAdmittedSupplierIdsByLotLoader(dataSource),
  };
}
export type ProcurementLoaders = ReturnType<typeof createProcurementLoaders>;
