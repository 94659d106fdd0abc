import type { SubgraphModule } from '../../platform/subgraph-server';
import { createEventsContext, type EventsContext } from './context';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { addCalendarRoutes } from './services/calendar.service';
import { systemClock, type Clock } from '../../platform/clock';
import { seedDemoData } from './seed';

/**
 * Events: webinars, workshops, showcases, briefings and conferences, their hosts and routes. The
 * clock is injected (main.ts: the system clock; tests: a ManualClock they move).
 */
export function createEventsSubgraph({ clock }: { clock: Clock }): SubgraphModule<EventsContext> {
  return {
    name: 'events',
    resolvers,
    entities,
    migrations,
    createContext: (request) => createEventsContext(request, clock),
    // Demo events sit either side of the clock's "now", so there are always upcoming and past ones.
    seedDemoData: (dataSource) => seedDemoData(dataSource, clock.now()),
    // Calendar files for the gateway to serve (GET /events/<id>.ics, GET /calendar/<token>.ics).
    internalRoutes: addCalendarRoutes,
  };
}

/** The module on the system clock. */
export const eventsSubgraph = createEventsSubgraph({ clock: systemClock });
