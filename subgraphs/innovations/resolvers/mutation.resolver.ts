import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  createInnovation: async (_root, { input }, { workflow }) => ({ innovation: await workflow.create(input) }),
  updateInnovation: async (_root, { id, input, version }, { workflow }) => ({ innovation: await workflow.update(id, input, version) }),
  deleteInnovation: async (_root, { id }, { workflow }) => ({ deletedInnovationId: await workflow.delete(id) }),
  submitInnovation: async (_root, { id, version }, { workflow }) => ({ innovation: await workflow.submit(id, version) }),
  withdrawInnovation: async (_root, { id, reason, version }, { workflow }) => ({
    innovation: await workflow.withdraw(id, reason, version),
  }),
  archiveInnovation: async (_root, { id, reason, version }, { workflow }) => ({ innovation: await workflow.archive(id, reason, version) }),
  assignAssessor: async (_root, { innovationId, assessorId }, { workflow }) => ({
    innovation: await workflow.assignAssessor(innovationId, assessorId),
  }),
  declareConflict: async (_root, { input }, { workflow }) => ({ innovation: await workflow.declareConflict(input) }),
  submitAssessment: async (_root, { input }, { workflow }) => ({ assessment: await workflow.submitAssessment(input) }),
  decideInnovation: async (_root, { input }, { workflow }) => ({ innovation: await workflow.decide(input) }),
  addEvidence: async (_root, { input }, { workflow }) => ({ innovation: await workflow.addEvidence(input) }),
  confirmEvidence: async (_root, { evidenceId, note }, { workflow }) => ({
    evidenceItem: await workflow.confirmEvidence(evidenceId, note),
  }),
  disputeEvidence: async (_root, { evidenceId, note }, { workflow }) => ({
    evidenceItem: await workflow.disputeEvidence(evidenceId, note),
  }),
  vetEvidence: async (_root, { evidenceId, note }, { workflow }) => ({ evidenceItem: await workflow.vetEvidence(evidenceId, note) }),
  vetCertification: async (_root, { certificationId, note }, { workflow }) => ({
    certification: await workflow.vetCertification(certificationId, note),
  }),
  attachEvidenceDocument: async (_root, { input }, { evidenceDocuments }) => ({ document: await evidenceDocuments.attach(input) }),
  removeEvidenceDocument: async (_root, { id }, { evidenceDocuments }) => ({ removedDocumentId: await evidenceDocuments.remove(id) }),
  withdrawEvidence: async (_root, { evidenceId, reason }, { workflow }) => ({
    innovation: await workflow.withdrawEvidence(evidenceId, reason),
  }),
  withdrawCertification: async (_root, { certificationId, reason }, { workflow }) => ({
    innovation: await workflow.withdrawCertification(certificationId, reason),
  }),
  endorseInnovation: async (_root, { innovationId, statement }, { workflow }) => ({
    endorsement: await workflow.endorse(innovationId, statement),
  }),
  saveCatalogueSearch: async (_root, { input }, { savedSearches }) => ({ savedCatalogueSearch: await savedSearches.save(input) }),
  deleteSavedCatalogueSearch: async (_root, { id }, { savedSearches }) => ({
    deletedSavedCatalogueSearchId: await savedSearches.delete(id),
  }),
};
