import type { DataSource } from 'typeorm';
import { isPlatformStaff, type Identity } from '../../../platform/identity';
import type { EventVisibility } from '../policy';
import type { Clock } from '../../../platform/clock';
import { createEventByIdLoader } from './event.loader';
import {
  createBriefingsByRouteLoaders,
  createEventsByInnovationLoaders,
  createInnovationIdsByEventLoader,
  createQuestionsByEventLoaders,
  createScheduleChangesByEventLoaders,
  createSpeakerIdsByEventLoader,
  createUpcomingEventsLoaders,
} from './event-details.loader';
import { createHostIdsByEventLoader } from './event-host.loader';
import { createRouteIdsByEventLoader } from './event-route.loader';
import { createHostedEventCountLoader, createHostedEventsLoaders } from './hosted-events.loader';
import {
  createAttendanceByKindLoader,
  createRegistrationsByEventLoaders,
  createRegistrationsByPersonLoaders,
  createRegistrationStatsLoader,
  createViewerRegistrationLoader,
} from './registration.loader';
import { createSupportEntriesLoaders } from './support.loader';

/**
 * The loaders of one request. Made fresh per request so no cached row outlives it, and so the
 * viewer's visibility, fixed for the request, is part of every event they load.
 */
export function createEventsLoaders(dataSource: DataSource, visibility: EventVisibility, viewer: Identity, clock: Clock) {
  const viewerOrganisation = viewer?.organisationId.toLowerCase() ?? null;
  return {
    eventById: createEventByIdLoader(dataSource, visibility),
    /** Registrants keep seeing events they registered for, whatever their audience became. */
    anyEventById: createEventByIdLoader(dataSource, { everything: true, audiences: [], hostOrganisationId: null }),
    hostIdsByEvent: createHostIdsByEventLoader(dataSource),
    routeIdsByEvent: createRouteIdsByEventLoader(dataSource),
    speakerIdsByEvent: createSpeakerIdsByEventLoader(dataSource),
    innovationIdsByEvent: createInnovationIdsByEventLoader(dataSource),
    scheduleChangesByEvent: createScheduleChangesByEventLoaders(dataSource),
    questionsByEvent: createQuestionsByEventLoaders(dataSource),
    hostedEvents: createHostedEventsLoaders(dataSource, visibility),
    hostedEventCount: createHostedEventCountLoader(dataSource, visibility),
    eventsByInnovation: createEventsByInnovationLoaders(dataSource, visibility),
    briefingsByRoute: createBriefingsByRouteLoaders(dataSource, visibility),
    upcomingEvents: createUpcomingEventsLoaders(
      dataSource,
      visibility,
      clock,
      (organisationId) => isPlatformStaff(viewer) || organisationId === viewerOrganisation,
    ),
    registrationStats: createRegistrationStatsLoader(dataSource),
    viewerRegistration: createViewerRegistrationLoader(dataSource, viewer?.personId ?? null),
    registrationsByEvent: createRegistrationsByEventLoaders(dataSource),
    registrationsByPerson: createRegistrationsByPersonLoaders(dataSource, clock),
    attendanceByKind: createAttendanceByKindLoader(dataSource),
    supportEntries: createSupportEntriesLoaders(dataSource),
  };
}
export type EventsLoaders = ReturnType<typeof createEventsLoaders>;
