import type { MembersContext } from '../context';
import { notFound } from '../../../platform/errors';
import type { MembershipDecisionResolvers, MembershipResolvers } from '../generated/graphql';
import { asGraphQL, type MembershipDecisionModel, type MembershipModel } from '../mappers';

// `any` parents: see mappers.ts; the parent is the model named on each resolver.
export const Membership: MembershipResolvers<MembersContext, any> = {
  organisation: async (membership: MembershipModel, _args, { organisations }) =>
    (await organisations.findById(membership.organisationId)) ?? Promise.reject(notFound('Organisation', membership.organisationId)),
  decisions: async (membership: MembershipModel, _args, { memberships }) =>
    (await memberships.decisions(membership.organisationId)).map((decision) => asGraphQL(decision)),
};

export const MembershipDecision: MembershipDecisionResolvers<MembersContext, any> = {
  decidedById: (decision: MembershipDecisionModel) => decision.decidedBy,
  decidedBy: (decision: MembershipDecisionModel, _args, { people }) => people.findById(decision.decidedBy),
};
