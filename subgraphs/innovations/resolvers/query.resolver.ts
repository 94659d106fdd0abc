import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  innovation: (_root, { id }, { innovations }) => innovations.findById(id),
  innovations: (_root, args, { innovations }) => innovations.list(args),
};
