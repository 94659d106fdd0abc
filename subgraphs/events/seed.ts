import type { DataSource } from 'typeorm';
import { buildDemoEvents } from '../../demo-data/events';
import { Event, EventHost, EventRoute } from './entities';

/**
 * Inserts the demo events, their hosts and routes, in one transaction, when there are none yet.
 * Dates are relative to `now`, so a fresh demo always has past and upcoming events.
 */
export async function seedDemoData(dataSource: DataSource, now: Date = new Date()): Promise<void> {
  await dataSource.transaction(async (manager) => {
    if ((await manager.count(Event)) > 0) return;
    const demoEvents = buildDemoEvents(now);
    await manager.insert(
      Event,
      demoEvents.map(({ key: _key, hostIds: _hostIds, routeIds: _routeIds, ...event }) => event),
    );
    await manager.insert(
      EventHost,
      demoEvents.flatMap((event) => event.hostIds.map((organisationId, position) => ({ eventId: event.id, organisationId, position }))),
    );
    const routes = demoEvents.flatMap((event) => event.routeIds.map((routeId, position) => ({ eventId: event.id, routeId, position })));
    if (routes.length > 0) await manager.insert(EventRoute, routes);
  });
}
