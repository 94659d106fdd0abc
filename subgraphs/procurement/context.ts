import type { Identity } from '../../platform/identity';
import type { RequestScope } from '../../platform/subgraph-server';
import { createProcurementLoaders } from './loaders';
import { LotService } from './services/lot.service';
import { ProcurementRouteService } from './services/procurement-route.service';

/** What every procurement resolver receives: the request's services, sharing one set of loaders. */
export interface ProcurementContext {
  /**
   * Who is asking. Nothing procurement exposes depends on it today — routes, lots and admitted
   * suppliers are public (policy.ts) — but a field showing non-public admissions must use it.
   */
  viewer: Identity;
  routes: ProcurementRouteService;
  lots: LotService;
}

export function createProcurementContext({ dataSource, viewer }: RequestScope): ProcurementContext {
  const loaders = createProcurementLoaders(dataSource);
  return {
    viewer,
    routes: new ProcurementRouteService(dataSource, loaders),
    lots: new LotService(loaders),
  };
}
