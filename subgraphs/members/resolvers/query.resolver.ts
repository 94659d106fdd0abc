import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  organisation: (_root, { id }, { organisations }) => organisations.findById(id),
  organisations: (_root, args, { organisations }) => organisations.list(args),
  person: (_root, { id }, { people }) => people.findById(id),
  membershipApplicationsWaiting: (_root, { first }, { memberships }) => memberships.applicationsWaiting(first),
  viewer: async (_root, _args, { people }) => {
    const person = await people.findViewer();
    return person && { person };
  },
};
