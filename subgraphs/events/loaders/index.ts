import type { DataSource } from 'typeorm';
import type { EventVisibility } from '../policy';
import { createEventByIdLoader } from './event.loader';
import { createHostIdsByEventLoader } from './event-host.loader';
import { createRouteIdsByEventLoader } from './event-route.loader';
import { createHostedEventCountLoader, createHostedEventsLoaders } from './hosted-events.loader';

/**
 * The loaders of one request. Made fresh per request so no cached row outlives it, and so the
 * viewer's visibility, fixed for the request, is part of every event they load.
 */
export function createEventsLoaders(dataSource: DataSource, visibility: EventVisibility) {
  return {
    eventById: createEventByIdLoader(dataSource, visibility),
    hostIdsByEvent: createHostIdsByEventLoader(dataSource),
    routeIdsByEvent: createRouteIdsByEventLoader(dataSource),
    hostedEvents: createHostedEventsLoaders(dataSource, visibility),
    hostedEventCount: createHostedEventCountLoader(dataSource, visibility),
  };
}
export type EventsLoaders = ReturnType<typeof createEventsLoaders>;
