import type { OrganisationResolvers } from '../generated/graphql';

export const Organisation: OrganisationResolvers = {
  __resolveReference: (reference, { organisations }) => organisations.findById(reference.id),
  people: (organisation, _args, { people }) => people.listByOrganisation(organisation.id),
  membership: async (organisation, _args, { memberships }) => {
    const membership = await memberships.findByOrganisation(organisation.id);
    return membership && membership;
  },
  pendingInvitations: async (organisation, _args, { invitations }) =>
    (await invitations.listOpen(organisation.id)).map((invitation) => invitation),
};
