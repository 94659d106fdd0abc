import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  innovation: (_root, { id, asOf }, { innovations }) => innovations.findById(id, asOf ? new Date(asOf) : null),
  innovations: (_root, args, { innovations }) => innovations.list(args),
};
