import type { QueryResolvers } from '../generated/graphql';

export const Query: QueryResolvers = {
  procurementRoute: (_root, { id }, { routes }) => routes.findById(id),
  procurementRoutes: (_root, args, { routes }) => routes.list(args),
  admissions: (_root, args, { admissions }) => admissions.list(args),
  procurementProject: (_root, { id }, { projects }) => projects.findVisible(id),
  procurementProjects: (_root, args, { projects }) => projects.list(args),
};
