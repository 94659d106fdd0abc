import type { DataSource } from 'typeorm';
import type { Identity } from '../../../platform/identity';
import type { InnovationVisibility } from '../policy';
import { createDashboardLoaders } from './dashboard.loader';
import { createInnovationByIdLoader, createInnovationsBySupplierLoaders } from './innovation.loader';
import { createVettingLoaders } from './vetting.loader';

/**
 * The loaders of one request. Made fresh per request so no cached row outlives it, and so the
 * viewer's visibility, fixed for the request, can be part of every list and count they run.
 */
export function createInnovationsLoaders(dataSource: DataSource, visibility: InnovationVisibility, viewer: Identity = null) {
  return {
    /** Raw rows by id; `InnovationService.findById` applies the visibility predicate to them. */
    innovationById: createInnovationByIdLoader(dataSource),
    innovationsBySupplier: createInnovationsBySupplierLoaders(dataSource, visibility),
    vetting: createVettingLoaders(dataSource, visibility, viewer),
    dashboard: createDashboardLoaders(dataSource),
  };
}
export type InnovationsLoaders = ReturnType<typeof createInnovationsLoaders>;
