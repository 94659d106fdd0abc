import type { Connection, Edge } from '../../platform/pagination';
import type {
  Assessment,
  AuditEvent,
  Certification,
  Endorsement,
  Evidence,
  Innovation,
  InnovationContent,
  InnovationRevision,
  RevisionStatus,
  SavedCatalogueSearch,
} from './entities';
import type { InnovationCategory, Nation } from './generated/graphql';
import type { DocumentMatch } from './services/document-search';

export interface FacetCounts {
  categories: { value: InnovationCategory; count: number }[];
  trls: { value: number; count: number }[];
  nations: { value: Nation; count: number }[];
  certifications: { value: string; count: number }[];
}

/** The values resolvers return for each GraphQL type (graphql-codegen `mappers`). */
export type InnovationModel = Innovation;
/**
 * A hit of the catalogue search carries, as a function, the documents it matched: one statement for
 * the whole page, run only when a client selects `matchedDocuments` (services/document-search.ts).
 */
export type InnovationEdgeModel = Edge<Innovation> & { matchedDocuments?: () => Promise<DocumentMatch[]> };
/** `facets`, like `totalCount`, is a function: its statement runs only when a client selects it. */
export type InnovationConnectionModel = Omit<Connection<Innovation>, 'edges'> & {
  edges: InnovationEdgeModel[];
  facets: () => Promise<FacetCounts & { isEstimate: boolean }>;
  /** Shares the `totalCount` statement: selecting both runs it once. */
  totalCountIsEstimate: () => Promise<boolean>;
};
/** An organisation is owned by members; here it is only the id the gateway sends or we reference. */
export type OrganisationModel = { id: string };
export type EvidenceItemModel = Evidence;
export type CertificationModel = Certification & { expired: boolean };
export type AssessmentModel = Assessment;
export type InnovationRevisionModel = InnovationRevision;
export type PendingRevisionModel = InnovationContent & { status: RevisionStatus };
export type EndorsementModel = Endorsement;
export type InnovationAuditEventModel = AuditEvent;
/** A person is owned by members; here it is only the id, for their saved searches. */
export type PersonModel = { id: string };
export type SavedCatalogueSearchModel = SavedCatalogueSearch;

/** Analyst insights: the checked period their fields aggregate over. */
export type { InnovationInsightsScope as InnovationInsightsModel } from './services/insights.service';
// Dashboards: each is what the dashboard service hands its resolvers.
/** The caller's own view; its fields read the caller from the request, so it carries nothing. */
export type ViewerInnovationsModel = Record<string, never>;
export type EvidenceConfirmationRequestModel = Evidence;
export type VettingQueueEntryModel = { innovationId: string; reviewRound: number; waitingSince: Date };
export type VettingDecisionModel = { outcome: 'APPROVED' | 'CHANGES_REQUESTED' | 'REJECTED'; reasons: string | null; decidedAt: Date };
export type InnovationCategoryNewsModel = { category: InnovationCategory };
/** An evidence file's row (platform/documents/document-store.ts). */
export type { DocumentRow as DocumentModel } from '../../platform/documents/document-store';
