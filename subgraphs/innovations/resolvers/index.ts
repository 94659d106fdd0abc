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
import { Document } from './document.resolver';
import { Mutation } from './mutation.resolver';
import { Organisation } from './organisation.resolver';
import { Person } from './person.resolver';
import { Query } from './query.resolver';
import { InnovationEdge } from './search-hit.resolver';
import { InnovationInsights, InsightsQuery, ProvenInnovationInsight, VettingInsight } from './insights.resolver';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query: { ...Query, ...InsightsQuery, ...DashboardQuery },
  Mutation,
  Innovation,
  Organisation,
  Person,
  EvidenceItem,
  Document,
  InnovationEvidence,
  InnovationFacets,
  InnovationEdge,
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
