import type { InnovationResolvers } from '../generated/graphql';

/** No __resolveReference: the representation (id, category, supplier { id }) is the whole parent. */
export const Innovation: InnovationResolvers = {
  availableVia: (innovation, _args, { routes }) => routes.availableVia(innovation),
};
