import { firstGroups } from '../../../platform/insights';
import type { EventAttendanceInsightResolvers, EventInsightsResolvers, QueryResolvers } from '../generated/graphql';

/** Analyst insights: `eventInsights` checks the caller and period; each field is one statement. */
export const InsightsQuery: Pick<QueryResolvers, 'eventInsights'> = {
  eventInsights: (_root, { period }, { insights }) => insights.open(period),
};

export const EventInsights: EventInsightsResolvers = {
  attendance: (scope, { groupBy }, { insights }) => insights.attendance(scope, groupBy),
};

/** At most `first` groups (platform/insights.ts INSIGHT_GROUPS). */
export const EventAttendanceInsight: EventAttendanceInsightResolvers = {
  groups: (insight, { first }) => firstGroups(insight.groups, first),
};
