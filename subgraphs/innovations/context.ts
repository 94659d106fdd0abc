import { loadInnovationRules, type InnovationRules } from '../../platform/config';
import type { RequestScope } from '../../platform/subgraph-server';
import { createInnovationsLoaders } from './loaders';
import { innovationVisibility } from './policy';
import { InnovationDashboardService } from './services/dashboard.service';
import { InnovationWorkflowService } from './services/innovation-workflow.service';
import { InnovationService } from './services/innovation.service';
import { InnovationInsightsService } from './services/insights.service';

/** What every innovations resolver receives: the request's services, sharing one set of loaders. */
export interface InnovationsContext {
  innovations: InnovationService;
  workflow: InnovationWorkflowService;
  /** Analyst aggregates (ANALYST and PLATFORM_ADMIN only). */
  insights: InnovationInsightsService;
  dashboards: InnovationDashboardService;
}

let configuredRules: InnovationRules | undefined;
/** Read once, on first use: the rules do not change while the process runs. */
function rulesFromEnvironment(): InnovationRules {
  return (configuredRules ??= loadInnovationRules(process.env));
}

export interface InnovationsContextOptions {
  rules?: InnovationRules;
  /** The clock; tests pass their own to control time (revisions, expiry, audit). */
  now?: () => Date;
}

/** Who is asking decides, once per request, which innovations every service and loader can return. */
export function createInnovationsContext({ dataSource, viewer }: RequestScope, options: InnovationsContextOptions = {}): InnovationsContext {
  const visibility = innovationVisibility(viewer);
  const request = {
    dataSource,
    viewer,
    visibility,
    loaders: createInnovationsLoaders(dataSource, visibility, viewer),
    now: options.now ?? (() => new Date()),
    assessmentsRequired: (options.rules ?? rulesFromEnvironment()).assessmentsRequired,
  };
  return {
    innovations: new InnovationService(request),
    workflow: new InnovationWorkflowService(request),
    insights: new InnovationInsightsService(dataSource, viewer),
    dashboards: new InnovationDashboardService(request),
  };
}
