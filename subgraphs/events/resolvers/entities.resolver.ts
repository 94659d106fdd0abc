import { parseId } from '../../../platform/ids';
import { LONG_LIST_BOUND, readListSize } from '../../../platform/pagination';
import type {
  EventRegistrationResolvers,
  InnovationResolvers,
  PersonResolvers,
  ProcurementRouteResolvers,
  SupportMessageResolvers,
  SupportRequestResolvers,
  SupportStatusChangeResolvers,
} from '../generated/graphql';

export const Person: PersonResolvers = {
  __resolveReference: (reference) => ({ id: parseId(reference.id) }),
  registrations: (person, { when, first }, { events }) => events.registrationsOf(person.id, when ?? null, readListSize(first)),
};

export const Innovation: InnovationResolvers = {
  __resolveReference: (reference) => ({ id: parseId(reference.id) }),
  events: (innovation, { first }, { loaders }) => loaders.eventsByInnovation(readListSize(first)).load(innovation.id),
};

export const ProcurementRoute: ProcurementRouteResolvers = {
  __resolveReference: (reference) => ({ id: parseId(reference.id) }),
  briefings: async (route, { first }, { loaders }) =>
    (await loaders.briefingsByRoute(readListSize(first)).load(route.id)).map((event) => ({ event })),
};

export const EventRegistration: EventRegistrationResolvers = {
  event: async (registration, _args, { loaders }) => (await loaders.anyEventById.load(registration.eventId))!,
  person: (registration) => ({ id: registration.personId }),
};

export const SupportRequest: SupportRequestResolvers = {
  requester: (request) => ({ id: request.requesterId }),
  organisation: (request) => ({ id: request.organisationId }),
  messages: (request, { first }, { loaders }) =>
    loaders.supportEntries({ kind: 'MESSAGE', first: readListSize(first, LONG_LIST_BOUND) }).load(request.id),
  statusChanges: (request, { first }, { loaders }) =>
    loaders.supportEntries({ kind: 'STATUS_CHANGE', first: readListSize(first) }).load(request.id),
  viewerCan: (request, _args, { support }) => support.viewerCan(request),
};

export const SupportMessage: SupportMessageResolvers = {
  author: (entry) => ({ id: entry.authorId }),
  fromStaff: (entry) => entry.authorIsStaff,
  body: (entry) => entry.body ?? '',
};

export const SupportStatusChange: SupportStatusChangeResolvers = {
  from: (entry) => entry.fromStatus,
  to: (entry) => entry.toStatus!,
  changedBy: (entry) => ({ id: entry.authorId }),
  changedAt: (entry) => entry.createdAt,
};
