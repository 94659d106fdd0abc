import { documentListSize } from '../../../platform/documents/document-graphql';
import { LONG_LIST_BOUND, readListSize } from '../../../platform/pagination';
import type {
  AssessmentResolvers,
  CertificationResolvers,
  EndorsementResolvers,
  EvidenceItemResolvers,
  InnovationAuditEventResolvers,
  InnovationEvidenceResolvers,
  InnovationFacetsResolvers,
  InnovationResolvers,
} from '../generated/graphql';

export const Innovation: InnovationResolvers = {
  __resolveReference: (reference, { innovations }) => innovations.findById(reference.id),
  // The supplier is a members entity: answer a reference and let the gateway fetch the rest.
  supplier: (innovation) => ({ id: innovation.supplierId }),
  evidence: (innovation, _args, { innovations }) => innovations.evidence(innovation),
  assessments: (innovation, { first }, { innovations }) => innovations.assessments(innovation, readListSize(first)),
  revisions: (innovation, { first }, { innovations }) => innovations.revisions(innovation, readListSize(first)),
  pendingRevision: (innovation, _args, { innovations }) => innovations.pendingRevision(innovation),
  endorsements: (innovation, { first }, { innovations }) => innovations.endorsements(innovation, readListSize(first)),
  auditTrail: (innovation, { first }, { innovations }) => innovations.auditTrail(innovation, readListSize(first, LONG_LIST_BOUND)),
  viewerCan: (innovation, _args, { innovations }) => innovations.capabilities(innovation),
  latestDecision: (innovation, _args, { dashboards }) => dashboards.latestDecision(innovation),
  documents: (innovation, { first }, { evidenceDocuments }) =>
    evidenceDocuments.byInnovation({ first: documentListSize(first) }).load(innovation.id),
};

/** The loaders read at most MAX_PAGE_SIZE of each list; `first` cuts further. */
export const InnovationEvidence: InnovationEvidenceResolvers = {
  confirmed: (evidence, { first }) => evidence.confirmed.slice(0, readListSize(first)),
  disputed: (evidence, { first }) => evidence.disputed.slice(0, readListSize(first)),
  unconfirmed: (evidence, { first }) => evidence.unconfirmed.slice(0, readListSize(first)),
  certifications: (evidence, { first }) => evidence.certifications.slice(0, readListSize(first)),
};

/** Certification schemes are free text: the facet statement keeps the largest MAX_PAGE_SIZE, `first` cuts further. */
export const InnovationFacets: InnovationFacetsResolvers = {
  certifications: (facets, { first }) => facets.certifications.slice(0, readListSize(first)),
};

export const EvidenceItem: EvidenceItemResolvers = {
  authority: (item) => ({ id: item.authorityId }),
  // The item is visible to the caller, so are its files.
  documents: (item, { first }, { evidenceDocuments }) => evidenceDocuments.byEvidence({ first: documentListSize(first) }).load(item.id),
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
