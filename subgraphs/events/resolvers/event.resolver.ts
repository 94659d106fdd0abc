import { forbidden } from '../../../platform/errors';
import type { EventResolvers, EventScheduleChangeResolvers, MarketEngagementBriefingResolvers } from '../generated/graphql';
import type { EventsContext } from '../context';
import type { EventModel } from '../mappers';
import {
  canCancelRegistration,
  canManageEvent,
  canMarkAttendance,
  canRegister,
  canSeeJoinUrl,
  canSeeRegistrations,
  type EventFacts,
} from '../policy';
import { EVENT_TIME_ZONE, formatLondonTime } from '../services/london-time';

async function facts(event: EventModel, { loaders }: EventsContext): Promise<EventFacts> {
  const hostIds = await loaders.hostIdsByEvent.load(event.id);
  return { status: event.status, audience: event.audience, startsAt: event.startsAt, endsAt: event.endsAt, hostIds };
}

async function requireRegistrationsAccess(event: EventModel, context: EventsContext) {
  if (!canSeeRegistrations(context.viewer, await context.loaders.hostIdsByEvent.load(event.id))) {
    throw forbidden('Only the hosts and platform staff see who registered.');
  }
}

export const Event: EventResolvers = {
  __resolveReference: (reference, { events }) => events.findById(reference.id),
  timeZone: () => EVENT_TIME_ZONE,
  hosts: (event, _args, { events }) => events.hosts(event),
  relatedRoutes: (event, _args, { events }) => events.relatedRoutes(event),
  startsAtLocal: (event) => formatLondonTime(event.startsAt),
  endsAtLocal: (event) => formatLondonTime(event.endsAt),
  speakers: async (event, _args, { loaders }) => (await loaders.speakerIdsByEvent.load(event.id)).map((id) => ({ id })),
  relatedInnovations: async (event, _args, { loaders }) => (await loaders.innovationIdsByEvent.load(event.id)).map((id) => ({ id })),
  joinUrl: async (event, _args, context) => {
    if (!event.joinUrl) return null;
    const registration = context.viewer ? await context.loaders.viewerRegistration.load(event.id) : null;
    return canSeeJoinUrl(context.viewer, await context.loaders.hostIdsByEvent.load(event.id), registration?.status ?? null) ? event.joinUrl : null;
  },
  cancellationReason: (event) => (event.status === 'CANCELLED' ? event.cancellationReason : null),
  seatsLeft: async (event, _args, { loaders }) =>
    event.capacity === null ? null : Math.max(0, event.capacity - (await loaders.registrationStats.load(event.id)).confirmed),
  waitingListLength: async (event, _args, { loaders }) => (await loaders.registrationStats.load(event.id)).waiting,
  viewerRegistration: (event, _args, { viewer, loaders }) => (viewer ? loaders.viewerRegistration.load(event.id) : null),
  registrations: async (event, _args, context) => {
    await requireRegistrationsAccess(event, context);
    return context.loaders.registrationsByEvent.load(event.id);
  },
  attendanceRate: async (event, _args, context) => {
    await requireRegistrationsAccess(event, context);
    const stats = await context.loaders.registrationStats.load(event.id);
    return stats.recorded === 0 || stats.confirmed === 0 ? null : stats.attended / stats.confirmed;
  },
  scheduleChanges: (event, _args, { loaders }) => loaders.scheduleChangesByEvent.load(event.id),
  questions: (event, _args, { loaders }) => loaders.questionsByEvent.load(event.id),
  viewerCan: async (event, _args, context) => {
    const known = await facts(event, context);
    const registration = context.viewer ? await context.loaders.viewerRegistration.load(event.id) : null;
    const now = context.clock.now();
    return {
      manage: canManageEvent(context.viewer, known.hostIds),
      register: canRegister(context.viewer, known, now) && (!registration || registration.status === 'CANCELLED'),
      cancelRegistration: canCancelRegistration(context.viewer, known, registration?.status ?? null, now),
      markAttendance: canMarkAttendance(context.viewer, known, now),
      seeRegistrations: canSeeRegistrations(context.viewer, known.hostIds),
    };
  },
};

export const EventScheduleChange: EventScheduleChangeResolvers = {};

export const MarketEngagementBriefing: MarketEngagementBriefingResolvers = {
  event: (briefing) => briefing.event,
  registeredCount: async ({ event }, _args, { loaders }) => (await loaders.registrationStats.load(event.id)).confirmed,
  attendedCount: async ({ event }, _args, { loaders }) => (await loaders.registrationStats.load(event.id)).attended,
  attendanceByOrganisationKind: ({ event }, _args, { loaders }) => loaders.attendanceByKind.load(event.id),
  questions: ({ event }, _args, { loaders }) => loaders.questionsByEvent.load(event.id),
};
