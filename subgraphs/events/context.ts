import type { Identity } from '../../platform/identity';
import type { RequestScope } from '../../platform/subgraph-server';
import { createEventsLoaders, type EventsLoaders } from './loaders';
import { eventVisibility } from './policy';
import type { Clock } from '../../platform/clock';
import { EventManagementService } from './services/event-management.service';
import { EventService } from './services/event.service';
import { FaqService } from './services/faq.service';
import { OrganisationService } from './services/organisation.service';
import { SupportService } from './services/support.service';
import { EventInsightsService } from './services/insights.service';

/** What every events resolver receives: the request's services, sharing one set of loaders. */
export interface EventsContext {
  viewer: Identity;
  clock: Clock;
  loaders: EventsLoaders;
  events: EventService;
  management: EventManagementService;
  organisations: OrganisationService;
  faqs: FaqService;
  support: SupportService;
  /** Analyst aggregates (ANALYST and PLATFORM_ADMIN only). */
  insights: EventInsightsService;
}

/**
 * Who is asking decides, once per request, which events every service and loader can return. The
 * clock is the module's (subgraph.ts): whether an event is upcoming or past, and every instant a
 * change records, follow it.
 */
export function createEventsContext({ dataSource, viewer }: RequestScope, clock: Clock): EventsContext {
  const visibility = eventVisibility(viewer);
  const loaders = createEventsLoaders(dataSource, visibility, viewer, clock);
  return {
    viewer,
    clock,
    loaders,
    events: new EventService(dataSource, loaders, clock, visibility, viewer),
    management: new EventManagementService(dataSource, loaders, clock, viewer, visibility),
    organisations: new OrganisationService(loaders),
    faqs: new FaqService(dataSource, clock, viewer),
    support: new SupportService(dataSource, clock, viewer),
    insights: new EventInsightsService(dataSource, clock, viewer),
  };
}
