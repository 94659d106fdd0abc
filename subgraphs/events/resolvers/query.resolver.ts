import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  event: (_root, { id }, { events }) => events.findById(id),
  events: (_root, args, { events }) => events.list(args),
};
