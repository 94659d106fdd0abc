import type { Clock } from '../../platform/clock';
import { loadInnovationRules, type InnovationRules } from '../../platform/config';
import type { Identity } from '../../platform/identity';
import type { RequestScope } from '../../platform/subgraph-server';
import { createInnovationsLoaders } from './loaders';
import { innovationVisibility } from './policy';
import { InnovationDashboardService } from './services/dashboard.service';
import { InnovationWorkflowService } from './services/innovation-workflow.service';
import { InnovationService } from './services/innovation.service';
import { InnovationInsightsService } from './services/insights.service';

/** What every innovations resolver receives: the request's services, sharing one set of loaders. */
export interface InnovationsContext {
  /** Who is asking (the platform's mutation rule, platform/active-membership.ts, reads it). */
  viewer: Identity;
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

/** What the module factory (subgraph.ts) hands every request: main.ts the system clock, tests a ManualClock. */
export interface InnovationsDependencies {
  /** Revisions, certification expiry, audit and assessment times follow it: tests move it. */
  clock: Clock;
  /** How many assessments a decision needs; read from the environment when not given. */
  rules?: InnovationRules;
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
  };
}
