import type { EventResolvers } from '../generated/graphql';
import { EVENT_TIME_ZONE } from '../services/event.service';

export const Event: EventResolvers = {
  __resolveReference: (reference, { events }) => events.findById(reference.id),
  timeZone: () => EVENT_TIME_ZONE,
  hosts: (event, _args, { events }) => events.hosts(event),
  relatedRoutes: (event, _args, { events }) => events.relatedRoutes(event),
};
