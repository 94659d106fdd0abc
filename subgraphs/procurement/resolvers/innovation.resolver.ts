import { readListSize } from '../../../platform/pagination';
import type { InnovationResolvers } from '../generated/graphql';

/** No __resolveReference: the representation (id, category, supplier { id }) is the whole parent. */
export const Innovation: InnovationResolvers = {
  availableVia: (innovation, { first }, { routes }) => routes.availableVia(innovation, readListSize(first)),
};
