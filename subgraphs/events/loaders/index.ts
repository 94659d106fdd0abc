import type { DataSource } from 'typeorm';
import { createEventByIdLoader } from './event.loader';
import { createHostIdsByEventLoader } from './event-host.loader';
import { createRouteIdsByEventLoader } from './event-route.loader';
import { createHostedEventCountLoader, createHostedEventsLoaders } from './hosted-events.loader';

/** The loaders of one request. Made fresh per request so no cached row outlives it. */
export function createEventsLoaders(dataSource: DataSource) {
  return {
    eventById: createEventByIdLoader(dataSource),
    hostIdsByEvent: createHostIdsByEventLoader(dataSource),
    routeIdsByEvent: createRouteIdsByEventLoader(dataSource),
    hostedEvents: createHostedEventsLoaders(dataSource),
    hostedEventCount: createHostedEventCountLoader(dataSource),
  };
}
export type EventsLoaders = ReturnType<typeof createEventsLoaders>;
