import type { InnovationCategory } from './generated/graphql';
import type { Connection } from '../../platform/pagination';
import type {
  Admission,
  ClarificationQuestion,
  Contract,
  Lot,
  ProcurementProject,
  ProcurementResponse,
  ProcurementRoute,
  SavedOpportunitySearch,
} from './entities';
import type { StandstillChallengeRow, WithdrawnAwardRow } from './loaders/challenge.loader';

/** The values resolvers return for each GraphQL type (graphql-codegen `mappers`). */
export type ProcurementRouteModel = ProcurementRoute;
export type LotModel = Lot;
export type ProcurementRouteConnectionModel = Connection<ProcurementRoute>;
/**
 * An Innovation as the gateway sends it: its key plus the fields `availableVia` @requires from the
 * innovations subgraph. Procurement stores nothing about innovations. A shortlist returns the key only.
 */
export type InnovationModel = { id: string; category?: string; supplier?: { id: string } };
/** Members owns organisations; procurement knows their ids. */
export type OrganisationModel = { id: string };
/** Members owns people; procurement knows their ids (for their saved searches). */
export type PersonModel = { id: string };
export type SavedOpportunitySearchModel = SavedOpportunitySearch;
export type ProcurementProjectModel = ProcurementProject;
export type ProcurementProjectConnectionModel = Connection<ProcurementProject>;
export type ShortlistedInnovationModel = { innovationId: string; supplierId: string };
export type ClarificationQuestionModel = ClarificationQuestion;
export type ProcurementResponseModel = ProcurementResponse;
/** The award is part of its project. */
export type AwardModel = ProcurementProject;
/** A tender's assessment summary as issued at the award (the stored snapshot); members resolves the supplier. */
export type AssessmentSummaryModel = {
  supplierId: string;
  won: boolean;
  totalScore: number;
  winningTotalScore: number;
  criteria: { criterion: string; weight: number; score: number; reason: string | null; winningScore: number }[];
  tieBreak: 'LOWEST_PRICE' | 'HIGHEST_SCORE_ON_FIRST_CRITERION';
  decidedByTieBreak: boolean;
  reason: string;
  issuedAt: Date;
  /** When an upheld challenge withdrew the award it was issued with; null while it stands. */
  supersededAt: Date | null;
};
/** A standstill challenge as stored; members resolves the challenger and the people. */
export type StandstillChallengeModel = StandstillChallengeRow;
/** An award withdrawn on an upheld challenge, as recorded. */
export type WithdrawnAwardModel = WithdrawnAwardRow;
export type ContractModel = Contract;
export type AdmissionModel = Admission;
export type AdmissionConnectionModel = Connection<Admission>;

/** Analyst insights: the checked period their fields aggregate over. */
export type { ProcurementInsightsScope as ProcurementInsightsModel } from './services/insights.service';

// Dashboards.
/** The caller's own view; its fields read the caller from the request, so it carries nothing. */
export type ViewerProcurementModel = Record<string, never>;
export type RouteDateAheadModel = { route: ProcurementRoute; kind: 'OPENS' | 'EXPIRES'; on: string; daysAway: number };
export type ProjectDeadlineModel = {
  kind: 'CLARIFICATION_CUT_OFF' | 'RESPONSE_DEADLINE' | 'STANDSTILL_END';
  at: Date;
  workingDaysLeft: number;
};
/** Owned by innovations; procurement hands out the key. */
export type InnovationCategoryNewsModel = { category: InnovationCategory };
/** A tender pack's or response's file (platform/documents/document-store.ts). */
export type { DocumentRow as DocumentModel } from '../../platform/documents/document-store';
