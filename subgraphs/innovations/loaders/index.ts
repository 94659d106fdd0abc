import type { DataSource } from 'typeorm';
import { createInnovationByIdLoader, createInnovationsBySupplierLoaders } from './innovation.loader';

/** The loaders of one request. Made fresh per request so no cached row outlives it. */
export function createInnovationsLoaders(dataSource: DataSource) {
  return {
    innovationById: createInnovationByIdLoader(dataSource),
    innovationsBySupplier: createInnovationsBySupplierLoaders(dataSource),
  };
}
export type InnovationsLoaders = ReturnType<typeof createInnovationsLoaders>;
