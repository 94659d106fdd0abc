import type {
  AssessmentResolvers,
  CertificationResolvers,
  EndorsementResolvers,
  EvidenceItemResolvers,
  InnovationAuditEventResolvers,
  InnovationResolvers,
} from '../generated/graphql';

export const Innovation: InnovationResolvers = {
  __resolveReference: (reference, { innovations }) => innovations.findById(reference.id),
  // The supplier is a members entity: answer a reference and let the gateway fetch the rest.
  supplier: (innovation) => ({ id: innovation.supplierId }),
  evidence: (innovation, _args, { innovations }) => innovations.evidence(innovation),
  assessments: (innovation, _args, { innovations }) => innovations.assessments(innovation),
  revisions: (innovation, _args, { innovations }) => innovations.revisions(innovation),
  pendingRevision: (innovation, _args, { innovations }) => innovations.pendingRevision(innovation),
  endorsements: (innovation, _args, { innovations }) => innovations.endorsements(innovation),
  auditTrail: (innovation, _args, { innovations }) => innovations.auditTrail(innovation),
  viewerCan: (innovation, _args, { innovations }) => innovations.capabilities(innovation),
  latestDecision: (innovation, _args, { dashboards }) => dashboards.latestDecision(innovation),
};

export const EvidenceItem: EvidenceItemResolvers = {
  authority: (item) => ({ id: item.authorityId }),
  outcomes: (item) => ({
    costSavedGbp: item.costSavedGbp,
    carbonSavedTco2e: item.carbonSavedTco2e,
    timeSaved: item.timeSaved,
    safety: item.safety,
  }),
};

export const Certification: CertificationResolvers = {};

export const Assessment: AssessmentResolvers = {
  assessor: (assessment) => ({ id: assessment.assessorId }),
  scores: (assessment) => assessment,
};

export const Endorsement: EndorsementResolvers = {
  innovation: (endorsement, _args, { innovations }) => innovations.findById(endorsement.innovationId) as never,
  organisation: (endorsement) => ({ id: endorsement.organisationId }),
};

export const InnovationAuditEvent: InnovationAuditEventResolvers = {
  actor: (event) => (event.actorId ? { id: event.actorId } : null),
  action: (event) => event.action as never,
};
