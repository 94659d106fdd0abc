import type { ProcurementRouteResolvers } from '../generated/graphql';

export const ProcurementRoute: ProcurementRouteResolvers = {
  __resolveReference: (reference, { routes }) => routes.findById(reference.id),
  owner: (route) => ({ id: route.ownerId }),
  status: (route, _args, { routes }) => routes.status(route),
  lots: (route, _args, { lots }) => lots.listByRoute(route.id),
};
