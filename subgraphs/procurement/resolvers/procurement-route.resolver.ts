import { readListSize } from '../../../platform/pagination';
import type { ProcurementRouteResolvers } from '../generated/graphql';

export const ProcurementRoute: ProcurementRouteResolvers = {
  __resolveReference: (reference, { routes }) => routes.findById(reference.id),
  owner: (route) => ({ id: route.ownerId }),
  status: (route, _args, { routes }) => routes.status(route),
  lots: (route, { first }, { lots }) => lots.listByRoute(route.id, readListSize(first)),
};
