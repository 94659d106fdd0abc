import { belongsTo, isPlatformStaff, type Identity } from '../../platform/identity';
import { defineStatusMachine } from '../../platform/transitions';
import type { EventStatus, FaqStatus, RegistrationStatus, SupportRequestStatus } from './generated/graphql';
import { canManageEvent, canSeeSupportRequest, eventVisibility, SUPPORT_REOPEN_DAYS, type EventFacts, type SupportFacts } from './policy';

/**
 * The events subgraph's status machines (platform/transitions.ts): events, registrations, FAQs and
 * support requests. The services refuse from these tables (CONFLICT with `currentStatus`) and
 * `Event.viewerCan` and `SupportRequest.viewerCan` read them, so a front end is never told it may
 * do what the mutation then refuses. Who may act is policy.ts; each action names it (`who`).
 */

/** An event as its rules judge it: its facts at `now`. */
export type EventSubject = EventFacts & { now: Date };

const manages = (viewer: Identity, event: EventSubject) => canManageEvent(viewer, event.hostIds);
/** Registrants are signed-in people whose organisation is in the event's audience (as for seeing it). */
const inAudience = (viewer: Identity, event: EventSubject) => !!viewer && eventVisibility(viewer).audiences.includes(event.audience);
const beforeStart = (event: EventSubject) => event.now < event.startsAt;

/**
 *   DRAFT --publish--> SCHEDULED --complete (once ended)--> COMPLETED
 *   DRAFT | SCHEDULED --cancel--> CANCELLED
 * and what each status allows: edits, registrations (until it starts), attendance (once it has
 * started) and published answers.
 */
export const eventMachine = defineStatusMachine({
  statuses: ['DRAFT', 'SCHEDULED', 'COMPLETED', 'CANCELLED'] satisfies EventStatus[],
  statusOf: (event: EventSubject) => event.status,
  refused: ({ current, to }) => `A ${current} event cannot become ${to}.`,
  actions: {
    edit: { from: ['DRAFT', 'SCHEDULED'], who: manages, refused: ({ current }) => `A ${current} event cannot be edited.` },
    publish: { from: ['DRAFT'], to: 'SCHEDULED', who: manages },
    complete: {
      from: ['SCHEDULED'],
      to: 'COMPLETED',
      who: manages,
      guards: [{ holds: (event) => event.endsAt <= event.now, refused: () => 'An event can be completed only once it has ended.' }],
    },
    cancel: { from: ['DRAFT', 'SCHEDULED'], to: 'CANCELLED', who: manages },
    register: {
      from: ['SCHEDULED'],
      who: inAudience,
      refused: ({ current }) => `Registration is open only for SCHEDULED events; this one is ${current}.`,
      guards: [{ holds: beforeStart, refused: () => 'Registration closes when the event starts.' }],
    },
    /** One's own registration: whether there is one to cancel is `registrationMachine`'s. */
    cancelRegistration: {
      from: ['SCHEDULED'],
      who: (viewer) => !!viewer,
      refused: () => 'Registrations can be cancelled only before a SCHEDULED event starts.',
      guards: [{ holds: beforeStart }],
    },
    markAttendance: {
      from: ['SCHEDULED', 'COMPLETED'],
      who: manages,
      refused: () => 'Attendance can be recorded only for a SCHEDULED or COMPLETED event that has started.',
      guards: [{ holds: (event) => event.startsAt <= event.now }],
    },
    publishQuestion: {
      from: ['SCHEDULED', 'COMPLETED'],
      who: manages,
      refused: ({ current }) => `Answers are published for SCHEDULED or COMPLETED events; this one is ${current}.`,
    },
  },
});

/**
 * A person's registration for an event: none (or a cancelled one) --register--> CONFIRMED, or
 * WAITING when the event is full (capacity decides); CONFIRMED | WAITING --cancel--> CANCELLED.
 */
export const registrationMachine = defineStatusMachine({
  statuses: ['CONFIRMED', 'WAITING', 'CANCELLED'] satisfies RegistrationStatus[],
  statusOf: (registration: { status: RegistrationStatus | null }) => registration.status,
  refused: ({ current, to }) => `A ${current} registration cannot become ${to}.`,
  actions: {
    register: { from: [null, 'CANCELLED'], refused: ({ current }) => `You are already registered (${current}).` },
    cancel: { from: ['CONFIRMED', 'WAITING'], to: 'CANCELLED', refused: () => 'This registration is already cancelled.' },
  },
});

/** An FAQ: written as a DRAFT, published, unpublished again; platform admins do each (policy.ts `canManageFaqs`). */
export const faqMachine = defineStatusMachine({
  statuses: ['DRAFT', 'PUBLISHED'] satisfies FaqStatus[],
  statusOf: (faq: { status: FaqStatus }) => faq.status,
  refused: ({ current }) => `The FAQ is already ${current}.`,
  actions: {
    publish: { from: ['DRAFT'], to: 'PUBLISHED' },
    unpublish: { from: ['PUBLISHED'], to: 'DRAFT' },
  },
});

/** A support request as its rules judge it: its facts at `now`. */
export type SupportSubject = SupportFacts & { now: Date };

/**
 *   OPEN --answer--> ANSWERED --close--> CLOSED;  OPEN --close--> CLOSED
 *   ANSWERED --reopen (within SUPPORT_REOPEN_DAYS of the answer)--> OPEN
 * Answered by platform staff; closed by either side; reopened by the requester's organisation.
 */
export const supportRequestMachine = defineStatusMachine({
  statuses: ['OPEN', 'ANSWERED', 'CLOSED'] satisfies SupportRequestStatus[],
  statusOf: (request: SupportSubject) => request.status,
  refused: ({ current, to }) => `The request is ${current}; it cannot become ${to}.`,
  actions: {
    answer: { from: ['OPEN'], to: 'ANSWERED', who: (viewer) => isPlatformStaff(viewer) },
    close: { from: ['OPEN', 'ANSWERED'], to: 'CLOSED', who: canSeeSupportRequest },
    reopen: {
      from: ['ANSWERED'],
      to: 'OPEN',
      who: (viewer, request) => belongsTo(viewer, request.organisationId),
      guards: [
        {
          holds: ({ answeredAt, now }) =>
            answeredAt !== null && now.getTime() - answeredAt.getTime() <= SUPPORT_REOPEN_DAYS * 24 * 60 * 60 * 1000,
          refused: () => `An answered request can be reopened only within ${SUPPORT_REOPEN_DAYS} days of the answer.`,
        },
      ],
    },
  },
});
