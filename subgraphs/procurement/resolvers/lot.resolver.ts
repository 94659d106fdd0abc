import { notFound } from '../../../platform/errors';
import { readListSize } from '../../../platform/pagination';
import type { LotResolvers } from '../generated/graphql';

export const Lot: LotResolvers = {
  __resolveReference: (reference, { lots }) => lots.findById(reference.id),
  route: async (lot, _args, { routes }) =>
    (await routes.findById(lot.routeId)) ?? Promise.reject(notFound('ProcurementRoute', lot.routeId)),
  admittedSuppliers: (lot, { first }, { lots }) => lots.admittedSuppliers(lot.id, readListSize(first)),
};
