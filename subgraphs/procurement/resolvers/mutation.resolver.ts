import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  createProcurementRoute: (_root, { input }, { routeAdmin }) => routeAdmin.create(input),
  updateProcurementRoute: (_root, { input }, { routeAdmin }) => routeAdmin.update(input),
  createLot: (_root, { input }, { routeAdmin }) => routeAdmin.createLot(input),
  updateLot: (_root, { input }, { routeAdmin }) => routeAdmin.updateLot(input),
  applyForAdmission: (_root, { input }, { admissions }) => admissions.apply(input),
  decideAdmission: (_root, { input }, { admissions }) => admissions.decide(input),
  createProcurementProject: (_root, { input }, { projects }) => projects.create(input),
  publishProcurementProject: (_root, { input }, { projects }) => projects.publish(input),
  cancelProcurementProject: (_root, { input }, { projects }) => projects.cancel(input),
  askClarificationQuestion: (_root, { projectId, question }, { projects }) => projects.ask(projectId, question),
  answerClarificationQuestion: (_root, { questionId, answer }, { projects }) => projects.answer(questionId, answer),
  submitResponse: (_root, { input }, { projects }) => projects.submitResponse(input),
  declareConflictOfInterest: (_root, { input }, { projects }) => projects.declareConflict(input),
  scoreResponse: (_root, { input }, { projects }) => projects.score(input),
  awardProcurementProject: (_root, { input }, { projects }) => projects.award(input),
  recordContract: (_root, { input }, { projects }) => projects.recordContract(input),
};
