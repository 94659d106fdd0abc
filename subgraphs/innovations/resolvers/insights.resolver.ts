import type { InnovationInsightsResolvers, QueryResolvers } from '../generated/graphql';

/** Analyst insights: `innovationInsights` checks the caller and period; each field is one statement. */
export const InsightsQuery: Pick<QueryResolvers, 'innovationInsights'> = {
  innovationInsights: (_root, { period }, { insights }) => insights.open(period),
};

export const InnovationInsights: InnovationInsightsResolvers = {
  provenInnovations: (scope, { groupBy }, { insights }) => insights.provenInnovations(scope, groupBy),
  vettingDecisions: (scope, { groupBy }, { insights }) => insights.vettingDecisions(scope, groupBy),
};
