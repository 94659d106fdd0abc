import type { InnovationResolvers } from '../generated/graphql';

export const Innovation: InnovationResolvers = {
  __resolveReference: (reference, { innovations }) => innovations.findById(reference.id),
  // The supplier is a members entity: answer a reference and let the gateway fetch the rest.
  supplier: (innovation) => ({ id: innovation.supplierId }),
};
