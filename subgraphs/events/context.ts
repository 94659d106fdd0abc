import type { RequestScope } from '../../platform/subgraph-server';
import { createEventsLoaders } from './loaders';
import { eventVisibility } from './policy';
import { systemClock, type Clock } from './services/clock';
import { EventService } from './services/event.service';
import { OrganisationService } from './services/organisation.service';

/** What every events resolver receives: the request's services, sharing one set of loaders. */
export interface EventsContext {
  events: EventService;
  organisations: OrganisationService;
}

/** Who is asking decides, once per request, which events every service and loader can return. */
export function createEventsContext({ dataSource, viewer }: RequestScope, clock: Clock = systemClock): EventsContext {
  const visibility = eventVisibility(viewer);
  const loaders = createEventsLoaders(dataSource, visibility);
  return {
    events: new EventService(dataSource, loaders, clock, visibility),
    organisations: new OrganisationService(loaders),
  };
}
