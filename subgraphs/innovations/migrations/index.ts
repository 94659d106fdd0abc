import { CreateInnovations1764288000000 } from './1764288000000-create-innovations';
import { AddVettingEvidenceRevisionsAndSearch1764374400000 } from './1764374400000-add-vetting-evidence-revisions-and-search';
import { IndexDashboardQueues1764720000000 } from './1764720000000-index-dashboard-queues';
import { IndexCatalogueFilters1764806400000 } from './1764806400000-index-catalogue-filters';
import { AddSearchVocabulary1764892800000 } from './1764892800000-add-search-vocabulary';
import { AddHasConfirmedEvidence1764979200000 } from './1764979200000-add-has-confirmed-evidence';
import { AddSearchTiers1765065600000 } from './1765065600000-add-search-tiers';
import { AddEvidenceVetting1765152000000 } from './1765152000000-add-evidence-vetting';
import { VersionInnovations1765400000000 } from './1765400000000-version-innovations';
import { AddOutbox1765800000000 } from './1765800000000-add-outbox';
import { AddSavedCatalogueSearches1766200000000 } from './1766200000000-add-saved-catalogue-searches';
import { AddDocuments1766500000000 } from './1766500000000-add-documents';
import { SearchEvidenceDocumentText1766600000000 } from './1766600000000-search-evidence-document-text';

/** Every migration of this subgraph, oldest first. */
export const migrations = [
  CreateInnovations1764288000000,
  AddVettingEvidenceRevisionsAndSearch1764374400000,
  IndexDashboardQueues1764720000000,
  IndexCatalogueFilters1764806400000,
  AddSearchVocabulary1764892800000,
  AddHasConfirmedEvidence1764979200000,
  AddSearchTiers1765065600000,
  AddEvidenceVetting1765152000000,
  VersionInnovations1765400000000,
  AddOutbox1765800000000,
  AddSavedCatalogueSearches1766200000000,
  AddDocuments1766500000000,
  SearchEvidenceDocumentText1766600000000,
];
