import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  applyForMembership: async (_root, { input }, { memberships }) => await memberships.apply(input.organisationId, input.tier),
  approveMembership: async (_root, { organisationId, reason }, { memberships }) =>
    await memberships.decide('approve', organisationId, reason),
  rejectMembership: async (_root, { organisationId, reason }, { memberships }) =>
    await memberships.decide('reject', organisationId, reason),
  suspendMembership: async (_root, { organisationId, reason }, { memberships }) =>
    await memberships.decide('suspend', organisationId, reason),
  reinstateMembership: async (_root, { organisationId, reason }, { memberships }) =>
    await memberships.decide('reinstate', organisationId, reason),
  lapseMembership: async (_root, { organisationId, reason }, { memberships }) =>
    await memberships.decide('lapse', organisationId, reason),
  leaveMembership: async (_root, { organisationId, reason }, { memberships }) => await memberships.leave(organisationId, reason),
  invitePerson: async (_root, { input }, { invitations }) => await invitations.invite(input),
  setInvitationDomains: (_root, { organisationId, domains }, { invitations }) => invitations.restrictDomains(organisationId, domains),
  acceptInvitation: (_root, { token, name, jobTitle }, { invitations }) => invitations.accept(token, name, jobTitle),
  changePersonRoles: (_root, { personId, roles }, { people }) => people.changeRoles(personId, roles),
  removePerson: (_root, { personId }, { people }) => people.remove(personId),
};
