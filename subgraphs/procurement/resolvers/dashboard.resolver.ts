import type { QueryResolvers, ViewerProcurementResolvers } from '../generated/graphql';

/** The dashboards' root fields; each answers about the signed-in caller's own organisation. */
export const DashboardQuery: Pick<QueryResolvers, 'viewerProcurement' | 'admissionsAwaitingDecision'> = {
  viewerProcurement: (_root, _args, { dashboards }) => dashboards.viewerView(),
  admissionsAwaitingDecision: (_root, { first }, { dashboards }) => dashboards.admissionsAwaitingDecision(first),
};

export const ViewerProcurement: ViewerProcurementResolvers = {
  liveProjects: (_viewer, { first }, { dashboards }) => dashboards.liveProjects(first),
  routesOpeningOrExpiringSoon: (_viewer, { withinDays }, { dashboards }) => dashboards.routesOpeningOrExpiringSoon(withinDays),
  innovationNews: (_viewer, _args, { dashboards }) => dashboards.innovationNews(),
  lotAdmissions: (_viewer, _args, { dashboards }) => dashboards.lotAdmissions(),
  openOpportunities: (_viewer, { first }, { dashboards }) => dashboards.openOpportunities(first),
  questionsAsked: (_viewer, { first }, { dashboards }) => dashboards.questionsAsked(first),
};
