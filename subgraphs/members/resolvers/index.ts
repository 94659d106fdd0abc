import { DateScalar, DateTimeScalar } from '../../../platform/scalars';
import type { Resolvers } from '../generated/graphql';
import { Invitation } from './invitation.resolver';
import { Membership, MembershipDecision } from './membership.resolver';
import { Mutation } from './mutation.resolver';
import { Organisation } from './organisation.resolver';
import { Person } from './person.resolver';
import { Query } from './query.resolver';
import { InsightsQuery, MembershipInsight, MembershipInsights } from './insights.resolver';
import { SignedInViewer } from './viewer.resolver';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query: { ...Query, ...InsightsQuery },
  Mutation,
  Organisation,
  Person,
  Membership,
  MembershipDecision,
  Invitation,
  SignedInViewer,
  MembershipInsights,
  MembershipInsight,
};
