import { notFound } from '../../../platform/errors';
import { readListSize } from '../../../platform/pagination';
import type { MembershipDecisionResolvers, MembershipResolvers } from '../generated/graphql';
import { type MembershipDecisionModel, type MembershipModel } from '../mappers';

export const Membership: MembershipResolvers = {
  organisation: async (membership: MembershipModel, _args, { organisations }) =>
    (await organisations.findById(membership.organisationId)) ?? Promise.reject(notFound('Organisation', membership.organisationId)),
  decisions: async (membership: MembershipModel, { first }, { memberships }) =>
    (await memberships.decisions(membership.organisationId, readListSize(first))).map((decision) => decision),
};

export const MembershipDecision: MembershipDecisionResolvers = {
  decidedById: (decision: MembershipDecisionModel) => decision.decidedBy,
  decidedBy: (decision: MembershipDecisionModel, _args, { people }) => people.findById(decision.decidedBy),
};
