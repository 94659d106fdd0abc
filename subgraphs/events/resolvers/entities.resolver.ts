import { forbidden } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import type {
  EventRegistrationResolvers,
  InnovationResolvers,
  PersonResolvers,
  ProcurementRouteResolvers,
  SupportMessageResolvers,
  SupportRequestResolvers,
  SupportStatusChangeResolvers,
} from '../generated/graphql';
import { canAnswerSupportRequest, canCloseSupportRequest, canReopenSupportRequest, canSeePersonRegistrations } from '../policy';

export const Person: PersonResolvers = {
  __resolveReference: (reference) => ({ id: parseId(reference.id) }),
  registrations: (person, { when }, { viewer, loaders }) => {
    if (!canSeePersonRegistrations(viewer, person.id)) throw forbidden("Only the person themselves and platform staff see a person's registrations.");
    return loaders.registrationsByPerson(when ?? null).load(person.id);
  },
};

export const Innovation: InnovationResolvers = {
  __resolveReference: (reference) => ({ id: parseId(reference.id) }),
  events: (innovation, _args, { loaders }) => loaders.eventsByInnovation.load(innovation.id),
};

export const ProcurementRoute: ProcurementRouteResolvers = {
  __resolveReference: (reference) => ({ id: parseId(reference.id) }),
  briefings: async (route, _args, { loaders }) => (await loaders.briefingsByRoute.load(route.id)).map((event) => ({ event })),
};

export const EventRegistration: EventRegistrationResolvers = {
  event: async (registration, _args, { loaders }) => (await loaders.anyEventById.load(registration.eventId))!,
  person: (registration) => ({ id: registration.personId }),
};

export const SupportRequest: SupportRequestResolvers = {
  requester: (request) => ({ id: request.requesterId }),
  organisation: (request) => ({ id: request.organisationId }),
  messages: async (request, _args, { loaders }) => (await loaders.supportEntries.load(request.id)).filter((entry) => entry.kind === 'MESSAGE'),
  statusChanges: async (request, _args, { loaders }) =>
    (await loaders.supportEntries.load(request.id)).filter((entry) => entry.kind === 'STATUS_CHANGE'),
  viewerCan: (request, _args, { viewer, clock }) => ({
    answer: canAnswerSupportRequest(viewer, request),
    close: canCloseSupportRequest(viewer, request),
    reopen: canReopenSupportRequest(viewer, request, clock.now()),
  }),
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
