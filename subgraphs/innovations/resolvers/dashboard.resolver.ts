import { readListSize } from '../../../platform/pagination';
import type {
  EvidenceConfirmationRequestResolvers,
  InnovationCategoryNewsResolvers,
  QueryResolvers,
  VettingQueueEntryResolvers,
  ViewerInnovationsResolvers,
} from '../generated/graphql';

/** The dashboards' root fields; every one answers about the signed-in caller only. */
export const DashboardQuery: Pick<QueryResolvers, 'viewerInnovations' | 'vettingQueue'> = {
  viewerInnovations: (_root, _args, { dashboards }) => dashboards.viewerView(),
  vettingQueue: (_root, { first }, { dashboards }) => dashboards.vettingQueue(first),
};

export const ViewerInnovations: ViewerInnovationsResolvers = {
  evidenceAwaitingConfirmation: (_viewer, { first }, { dashboards }) => dashboards.evidenceAwaitingConfirmation(first),
  innovationCountsByStatus: (_viewer, _args, { dashboards }) => dashboards.countsByStatus(),
  endorsementsReceived: (_viewer, { first }, { dashboards }) => dashboards.endorsementsReceived(first),
};

export const EvidenceConfirmationRequest: EvidenceConfirmationRequestResolvers = {
  evidence: (evidence) => evidence,
  innovationTitle: async (evidence, _args, { dashboards }) => (await dashboards.innovationOfEvidence(evidence)).title,
  supplier: async (evidence, _args, { dashboards }) => ({ id: (await dashboards.innovationOfEvidence(evidence)).supplierId }),
};

export const VettingQueueEntry: VettingQueueEntryResolvers = {
  innovation: (entry, _args, { dashboards }) => dashboards.queuedInnovation(entry),
  waitingDays: (entry, _args, { dashboards }) => dashboards.waitingDays(entry),
  assessors: (entry, { first }, { dashboards }) => dashboards.assessors(entry, readListSize(first)),
};

export const InnovationCategoryNews: InnovationCategoryNewsResolvers = {
  __resolveReference: (reference) => ({ category: reference.category }),
  recentlyApproved: (news, { first }, { dashboards }) => dashboards.recentlyApproved(news.category, first),
};
