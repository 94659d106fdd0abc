import type { DataSource } from 'typeorm';
import { createProcurementLoaders } from './loaders';
import { LotService } from './services/lot.service';
import { ProcurementRouteService } from './services/procurement-route.service';

/** What every procurement resolver receives: the request's services, sharing one set of loaders. */
export interface ProcurementContext {
  routes: ProcurementRouteService;
  lots: LotService;
}

export function createProcurementContext({ dataSource }: { dataSource: DataSource }): ProcurementContext {
  const loaders = createProcurementLoaders(dataSource);
  return {
    routes: new ProcurementRouteService(dataSource, loaders),
    lots: new LotService(loaders),
  };
}
