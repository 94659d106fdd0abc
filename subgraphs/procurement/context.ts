import { createDocumentStore, type DocumentDependencies } from '../../platform/documents/document-graphql';
import type { DocumentStore } from '../../platform/documents/document-store';
import type { Identity } from '../../platform/identity';
import type { RequestScope } from '../../platform/subgraph-server';
import { createProcurementLoaders, type ProcurementLoaders } from './loaders';
import { AdmissionService } from './services/admission.service';
import type { Clock } from '../../platform/clock';
import type { InnovationDirectory } from './services/innovation-directory';
import { ProcurementDashboardService } from './services/dashboard.service';
import { LotService } from './services/lot.service';
import { ProcurementRouteService } from './services/procurement-route.service';
import { ProjectWorkflowService } from './services/project-workflow.service';
import { ProjectService } from './services/project.service';
import { RouteAdminService } from './services/route-admin.service';
import { ProcurementInsightsService } from './services/insights.service';
import { StandstillChallengeService } from './services/standstill-challenge.service';
import { SavedOpportunitySearchService } from './services/saved-opportunity-search.service';
import { ProcurementDocumentService } from './services/procurement-documents.service';

/** What procurement needs from outside its database: the time, and facts about innovations. */
export interface ProcurementDependencies {
  clock: Clock;
  innovations: InnovationDirectory;
  /** PROCUREMENT_EVALUATORS_REQUIRED (default 2): evaluators needed on every criterion of every response. */
  evaluatorsRequired?: number;
  /** Tender packs and response files (issue 28): size limits and virus scanner, read from the environment when not given. */
  documents?: DocumentDependencies;
}

const documentStores = new WeakMap<ProcurementDependencies, DocumentStore>();
/** The module's one document store, made on first use (its configuration is read then). */
export function documentStoreOf(dependencies: ProcurementDependencies): DocumentStore {
  let store = documentStores.get(dependencies);
  if (!store) documentStores.set(dependencies, (store = createDocumentStore('procurement', dependencies.clock, dependencies.documents)));
  return store;
}

/** PROCUREMENT_EVALUATORS_REQUIRED's default, for modules built without configuration (tests, scripts). */
export const defaultEvaluatorsRequired = 2;

/** What every procurement resolver receives: the request's services, sharing one set of loaders. */
export interface ProcurementContext {
  /** Who is asking; every rule about it lives in policy.ts. */
  viewer: Identity;
  loaders: ProcurementLoaders;
  clock: Clock;
  routes: ProcurementRouteService;
  lots: LotService;
  /** Reading projects (project.service.ts). */
  projects: ProjectService;
  /** Changing projects: every project mutation (project-workflow.service.ts). */
  projectWorkflow: ProjectWorkflowService;
  /** Raising and answering standstill challenges (standstill-challenge.service.ts). */
  standstillChallenges: StandstillChallengeService;
  admissions: AdmissionService;
  routeAdmin: RouteAdminService;
  /** Analyst aggregates (ANALYST and PLATFORM_ADMIN only). */
  insights: ProcurementInsightsService;
  dashboards: ProcurementDashboardService;
  /** The caller's saved opportunity searches (issue 25 item 6). */
  savedSearches: SavedOpportunitySearchService;
  /** Tender packs and response files (issue 28). */
  documents: ProcurementDocumentService;
}

export function createProcurementContext({ dataSource, viewer }: RequestScope, dependencies: ProcurementDependencies): ProcurementContext {
  const loaders = createProcurementLoaders(dataSource, viewer, dependencies.clock);
  const evaluatorsRequired = dependencies.evaluatorsRequired ?? defaultEvaluatorsRequired;
  return {
    viewer,
    loaders,
    clock: dependencies.clock,
    routes: new ProcurementRouteService(dataSource, loaders, dependencies.clock, viewer),
    lots: new LotService(loaders),
    projects: new ProjectService(dataSource, loaders, viewer, dependencies.clock, evaluatorsRequired),
    projectWorkflow: new ProjectWorkflowService(
      dataSource,
      loaders,
      viewer,
      dependencies.clock,
      dependencies.innovations,
      evaluatorsRequired,
    ),
    standstillChallenges: new StandstillChallengeService(dataSource, viewer, dependencies.clock),
    admissions: new AdmissionService(dataSource, loaders, viewer, dependencies.clock),
    routeAdmin: new RouteAdminService(dataSource, viewer, dependencies.clock),
    insights: new ProcurementInsightsService(dataSource, loaders, viewer),
    dashboards: new ProcurementDashboardService(dataSource, loaders, viewer, dependencies.clock),
    savedSearches: new SavedOpportunitySearchService(dataSource, viewer, dependencies.clock),
    documents: new ProcurementDocumentService({
      dataSource,
      viewer,
      clock: dependencies.clock,
      store: documentStoreOf(dependencies),
      loaders,
    }),
  };
}
