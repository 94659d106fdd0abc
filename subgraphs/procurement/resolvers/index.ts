import { DashboardQuery, ViewerProcurement } from './dashboard.resolver';
import { GraphQLJSON } from './json.scalar';
import { DateScalar, DateTimeScalar } from '../../../platform/scalars';
import type { Resolvers } from '../generated/graphql';
import { Innovation } from './innovation.resolver';
import { Lot } from './lot.resolver';
import { Document } from './document.resolver';
import { Mutation } from './mutation.resolver';
import { Admission, Organisation } from './organisation.resolver';
import { ProcurementRoute } from './procurement-route.resolver';
import {
  AssessmentSummary,
  Award,
  ClarificationQuestion,
  Contract,
  ProcurementProject,
  ProcurementResponse,
  ShortlistedInnovation,
  StandstillChallenge,
  WithdrawnAward,
} from './project.resolver';
import { Query } from './query.resolver';
import { Person, SavedOpportunitySearch } from './saved-search.resolver';
import { EvaluationIncomplete } from './refusal.resolver';
import {
  AdmissionInsight,
  InsightsQuery,
  ProcurementAwardInsight,
  ProcurementInsights,
  ProcurementPipelineInsight,
} from './insights.resolver';

export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  JSON: GraphQLJSON,
  Query: { ...Query, ...InsightsQuery, ...DashboardQuery },
  Mutation,
  ProcurementRoute,
  Lot,
  Innovation,
  Organisation,
  Person,
  SavedOpportunitySearch,
  Admission,
  ProcurementProject,
  ShortlistedInnovation,
  ClarificationQuestion,
  ProcurementResponse,
  Award,
  AssessmentSummary,
  StandstillChallenge,
  WithdrawnAward,
  Contract,
  ProcurementInsights,
  ProcurementPipelineInsight,
  ProcurementAwardInsight,
  AdmissionInsight,
  ViewerProcurement,
  EvaluationIncomplete,
  Document,
};
