import { documentListSize } from '../../../platform/documents/document-graphql';
import { dayOf } from '../../../platform/clock';
import { notFound } from '../../../platform/errors';
import { LONG_LIST_BOUND, readListSize } from '../../../platform/pagination';
import type {
  AssessmentSummaryResolvers,
  AwardResolvers,
  ClarificationQuestionResolvers,
  ContractResolvers,
  ProcurementProjectResolvers,
  ProcurementResponseResolvers,
  ShortlistedInnovationResolvers,
  StandstillChallengeResolvers,
  WithdrawnAwardResolvers,
} from '../generated/graphql';
import { releasesOf } from '../services/ocds.service';
import { clarificationDeadline, standstillRequired, submissionDeadline } from '../services/regime';

export const ProcurementProject: ProcurementProjectResolvers = {
  __resolveReference: (reference, { projects }) => projects.findVisible(reference.id),
  buyer: (project) => ({ id: project.buyerId }),
  // The project is visible to the caller, so is its tender pack.
  documents: (project, { first }, { documents }) => documents.byProject({ first: documentListSize(first) }).load(project.id),
  nextDeadline: (project, _args, { dashboards }) => dashboards.nextDeadline(project),
  route: async (project, _args, { routes }) =>
    (await routes.findById(project.routeId)) ?? Promise.reject(notFound('ProcurementRoute', project.routeId)),
  lot: async (project, _args, { lots }) => (await lots.findById(project.lotId)) ?? Promise.reject(notFound('Lot', project.lotId)),
  status: (project, _args, { projects }) => projects.status(project),
  shortlist: (project, _args, { projects }) => projects.shortlist(project),
  // These three are read whole (the policy needs every invitation; visibility filters questions
  // row by row; a project has one response per invited supplier) and cut to `first` here.
  invitedSuppliers: async (project, { first }, { projects }) => {
    const size = readListSize(first);
    return (await projects.invitedSuppliers(project))?.slice(0, size) ?? null;
  },
  clarifications: async (project, { first }, { projects }) => {
    const size = readListSize(first);
    return (await projects.clarifications(project)).slice(0, size);
  },
  responseCount: (project, _args, { projects }) => projects.responseCount(project),
  responses: async (project, { first }, { projects }) => {
    const size = readListSize(first);
    return (await projects.responses(project)).slice(0, size);
  },
  award: (project) => (project.awardedAt ? project : null),
  contract: (project, _args, { projects }) => projects.contract(project),
  ocdsReleases: (project, _args, { loaders, clock }) => releasesOf(project, loaders, clock.now()),
  viewerCan: (project, _args, { projects }) => projects.viewerCan(project),
  tieBreak: (project) => (project.procedure === 'FURTHER_COMPETITION' ? project.tieBreak : null),
  assessmentSummaries: async (project, { first }, { projects }) =>
    (await projects.assessmentSummaries(project)).slice(0, readListSize(first)),
  auditTrail: (project, { first }, { projects }) => projects.auditTrail(project, readListSize(first, LONG_LIST_BOUND)),
  standstillRequired: async (project, _args, { routes }) => {
    const route = await routes.findById(project.routeId);
    if (!route) throw notFound('ProcurementRoute', project.routeId);
    return standstillRequired(project.regime, route.kind);
  },
  clarificationDeadline: (project) => clarificationDeadline(project),
  submissionDeadline: (project) => submissionDeadline(project),
  standstillDeadline: (project, _args, { projects }) => projects.standstillDeadline(project),
  // Read whole (a few per project) and filtered row by row by the viewer's rights, then cut here.
  challenges: async (project, { first }, { projects }) => (await projects.challenges(project)).slice(0, readListSize(first)),
  withdrawnAwards: async (project, { first }, { projects }) => (await projects.withdrawnAwards(project)).slice(0, readListSize(first)),
};

export const ShortlistedInnovation: ShortlistedInnovationResolvers = {
  innovation: (row) => ({ id: row.innovationId }),
  supplier: (row) => ({ id: row.supplierId }),
};

export const ClarificationQuestion: ClarificationQuestionResolvers = {
  askedByViewer: (question, _args, { projects }) => projects.askedByViewer(question),
  project: (question, _args, { dashboards }) => dashboards.projectOfQuestion(question),
  viewerCanAnswer: (question, _args, { projects }) => projects.canAnswer(question),
};

export const ProcurementResponse: ProcurementResponseResolvers = {
  supplier: (response) => ({ id: response.supplierId }),
  documents: (response, { first }, { documents }) => documents.responseDocuments(response, documentListSize(first)),
  scores: (response, _args, { projects }) => projects.scores(response),
  totalScore: (response, _args, { projects }) => projects.totalScore(response),
  moderatedAt: (response, _args, { projects }) => projects.moderatedAt(response),
  moderatedScores: (response, _args, { projects }) => projects.moderatedScores(response),
  assessmentSummary: (response, _args, { projects }) => projects.assessmentSummary(response),
  viewerCan: (response, _args, { projects }) => projects.responseViewerCan(response),
};

export const Award: AwardResolvers = {
  supplier: (project) => ({ id: project.awardedSupplierId! }),
  awardedAt: (project) => project.awardedAt!,
  standstillEndsOn: (project) => project.standstillEndsOn!,
  standstillObserved: (project) => project.standstillObserved,
  winningScore: (project, _args, { projects }) => projects.winningScore(project),
};

export const Contract: ContractResolvers = {
  project: (contract, _args, { projects }) => projects.projectOfContract(contract),
  buyer: (contract) => ({ id: contract.buyerId }),
  supplier: (contract) => ({ id: contract.supplierId }),
  detailsPublicationDeadline: (contract, _args, { projects }) => projects.contractDetailsDeadline(contract),
  detailsPublishedAt: (contract) => contract.recordedAt,
  detailsPublishedLate: async (contract, _args, { projects }) =>
    dayOf(contract.recordedAt) > (await projects.contractDetailsDeadline(contract)),
};

export const AssessmentSummary: AssessmentSummaryResolvers = {
  supplier: (summary) => ({ id: summary.supplierId }),
};

export const StandstillChallenge: StandstillChallengeResolvers = {
  project: (challenge, _args, { projects }) => projects.projectOfChallenge(challenge),
  challenger: (challenge) => ({ id: challenge.supplierId }),
  raisedBy: (challenge) => ({ id: challenge.raisedBy }),
  answeredBy: (challenge) => (challenge.answeredBy ? { id: challenge.answeredBy } : null),
  viewerCanAnswer: (challenge, _args, { projects }) => projects.canAnswerChallenge(challenge),
};

export const WithdrawnAward: WithdrawnAwardResolvers = {
  supplier: (award) => ({ id: award.supplierId }),
};
