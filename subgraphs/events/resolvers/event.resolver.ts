import { LONG_LIST_BOUND, readListSize } from '../../../platform/pagination';
import type { EventResolvers, EventScheduleChangeResolvers, MarketEngagementBriefingResolvers } from '../generated/graphql';
import { EVENT_TIME_ZONE, formatLondonTime } from '../services/london-time';

/** Thin: who may see or do what is decided in EventService, from the rules in policy.ts. */
export const Event: EventResolvers = {
  __resolveReference: (reference, { events }) => events.findById(reference.id),
  timeZone: () => EVENT_TIME_ZONE,
  hosts: (event, _args, { events }) => events.hosts(event),
  relatedRoutes: (event, _args, { events }) => events.relatedRoutes(event),
  startsAtLocal: (event) => formatLondonTime(event.startsAt),
  endsAtLocal: (event) => formatLondonTime(event.endsAt),
  speakers: async (event, _args, { loaders }) => (await loaders.speakerIdsByEvent.load(event.id)).map((id) => ({ id })),
  relatedInnovations: async (event, _args, { loaders }) => (await loaders.innovationIdsByEvent.load(event.id)).map((id) => ({ id })),
  joinUrl: (event, _args, { events }) => events.joinUrl(event),
  cancellationReason: (event) => (event.status === 'CANCELLED' ? event.cancellationReason : null),
  seatsLeft: async (event, _args, { loaders }) =>
    event.capacity === null ? null : Math.max(0, event.capacity - (await loaders.registrationStats.load(event.id)).confirmed),
  waitingListLength: async (event, _args, { loaders }) => (await loaders.registrationStats.load(event.id)).waiting,
  viewerRegistration: (event, _args, { viewer, loaders }) => (viewer ? loaders.viewerRegistration.load(event.id) : null),
  registrations: (event, { first }, { events }) => events.registrations(event, readListSize(first, LONG_LIST_BOUND)),
  attendanceRate: (event, _args, { events }) => events.attendanceRate(event),
  scheduleChanges: (event, { first }, { loaders }) => loaders.scheduleChangesByEvent(readListSize(first)).load(event.id),
  questions: (event, { first }, { loaders }) => loaders.questionsByEvent(readListSize(first)).load(event.id),
  viewerCan: (event, _args, { events }) => events.viewerCan(event),
};

export const EventScheduleChange: EventScheduleChangeResolvers = {};

export const MarketEngagementBriefing: MarketEngagementBriefingResolvers = {
  event: (briefing) => briefing.event,
  registeredCount: async ({ event }, _args, { loaders }) => (await loaders.registrationStats.load(event.id)).confirmed,
  attendedCount: async ({ event }, _args, { loaders }) => (await loaders.registrationStats.load(event.id)).attended,
  attendanceByOrganisationKind: ({ event }, _args, { loaders }) => loaders.attendanceByKind.load(event.id),
  questions: ({ event }, { first }, { loaders }) => loaders.questionsByEvent(readListSize(first)).load(event.id),
};
