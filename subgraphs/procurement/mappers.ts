import type { Connection } from '../../platform/pagination';
import type { Lot, ProcurementRoute } from './entities';

/** The values resolvers return for each GraphQL type (graphql-codegen `mappers`). */
export type ProcurementRouteModel = ProcurementRoute;
export type LotModel = Lot;
export type ProcurementRouteConnectionModel = Connection<ProcurementRoute>;
/**
 * An Innovation as the gateway sends it: its key plus the fields `availableVia` @requires from the
 * innovations subgraph. Procurement stores nothing about innovations.
 */
export type InnovationModel = { id: string; category: string; supplier: { id: string } };
