import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  applyForMembership: async (_root, { input }, { memberships }) => ({
    membership: await memberships.apply(input.organisationId, input.tier, input.version),
  }),
  approveMembership: async (_root, { organisationId, reason, version }, { memberships }) => ({
    membership: await memberships.decide('approve', organisationId, reason, version),
  }),
  rejectMembership: async (_root, { organisationId, reason, version }, { memberships }) => ({
    membership: await memberships.decide('reject', organisationId, reason, version),
  }),
  suspendMembership: async (_root, { organisationId, reason, version }, { memberships }) => ({
    membership: await memberships.decide('suspend', organisationId, reason, version),
  }),
  reinstateMembership: async (_root, { organisationId, reason, version }, { memberships }) => ({
    membership: await memberships.decide('reinstate', organisationId, reason, version),
  }),
  lapseMembership: async (_root, { organisationId, reason, version }, { memberships }) => ({
    membership: await memberships.decide('lapse', organisationId, reason, version),
  }),
  leaveMembership: async (_root, { organisationId, reason, version }, { memberships }) => ({
    membership: await memberships.leave(organisationId, reason, version),
  }),
  invitePerson: async (_root, { input }, { invitations }) => await invitations.invite(input),
  setInvitationDomains: async (_root, { organisationId, domains, version }, { invitations }) => ({
    organisation: await invitations.restrictDomains(organisationId, domains, version),
  }),
  acceptInvitation: async (_root, { token, name, jobTitle }, { invitations }) => ({
    person: await invitations.accept(token, name, jobTitle),
  }),
  changePersonRoles: async (_root, { personId, roles, version }, { people }) => ({
    person: await people.changeRoles(personId, roles, version),
  }),
  removePerson: async (_root, { personId }, { people }) => ({ removedPersonId: await people.remove(personId) }),
};
