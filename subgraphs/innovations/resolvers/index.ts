import { DateScalar, DateTimeScalar } from '../../../platform/scalars';
import type { Resolvers } from '../generated/graphql';
import {
  Assessment,
  Certification,
  Endorsement,
  EvidenceItem,
  Innovation,
  InnovationAuditEvent,
  InnovationEvidence,
  InnovationFacets,
} from './innovation.resolver';
import {
  DashboardQuery,
  EvidenceConfirmationRequest,
  InnovationCategoryNews,
  VettingQueueEntry,
  ViewerInnovations,
} from './dashboard.resolver';
import { Mutation } from './mutation.resolver';
import { Organisation } from './organisation.resolver';
import { Query } from './query.resolver';
import { InnovationInsights, InsightsQuery, ProvenInnovationInsight, VettingInsight } from './insights.resolver';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query: { ...Query, ...InsightsQuery, ...DashboardQuery },
  Mutation,
  Innovation,
  Organisation,
  EvidenceItem,
  InnovationEvidence,
  InnovationFacets,
  Certification,
  Assessment,
  Endorsement,
  InnovationAuditEvent,
  InnovationInsights,
  ProvenInnovationInsight,
  VettingInsight,
  ViewerInnovations,
  EvidenceConfirmationRequest,
  VettingQueueEntry,
  InnovationCategoryNews,
};
