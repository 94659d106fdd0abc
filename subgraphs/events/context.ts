import type { DataSource } from 'typeorm';
import { createEventsLoaders } from './loaders';
import { systemClock, type Clock } from './services/clock';
import { EventService } from './services/event.service';
import { OrganisationService } from './services/organisation.service';

/** What every events resolver receives: the request's services, sharing one set of loaders. */
export interface EventsContext {
  events: EventService;
  organisations: OrganisationService;
}

export function createEventsContext({ dataSource }: { dataSource: DataSource }, clock: Clock = systemClock): EventsContext {
  const loaders = createEventsLoaders(dataSource);
  return {
    events: new EventService(dataSource, loaders, clock),
    organisations: new OrganisationService(loaders),
  };
}
