import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  createInnovation: (_root, { input }, { workflow }) => workflow.create(input),
  updateInnovation: (_root, { id, input }, { workflow }) => workflow.update(id, input),
  deleteInnovation: (_root, { id }, { workflow }) => workflow.delete(id),
  submitInnovation: (_root, { id }, { workflow }) => workflow.submit(id),
  withdrawInnovation: (_root, { id, reason }, { workflow }) => workflow.withdraw(id, reason),
  archiveInnovation: (_root, { id, reason }, { workflow }) => workflow.archive(id, reason),
  assignAssessor: (_root, { innovationId, assessorId }, { workflow }) => workflow.assignAssessor(innovationId, assessorId),
  declareConflict: (_root, { input }, { workflow }) => workflow.declareConflict(input),
  submitAssessment: (_root, { input }, { workflow }) => workflow.submitAssessment(input),
  decideInnovation: (_root, { input }, { workflow }) => workflow.decide(input),
  addEvidence: (_root, { input }, { workflow }) => workflow.addEvidence(input),
  confirmEvidence: (_root, { evidenceId, note }, { workflow }) => workflow.confirmEvidence(evidenceId, note),
  disputeEvidence: (_root, { evidenceId, note }, { workflow }) => workflow.disputeEvidence(evidenceId, note),
  vetEvidence: (_root, { evidenceId, note }, { workflow }) => workflow.vetEvidence(evidenceId, note),
  vetCertification: (_root, { certificationId, note }, { workflow }) => workflow.vetCertification(certificationId, note),
  withdrawEvidence: (_root, { evidenceId, reason }, { workflow }) => workflow.withdrawEvidence(evidenceId, reason),
  withdrawCertification: (_root, { certificationId, reason }, { workflow }) => workflow.withdrawCertification(certificationId, reason),
  endorseInnovation: (_root, { innovationId, statement }, { workflow }) => workflow.endorse(innovationId, statement),
};
