import { firstGroups } from '../../../platform/insights';
import type {
  AdmissionInsightResolvers,
  ProcurementAwardInsightResolvers,
  ProcurementInsightsResolvers,
  ProcurementPipelineInsightResolvers,
  QueryResolvers,
} from '../generated/graphql';

/** Analyst insights: `procurementInsights` checks the caller and period; each field is one statement. */
export const InsightsQuery: Pick<QueryResolvers, 'procurementInsights'> = {
  procurementInsights: (_root, { period }, { insights }) => insights.open(period),
};

export const ProcurementInsights: ProcurementInsightsResolvers = {
  pipeline: (scope, { groupBy }, { insights }) => insights.pipeline(scope, groupBy),
  awards: (scope, { groupBy }, { insights }) => insights.awards(scope, groupBy),
  admissions: (scope, { groupBy }, { insights }) => insights.admissions(scope, groupBy),
};

/** At most `first` groups (platform/insights.ts INSIGHT_GROUPS). */
export const ProcurementPipelineInsight: ProcurementPipelineInsightResolvers = {
  groups: (insight, { first }) => firstGroups(insight.groups, first),
};

/** At most `first` groups (platform/insights.ts INSIGHT_GROUPS). */
export const ProcurementAwardInsight: ProcurementAwardInsightResolvers = {
  groups: (insight, { first }) => firstGroups(insight.groups, first),
};

/** At most `first` groups (platform/insights.ts INSIGHT_GROUPS). */
export const AdmissionInsight: AdmissionInsightResolvers = {
  groups: (insight, { first }) => firstGroups(insight.groups, first),
};
