import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  createProcurementRoute: (_root, { input }, { routeAdmin }) => routeAdmin.create(input),
  updateProcurementRoute: (_root, { input }, { routeAdmin }) => routeAdmin.update(input),
  createLot: (_root, { input }, { routeAdmin }) => routeAdmin.createLot(input),
  updateLot: (_root, { input }, { routeAdmin }) => routeAdmin.updateLot(input),
  applyForAdmission: (_root, { input }, { admissions }) => admissions.apply(input),
  decideAdmission: (_root, { input }, { admissions }) => admissions.decide(input),
  createProcurementProject: (_root, { input }, { projectWorkflow }) => projectWorkflow.create(input),
  publishProcurementProject: (_root, { input }, { projectWorkflow }) => projectWorkflow.publish(input),
  cancelProcurementProject: (_root, { input }, { projectWorkflow }) => projectWorkflow.cancel(input),
  askClarificationQuestion: (_root, { projectId, question }, { projectWorkflow }) => projectWorkflow.ask(projectId, question),
  answerClarificationQuestion: (_root, { questionId, answer }, { projectWorkflow }) => projectWorkflow.answer(questionId, answer),
  submitResponse: (_root, { input }, { projectWorkflow }) => projectWorkflow.submitResponse(input),
  withdrawResponse: (_root, { input }, { projectWorkflow }) => projectWorkflow.withdrawResponse(input),
  declareConflictOfInterest: (_root, { input }, { projectWorkflow }) => projectWorkflow.declareConflict(input),
  scoreResponse: (_root, { input }, { projectWorkflow }) => projectWorkflow.score(input),
  moderateScores: (_root, { input }, { projectWorkflow }) => projectWorkflow.moderate(input),
  awardProcurementProject: (_root, { input }, { projectWorkflow }) => projectWorkflow.award(input),
  recordContract: (_root, { input }, { projectWorkflow }) => projectWorkflow.recordContract(input),
};
