import { createUploadExpiryJob } from '../../platform/documents/document-graphql';
import { addDocumentRoutes } from '../../platform/documents/document-routes';
import type { SubgraphModule } from '../../platform/subgraph-server';
import { createProcurementContext, documentStoreOf, type ProcurementContext, type ProcurementDependencies } from './context';
import { entities } from './entities';
import { migrations } from './migrations';
import { addOcdsRoute } from './ocds-route';
import { resolvers } from './resolvers';
import { seedDemoData } from './seed';
import { systemClock } from '../../platform/clock';
import { unconfiguredInnovationDirectory } from './services/innovation-directory';
import { createRouteRetirementJob } from './services/route-retirement';
import { ProcurementDocumentService, RESPONSE_PURPOSE, TENDER_PACK_PURPOSE } from './services/procurement-documents.service';

/**
 * Procurement: the routes public bodies buy through, their lots, admissions, and buyers' projects
 * from shortlist to contract. The clock and the innovations directory are injected: main.ts asks
 * innovations over HTTP, the test graph in process, and tests move the clock. Without a directory
 * (the whole graph in one process, subgraphs/index.ts) everything works except shortlisting.
 */
export function createProcurementSubgraph({
  innovations = unconfiguredInnovationDirectory,
  ...rest
}: Omit<ProcurementDependencies, 'innovations'> &
  Partial<Pick<ProcurementDependencies, 'innovations'>>): SubgraphModule<ProcurementContext> {
  const dependencies: ProcurementDependencies = { ...rest, innovations };
  return {
    name: 'procurement',
    resolvers,
    entities,
    migrations,
    createContext: (scope) => createProcurementContext(scope, dependencies),
    seedDemoData: (dataSource) => seedDemoData(dataSource, dependencies.clock),
    internalRoutes: (router, dataSource) => {
      addOcdsRoute(router, dataSource, dependencies);
      // Tender packs and response files arrive from the gateway's `POST /documents?for=…` and leave by its `GET /documents/<id>`.
      addDocumentRoutes(router, dataSource, {
        store: documentStoreOf(dependencies),
        purposes: [TENDER_PACK_PURPOSE, RESPONSE_PURPOSE],
        readRule: (source) =>
          new ProcurementDocumentService({
            dataSource: source,
            viewer: null,
            clock: dependencies.clock,
            store: documentStoreOf(dependencies),
          }).readRule(),
      });
    },
    scheduledJobs: (dataSource) => [
      createRouteRetirementJob({ dataSource, clock: dependencies.clock, innovations: dependencies.innovations }),
      createUploadExpiryJob(documentStoreOf(dependencies), dataSource, dependencies.clock),
    ],
  };
}

/** The module without an innovations service: everything works except shortlisting (used where none is wired). */
export const procurementSubgraph = createProcurementSubgraph({ clock: systemClock });
