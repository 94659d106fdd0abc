import { Innovation } from './innovation.entity';
import { SavedCatalogueSearch } from './saved-catalogue-search.entity';
import {
  Assessment,
  AssessorAssignment,
  AuditEvent,
  Certification,
  ConflictDeclaration,
  Endorsement,
  Evidence,
  InnovationRevision,
} from './vetting.entities';

export const entities = [
  Innovation,
  InnovationRevision,
  Evidence,
  Certification,
  AssessorAssignment,
  ConflictDeclaration,
  Assessment,
  Endorsement,
  AuditEvent,
  SavedCatalogueSearch,
];
export {
  Assessment,
  AssessorAssignment,
  AuditEvent,
  Certification,
  ConflictDeclaration,
  Endorsement,
  Evidence,
  Innovation,
  InnovationRevision,
  SavedCatalogueSearch,
};
export type { InnovationContent, RevisionStatus } from './innovation.entity';
export type { EvidenceVettingState } from './vetting.entities';
