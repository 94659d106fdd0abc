import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  event: (_root, { id }, { events }) => events.findById(id),
  events: (_root, args, { events }) => events.list(args),
  faqs: (_root, args, { faqs }) => faqs.list(args),
  supportRequests: (_root, args, { support }) => support.list(args),
  supportRequestsOpenLongest: (_root, { first }, { support }) => support.openLongest(first),
  supportRequest: (_root, { id }, { support }) => support.find(id),
};
