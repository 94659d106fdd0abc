import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  createProcurementRoute: async (_root, { input }, { routeAdmin }) => ({ procurementRoute: await routeAdmin.create(input) }),
  updateProcurementRoute: async (_root, { input }, { routeAdmin }) => ({ procurementRoute: await routeAdmin.update(input) }),
  createLot: async (_root, { input }, { routeAdmin }) => ({ lot: await routeAdmin.createLot(input) }),
  updateLot: async (_root, { input }, { routeAdmin }) => ({ lot: await routeAdmin.updateLot(input) }),
  applyForAdmission: async (_root, { input }, { admissions }) => ({ admission: await admissions.apply(input) }),
  decideAdmission: async (_root, { input }, { admissions }) => ({ admission: await admissions.decide(input) }),
  createProcurementProject: async (_root, { input }, { projectWorkflow }) => ({ procurementProject: await projectWorkflow.create(input) }),
  publishProcurementProject: async (_root, { input }, { projectWorkflow }) => ({
    procurementProject: await projectWorkflow.publish(input),
  }),
  cancelProcurementProject: async (_root, { input }, { projectWorkflow }) => ({ procurementProject: await projectWorkflow.cancel(input) }),
  askClarificationQuestion: async (_root, { projectId, question }, { projectWorkflow }) => ({
    clarificationQuestion: await projectWorkflow.ask(projectId, question),
  }),
  answerClarificationQuestion: async (_root, { questionId, answer }, { projectWorkflow }) => ({
    clarificationQuestion: await projectWorkflow.answer(questionId, answer),
  }),
  submitResponse: async (_root, { input }, { projectWorkflow }) => ({ procurementResponse: await projectWorkflow.submitResponse(input) }),
  attachProcurementDocument: async (_root, { input }, { documents }) => ({ document: await documents.attach(input) }),
  removeProcurementDocument: async (_root, { id }, { documents }) => ({ removedDocumentId: await documents.remove(id) }),
  withdrawResponse: async (_root, { input }, { projectWorkflow }) => ({
    procurementResponse: await projectWorkflow.withdrawResponse(input),
  }),
  declareConflictOfInterest: async (_root, { input }, { projectWorkflow }) => ({
    procurementProject: await projectWorkflow.declareConflict(input),
  }),
  scoreResponse: async (_root, { input }, { projectWorkflow }) => ({ procurementResponse: await projectWorkflow.score(input) }),
  moderateScores: async (_root, { input }, { projectWorkflow }) => ({ procurementResponse: await projectWorkflow.moderate(input) }),
  awardProcurementProject: async (_root, { input }, { projectWorkflow }) => ({ procurementProject: await projectWorkflow.award(input) }),
  recordContract: async (_root, { input }, { projectWorkflow }) => ({ contract: await projectWorkflow.recordContract(input) }),
  raiseStandstillChallenge: async (_root, { input }, { standstillChallenges }) => ({
    standstillChallenge: await standstillChallenges.raise(input),
  }),
  answerStandstillChallenge: async (_root, { input }, { standstillChallenges }) => ({
    standstillChallenge: await standstillChallenges.answer(input),
  }),
  saveOpportunitySearch: async (_root, { input }, { savedSearches }) => ({ savedOpportunitySearch: await savedSearches.save(input) }),
  deleteSavedOpportunitySearch: async (_root, { id }, { savedSearches }) => ({
    deletedSavedOpportunitySearchId: await savedSearches.delete(id),
  }),
};
