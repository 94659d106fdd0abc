import type { ProcurementRouteResolvers } from '../generated/graphql';

export const ProcurementRoute: ProcurementRouteResolvers = {
  __resolveReference: (reference, { routes }) => routes.findById(reference.id),
  owner: (route) => ({ id: route.ownerId }),
  lots: (route, _args, { lots }) => lots.listByRoute(route.id),
};
