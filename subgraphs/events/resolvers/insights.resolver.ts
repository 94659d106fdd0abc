import type { EventInsightsResolvers, QueryResolvers } from '../generated/graphql';

/** Analyst insights: `eventInsights` checks the caller and period; each field is one statement. */
export const InsightsQuery: Pick<QueryResolvers, 'eventInsights'> = {
  eventInsights: (_root, { period }, { insights }) => insights.open(period),
};

export const EventInsights: EventInsightsResolvers = {
  attendance: (scope, { groupBy }, { insights }) => insights.attendance(scope, groupBy),
};
