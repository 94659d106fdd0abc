import type { DataSource } from 'typeorm';
import type { Identity } from '../../../platform/identity';
import type { Clock } from '../../../platform/clock';
import {
  createAdmittedSupplierIdsByLotLoader,
  createAdmittedSuppliersByLotLoaders,
  createLotByIdLoader,
  createLotsByRouteLoaders,
  createSupplierNamesByLotLoader,
} from './lot.loader';
import {
  createContractByProjectLoader,
  createContractsByOrganisationLoaders,
  createDeclarationLoader,
  createInvitedSupplierIdsLoader,
  createOwnResponsesLoader,
  createProjectByIdLoader,
  createQuestionByIdLoader,
  createQuestionsByProjectLoader,
  createResponderIdsLoader,
  createResponseByIdLoader,
  createResponsesByProjectLoader,
  createScoresByResponseLoader,
  createShortlistLoader,
  createWinningResponseLoader,
} from './project.loader';
import { createAuditTrailByProjectLoaders } from './audit-trail.loader';
import { createChallengesByProjectLoader, createWithdrawnAwardsByProjectLoader } from './challenge.loader';
import {
  createAssessmentSummariesByProjectLoader,
  createAssessmentSummaryByResponseLoader,
  createCountedScoresByResponseLoader,
  createModeratedScoresByResponseLoader,
} from './evaluation.loader';
import { createLiveRoutesBySupplierCategoryLoader, createRouteByIdLoader } from './procurement-route.loader';

/** The loaders of one request. Made fresh per request so no cached row outlives it. */
export function createProcurementLoaders(dataSource: DataSource, viewer: Identity, clock: Clock) {
  return {
    routeById: createRouteByIdLoader(dataSource),
    liveRoutesBySupplierCategory: createLiveRoutesBySupplierCategoryLoader(dataSource, clock),
    lotById: createLotByIdLoader(dataSource),
    lotsByRoute: createLotsByRouteLoaders(dataSource),
    admittedSupplierIdsByLot: createAdmittedSupplierIdsByLotLoader(dataSource, clock),
    admittedSuppliersByLot: createAdmittedSuppliersByLotLoaders(dataSource, clock),
    supplierNamesByLot: createSupplierNamesByLotLoader(dataSource),
    projectById: createProjectByIdLoader(dataSource),
    questionById: createQuestionByIdLoader(dataSource),
    responseById: createResponseByIdLoader(dataSource),
    invitedSupplierIds: createInvitedSupplierIdsLoader(dataSource),
    shortlist: createShortlistLoader(dataSource),
    questionsByProject: createQuestionsByProjectLoader(dataSource),
    responsesByProject: createResponsesByProjectLoader(dataSource),
    ownResponses: createOwnResponsesLoader(dataSource, viewer?.organisationId ?? '00000000-0000-0000-0000-000000000000'),
    responderIds: createResponderIdsLoader(dataSource),
    scoresByResponse: createScoresByResponseLoader(dataSource),
    countedScoresByResponse: createCountedScoresByResponseLoader(dataSource),
    moderatedScoresByResponse: createModeratedScoresByResponseLoader(dataSource),
    assessmentSummaryByResponse: createAssessmentSummaryByResponseLoader(dataSource),
    assessmentSummariesByProject: createAssessmentSummariesByProjectLoader(dataSource),
    winningResponse: createWinningResponseLoader(dataSource),
    declaration: createDeclarationLoader(dataSource, viewer?.personId ?? null),
    contractByProject: createContractByProjectLoader(dataSource),
    contractsByOrganisation: createContractsByOrganisationLoaders(dataSource),
    auditTrailByProject: createAuditTrailByProjectLoaders(dataSource),
    challengesByProject: createChallengesByProjectLoader(dataSource),
    withdrawnAwardsByProject: createWithdrawnAwardsByProjectLoader(dataSource),
  };
}
export type ProcurementLoaders = ReturnType<typeof createProcurementLoaders>;
