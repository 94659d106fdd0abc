import { readListSize } from '../../../platform/pagination';
import type { OrganisationResolvers } from '../generated/graphql';

export const Organisation: OrganisationResolvers = {
  __resolveReference: (reference, { organisations }) => organisations.findById(reference.id),
  people: (organisation, { first }, { people }) => people.listByOrganisation(organisation.id, readListSize(first)),
  membership: async (organisation, _args, { memberships }) => {
    const membership = await memberships.findByOrganisation(organisation.id);
    return membership && membership;
  },
  pendingInvitations: async (organisation, { first }, { invitations }) =>
    (await invitations.listOpen(organisation.id, readListSize(first))).map((invitation) => invitation),
};
