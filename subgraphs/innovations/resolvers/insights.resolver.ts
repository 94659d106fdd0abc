import { firstGroups } from '../../../platform/insights';
import type {
  InnovationInsightsResolvers,
  ProvenInnovationInsightResolvers,
  QueryResolvers,
  VettingInsightResolvers,
} from '../generated/graphql';

/** Analyst insights: `innovationInsights` checks the caller and period; each field is one statement. */
export const InsightsQuery: Pick<QueryResolvers, 'innovationInsights'> = {
  innovationInsights: (_root, { period }, { insights }) => insights.open(period),
};

export const InnovationInsights: InnovationInsightsResolvers = {
  provenInnovations: (scope, { groupBy }, { insights }) => insights.provenInnovations(scope, groupBy),
  vettingDecisions: (scope, { groupBy }, { insights }) => insights.vettingDecisions(scope, groupBy),
};

/** At most `first` groups (platform/insights.ts INSIGHT_GROUPS). */
export const ProvenInnovationInsight: ProvenInnovationInsightResolvers = {
  groups: (insight, { first }) => firstGroups(insight.groups, first),
};

/** At most `first` groups (platform/insights.ts INSIGHT_GROUPS). */
export const VettingInsight: VettingInsightResolvers = {
  groups: (insight, { first }) => firstGroups(insight.groups, first),
};
