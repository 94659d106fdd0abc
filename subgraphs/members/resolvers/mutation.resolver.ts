import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  applyForMembership: async (_root, { input }, { memberships }) => ({
    membership: await memberships.apply(input.organisationId, input.tier),
  }),
  approveMembership: async (_root, { organisationId, reason }, { memberships }) => ({
    membership: await memberships.decide('approve', organisationId, reason),
  }),
  rejectMembership: async (_root, { organisationId, reason }, { memberships }) => ({
    membership: await memberships.decide('reject', organisationId, reason),
  }),
  suspendMembership: async (_root, { organisationId, reason }, { memberships }) => ({
    membership: await memberships.decide('suspend', organisationId, reason),
  }),
  reinstateMembership: async (_root, { organisationId, reason }, { memberships }) => ({
    membership: await memberships.decide('reinstate', organisationId, reason),
  }),
  lapseMembership: async (_root, { organisationId, reason }, { memberships }) => ({
    membership: await memberships.decide('lapse', organisationId, reason),
  }),
  leaveMembership: async (_root, { organisationId, reason }, { memberships }) => ({
    membership: await memberships.leave(organisationId, reason),
  }),
  invitePerson: async (_root, { input }, { invitations }) => await invitations.invite(input),
  setInvitationDomains: async (_root, { organisationId, domains }, { invitations }) => ({
    organisation: await invitations.restrictDomains(organisationId, domains),
  }),
  acceptInvitation: async (_root, { token, name, jobTitle }, { invitations }) => ({
    person: await invitations.accept(token, name, jobTitle),
  }),
  changePersonRoles: async (_root, { personId, roles }, { people }) => ({ person: await people.changeRoles(personId, roles) }),
  removePerson: async (_root, { personId }, { people }) => ({ removedPersonId: await people.remove(personId) }),
};
