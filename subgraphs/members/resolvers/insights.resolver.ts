import { firstGroups } from '../../../platform/insights';
import type { MembershipInsightResolvers, MembershipInsightsResolvers, QueryResolvers } from '../generated/graphql';

/** Analyst insights: `membershipInsights` checks the caller and period; each field is one statement. */
export const InsightsQuery: Pick<QueryResolvers, 'membershipInsights'> = {
  membershipInsights: (_root, { period }, { insights }) => insights.open(period),
};

export const MembershipInsights: MembershipInsightsResolvers = {
  members: (scope, { groupBy, statuses }, { insights }) => insights.members(scope, groupBy, statuses),
};

/** At most `first` groups (platform/insights.ts INSIGHT_GROUPS). */
export const MembershipInsight: MembershipInsightResolvers = {
  groups: (insight, { first }) => firstGroups(insight.groups, first),
};
