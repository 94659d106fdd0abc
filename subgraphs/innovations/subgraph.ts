import { systemClock } from '../../platform/clock';
import type { SubgraphModule } from '../../platform/subgraph-server';
import { createUploadExpiryJob } from '../../platform/documents/document-graphql';
import { addDocumentRoutes } from '../../platform/documents/document-routes';
import { createInnovationsContext, documentStoreOf, type InnovationsContext, type InnovationsDependencies } from './context';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { seedDemoData } from './seed';
import { innovationVisibility } from './policy';
import { createEvidenceDocumentIndexingJob } from './services/document-search';
import { EVIDENCE_PURPOSE, EvidenceDocumentService } from './services/evidence-documents.service';

/**
 * Innovations: what suppliers offer, its vetting status, and each supplier's list of innovations.
 * The clock (and, for tests, the vetting rules) are injected: main.ts runs on the system clock and
 * the configured rules; tests move a ManualClock through this same path.
 */
export function createInnovationsSubgraph(dependencies: InnovationsDependencies): SubgraphModule<InnovationsContext> {
  return {
    name: 'innovations',
    resolvers,
    entities,
    migrations,
    createContext: (scope) => createInnovationsContext(scope, dependencies),
    seedDemoData,
    // Evidence files arrive from the gateway's `POST /documents?for=evidence` and leave by its `GET /documents/<id>`.
    internalRoutes: (router, dataSource) =>
      addDocumentRoutes(router, dataSource, {
        store: documentStoreOf(dependencies),
        purposes: [EVIDENCE_PURPOSE],
        readRule: (source) =>
          new EvidenceDocumentService({
            dataSource: source,
            viewer: null,
            visibility: innovationVisibility(null),
            store: documentStoreOf(dependencies),
          }).readRule(),
      }),
    scheduledJobs: (dataSource) => [
      createUploadExpiryJob(documentStoreOf(dependencies), dataSource, dependencies.clock),
      // Evidence files the attach hook did not get into the search (services/document-search.ts).
      createEvidenceDocumentIndexingJob(documentStoreOf(dependencies), dataSource, dependencies.clock),
    ],
  };
}

/** The module on the system clock and the configured rules. */
export const innovationsSubgraph = createInnovationsSubgraph({ clock: systemClock });
