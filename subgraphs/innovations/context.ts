import type { Clock } from '../../platform/clock';
import { loadInnovationRules, type InnovationRules } from '../../platform/config';
import { createDocumentStore, type DocumentDependencies } from '../../platform/documents/document-graphql';
import type { DocumentStore } from '../../platform/documents/document-store';
import type { Identity } from '../../platform/identity';
import type { RequestScope } from '../../platform/subgraph-server';
import { createInnovationsLoaders } from './loaders';
import { innovationVisibility } from './policy';
import { InnovationDashboardService } from './services/dashboard.service';
import { indexEvidenceDocumentsOnAttach } from './services/document-search';
import {
  EvidenceDocumentService,
  type EvidenceDocumentAttached,
  type EvidenceDocumentRemoved,
} from './services/evidence-documents.service';
import { InnovationWorkflowService } from './services/innovation-workflow.service';
import { InnovationService } from './services/innovation.service';
import { InnovationInsightsService } from './services/insights.service';
import { SavedCatalogueSearchService } from './services/saved-search.service';

/** What every innovations resolver receives: the request's services, sharing one set of loaders. */
export interface InnovationsContext {
  /** Who is asking (the platform's mutation rule, platform/active-membership.ts, reads it). */
  viewer: Identity;
  innovations: InnovationService;
  workflow: InnovationWorkflowService;
  /** Analyst aggregates (ANALYST and PLATFORM_ADMIN only). */
  insights: InnovationInsightsService;
  dashboards: InnovationDashboardService;
  /** The caller's saved catalogue searches (issue 25 item 6). */
  savedSearches: SavedCatalogueSearchService;
  /** Files on evidence items (issue 28). */
  evidenceDocuments: EvidenceDocumentService;
}

let configuredRules: InnovationRules | undefined;
/** Read once, on first use: the rules do not change while the process runs. */
function rulesFromEnvironment(): InnovationRules {
  return (configuredRules ??= loadInnovationRules(process.env));
}

/** What the module factory (subgraph.ts) hands every request: main.ts the system clock, tests a ManualClock. */
export interface InnovationsDependencies {
  /** Revisions, certification expiry, audit and assessment times follow it: tests move it. */
  clock: Clock;
  /** How many assessments a decision needs; read from the environment when not given. */
  rules?: InnovationRules;
  /**
   * Evidence files (issue 28): size limits and virus scanner (read from the environment when not
   * given), and the hook that indexes an attached file's text for search.
   */
  documents?: DocumentDependencies & {
    onEvidenceDocumentAttached?: EvidenceDocumentAttached;
    onEvidenceDocumentRemoved?: EvidenceDocumentRemoved;
  };
}

const documentStores = new WeakMap<InnovationsDependencies, DocumentStore>();
/** The module's one document store, made on first use (its configuration is read then). */
export function documentStoreOf(dependencies: InnovationsDependencies): DocumentStore {
  let store = documentStores.get(dependencies);
  if (!store) documentStores.set(dependencies, (store = createDocumentStore('innovations', dependencies.clock, dependencies.documents)));
  return store;
}

/** Who is asking decides, once per request, which innovations every service and loader can return. */
export function createInnovationsContext({ dataSource, viewer }: RequestScope, dependencies: InnovationsDependencies): InnovationsContext {
  const visibility = innovationVisibility(viewer);
  const request = {
    dataSource,
    viewer,
    visibility,
    loaders: createInnovationsLoaders(dataSource, visibility, viewer),
    clock: dependencies.clock,
    assessmentsRequired: (dependencies.rules ?? rulesFromEnvironment()).assessmentsRequired,
  };
  return {
    viewer,
    innovations: new InnovationService(request),
    workflow: new InnovationWorkflowService(request),
    insights: new InnovationInsightsService(dataSource, viewer),
    dashboards: new InnovationDashboardService(request),
    savedSearches: new SavedCatalogueSearchService(request),
    evidenceDocuments: new EvidenceDocumentService({
      dataSource,
      viewer,
      visibility,
      store: documentStoreOf(dependencies),
      // Unless a test hands its own, an attached file's text goes into the catalogue search (services/document-search.ts).
      onAttached: dependencies.documents?.onEvidenceDocumentAttached ?? indexEvidenceDocumentsOnAttach(documentStoreOf(dependencies)),
      onRemoved: dependencies.documents?.onEvidenceDocumentRemoved,
    }),
  };
}
