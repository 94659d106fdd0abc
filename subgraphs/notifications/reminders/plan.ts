import { TZDate } from '@date-fns/tz';
import type { DomainEventFacts, DomainEventKind } from '../../../platform/domain-events';
import type { OrganisationRole } from '../../../platform/identity';
import type { DomainEvent } from '../../../platform/outbox';
import {
  addCalendarDays,
  addWorkingDays,
  isWorkingDay,
  workingDayCalendars,
  type WorkingDayCalendar,
} from '../../../platform/working-days';

/**
 * Reminders on the right days (issue 25 item 5), planned from domain events alone: pure functions,
 * no clock, no database. The notifications service calls them for every event it consumes:
 *
 *   1. `planReminders(event)` gives the reminders the event schedules (or re-schedules): upsert
 *      each by `key`, as `applyReminderChange` says;
 *   2. `remindersMadeMoot(event)` gives the keys of reminders the event cancels: mark them moot,
 *      again as `applyReminderChange` says (a key is never both planned and made moot by one event);
 *   3. a scheduled job (platform/scheduled-job.ts, once per tick across replicas) sends the rows
 *      `sendable` at its clock's now, and marks each sent for its `remindOn`.
 *
 * "Never sent for something already done or cancelled": the subgraph cannot read the others'
 * tables, so what is done or cancelled reaches it as events, and each such event makes the reminder
 * moot before its day (a submitted response, a cancelled registration, project or event, a raised
 * challenge, a membership no longer active, a withdrawn certification). At send time the job must
 * still check, in the transaction that marks the row sent:
 *   - the row is PLANNED (not MOOT, not already SENT for this `remindOn`), taken FOR UPDATE so the
 *     consumer's moot and the send are serialised;
 *   - `dueAt <= now < notAfter`: a reminder is never sent once the thing it reminds of has happened
 *     (a missed day, after an outage, is dropped, not sent late);
 *   - the recipients, resolved at send time from its own directory of people and memberships, as
 *     for any notice (removed people, people no longer in the organisation, a member-only event to
 *     a lapsed member: not told).
 * What remains is the relay's lag: a change committed in the last moment before the job's tick may
 * not have arrived yet (issue 25 targets ≤ 1 s at rest). Reminders fire at 09:00 UK time, while
 * deadlines fall at noon, so that window is narrow and never on the deadline itself.
 *
 * Days are UK days (Europe/London); working days are procurement's (platform/working-days.ts), on
 * the calendar the event names (`workingDayNations`, a project's regime) or else `calendar`.
 */

/** The kinds of reminder (each a notice kind for preferences: the notifications' `NotificationKind` names). */
export type ReminderKind =
  'CLARIFICATION_CLOSING' | 'RESPONSES_DUE' | 'STANDSTILL_ENDS' | 'EVENT_TOMORROW' | 'MEMBERSHIP_RENEWAL_DUE' | 'CERTIFICATION_EXPIRING';

export const reminderKinds = [
  'CLARIFICATION_CLOSING',
  'RESPONSES_DUE',
  'STANDSTILL_ENDS',
  'EVENT_TOMORROW',
  'MEMBERSHIP_RENEWAL_DUE',
  'CERTIFICATION_EXPIRING',
] as const satisfies readonly ReminderKind[];

/** Who is reminded: the shape of the notifications' `Recipients` (people, or an organisation's people with one of `roles`). */
export type ReminderRecipients = { people: readonly string[] } | { organisations: readonly string[]; roles?: readonly OrganisationRole[] };

export interface PlannedReminder {
  /**
   * Stable for what is reminded of, whatever event planned it: `<kind>:<ids>` (e.g.
   * `responses-due:<projectId>:<supplierOrganisationId>`). A later event re-planning the same thing
   * gives the same key with a new day; `remindersMadeMoot` names these keys.
   */
  key: string;
  kind: ReminderKind;
  /** The UK day it is for ("YYYY-MM-DD"). Sent once per key and day: a re-plan to another day is due again. */
  remindOn: string;
  /** 09:00 UK time on `remindOn`: the job sends it from then. */
  dueAt: Date;
  /** When what it reminds of happens (a deadline, an event's start, the end of a day): never sent from then on. */
  notAfter: Date;
  /** What it is about, as the graph names it. */
  subject: { typename: string; id: string };
  to: ReminderRecipients;
  /** Only people of ACTIVE member organisations may be told (a member-only event). */
  membersOnly: boolean;
  /** The message, from the event's facts (titles, days). */
  title: string;
  body: string;
  /** A path in the front end. */
  link: string;
  /** The event that planned it: a stored reminder is changed only by an event at least as recent (`applyReminderChange`). */
  plannedBy: { eventId: string; occurredAt: string };
}

/** Reminders fire at 09:00 UK time: at the start of a working day, three hours before a noon deadline. */
export const reminderHour = 9;
/** How long before a renewal date or a certification's expiry the reminder comes: 30 days. */
export const daysNotice = 30;

const timeZone = 'Europe/London';
const ukDayFormat = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
const ukLongDay = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const ukTime = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' });

/** The UK day of an instant ("YYYY-MM-DD"). */
export const ukDay = (instant: Date | string): string => ukDayFormat.format(new Date(instant));

/** The instant of `hour`:00 UK time on `day` (GMT or BST, whichever is in force that day). */
export function ukInstant(day: string, hour: number): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(year, month - 1, date, hour, 0, timeZone).getTime());
}

/** "Tuesday 30 March 2027", as GOV.UK writes dates (no comma). */
export const longDay = (day: string) => {
  const part = (type: string) => ukLongDay.formatToParts(ukInstant(day, 12)).find((p) => p.type === type)!.value;
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
};
const calendarOf = (nations: DomainEventFacts['project.published']['workingDayNations'], fallback: WorkingDayCalendar) =>
  nations && nations.length ? { nations } : fallback;
/** `day`, or the working day before it when it is not one: a notice arrives on a working day. */
const onOrBeforeWorkingDay = (day: string, calendar: WorkingDayCalendar) =>
  isWorkingDay(day, calendar) ? day : addWorkingDays(day, -1, calendar);

const buyersTeam: readonly OrganisationRole[] = ['ORG_ADMIN', 'BUYER'];
const links = {
  project: (id: string) => `/procurement/projects/${id}`,
  event: (id: string) => `/events/${id}`,
  membership: (organisationId: string) => `/organisations/${organisationId}/membership`,
  innovation: (id: string) => `/innovations/${id}`,
};

/** The keys: one place, so planning and mooting always agree. */
export const reminderKeys = {
  clarificationClosing: (projectId: string) => `clarification-closing:${projectId}`,
  responsesDue: (projectId: string, supplierOrganisationId: string) => `responses-due:${projectId}:${supplierOrganisationId}`,
  standstillEnds: (projectId: string) => `standstill-ends:${projectId}`,
  eventTomorrow: (eventId: string, personId: string) => `event-tomorrow:${eventId}:${personId}`,
  membershipRenewal: (organisationId: string) => `membership-renewal:${organisationId}`,
  certificationExpiring: (certificationId: string) => `certification-expiring:${certificationId}`,
};

type Draft = Omit<PlannedReminder, 'dueAt' | 'plannedBy' | 'membersOnly'> & { membersOnly?: boolean };

/**
 * The reminders `event` plans, each on its day. `calendar` is the working-day calendar for what
 * names none (memberships, certifications): by default the whole UK's, the Procurement Act's.
 * A reminder whose day is already over when the event happened is left out (it is no reminder);
 * one due earlier on the event's own day is planned and goes at the job's next tick.
 */
export function planReminders(event: DomainEvent, calendar: WorkingDayCalendar = workingDayCalendars.unitedKingdom): PlannedReminder[] {
  return draftsOf(event, calendar)
    .filter((draft) => timely(draft, event))
    .map((draft) => ({
      ...draft,
      membersOnly: draft.membersOnly ?? false,
      dueAt: ukInstant(draft.remindOn, reminderHour),
      plannedBy: { eventId: event.id, occurredAt: event.occurredAt },
    }));
}

/** Whether a reminder's day is still to come, or today, when the event happened, and what it reminds of has not happened yet. */
const timely = (draft: Draft, event: DomainEvent) =>
  draft.remindOn >= ukDay(event.occurredAt) && draft.notAfter.getTime() > Date.parse(event.occurredAt);

function draftsOf(event: DomainEvent, calendar: WorkingDayCalendar): Draft[] {
  switch (event.kind) {
    case 'project.published': {
      const f = facts(event, 'project.published');
      const projectCalendar = calendarOf(f.workingDayNations, workingDayCalendars.unitedKingdom);
      const subject = { typename: 'ProcurementProject', id: f.projectId };
      const closes = new Date(f.clarificationClosesAt);
      return [
        {
          key: reminderKeys.clarificationClosing(f.projectId),
          kind: 'CLARIFICATION_CLOSING',
          remindOn: addWorkingDays(ukDay(closes), -2, projectCalendar),
          notAfter: closes,
          subject,
          to: { organisations: f.invitedSupplierOrganisationIds },
          title: `Clarification closes in 2 working days: ${f.projectTitle}`,
          body: `Questions about ${f.projectTitle} may be asked until ${ukTime.format(closes)} on ${longDay(ukDay(closes))}.`,
          link: links.project(f.projectId),
        },
        ...f.invitedSupplierOrganisationIds.map((supplier) => responsesDue(f, supplier, f.responseDeadline, projectCalendar)),
      ];
    }
    case 'response.withdrawn': {
      const f = facts(event, 'response.withdrawn');
      return [
        responsesDue(f, f.supplierOrganisationId, f.responseDeadline, calendarOf(f.workingDayNations, workingDayCalendars.unitedKingdom)),
      ];
    }
    case 'award.issued': {
      const f = facts(event, 'award.issued');
      return f.standstillObserved ? [standstillEnds(f, f.standstillEndsOn)] : [];
    }
    case 'challenge.answered': {
      const f = facts(event, 'challenge.answered');
      // A dismissal resumes the standstill, to a day that may be later; while another challenge is open it stays suspended.
      return !f.awardWithdrawn && f.standstillEndsOn && f.openChallenges === 0 ? [standstillEnds(f, f.standstillEndsOn)] : [];
    }
    case 'event.rescheduled': {
      const f = facts(event, 'event.rescheduled');
      return f.registeredPersonIds.map((personId) => eventTomorrow(f, personId));
    }
    case 'registration.confirmed':
    case 'waiting_list.place_confirmed': {
      const f = facts(event, event.kind);
      return [eventTomorrow(f, f.personId)];
    }
    case 'membership.applied':
    case 'membership.decided': {
      const f = facts(event, event.kind);
      if (f.toStatus !== 'ACTIVE' || !f.renewalDueOn) return [];
      const name = f.organisationName ?? 'Your organisation';
      return [
        {
          key: reminderKeys.membershipRenewal(f.organisationId),
          kind: 'MEMBERSHIP_RENEWAL_DUE',
          remindOn: onOrBeforeWorkingDay(addCalendarDays(f.renewalDueOn, -daysNotice), calendar),
          // Renewal is due by the end of its day.
          notAfter: ukInstant(addCalendarDays(f.renewalDueOn, 1), 0),
          subject: { typename: 'Organisation', id: f.organisationId },
          to: { organisations: [f.organisationId], roles: ['ORG_ADMIN'] },
          title: `Membership renewal due on ${longDay(f.renewalDueOn)}`,
          body: `${name}'s IPS membership must be renewed by ${longDay(f.renewalDueOn)}; after that it lapses.`,
          link: links.membership(f.organisationId),
        },
      ];
    }
    case 'certification.added': {
      const f = facts(event, 'certification.added');
      if (!f.expiresOn) return [];
      return [
        {
          key: reminderKeys.certificationExpiring(f.certificationId),
          kind: 'CERTIFICATION_EXPIRING',
          remindOn: onOrBeforeWorkingDay(addCalendarDays(f.expiresOn, -daysNotice), calendar),
          // `expiresOn` is its last valid day.
          notAfter: ukInstant(addCalendarDays(f.expiresOn, 1), 0),
          subject: { typename: 'Innovation', id: f.innovationId },
          to: { organisations: [f.supplierOrganisationId] },
          title: `Certification expiring: ${f.scheme} for ${f.title}`,
          body: `${f.scheme} (${f.issuer}, ${f.reference}) for ${f.title} is valid until ${longDay(f.expiresOn)}. Add its renewal before then, or buyers will see it as expired.`,
          link: links.innovation(f.innovationId),
        },
      ];
    }
    default:
      return [];
  }
}

/**
 * The keys of the reminders `event` cancels: what they remind of is done, cancelled, or (a raised
 * challenge) no longer sure to happen on its day. The caller marks them moot; a later event may
 * plan the same key again (a response withdrawn after it was submitted, a challenge dismissed, a
 * registration made again, a membership reinstated). Never a key `planReminders` gives for the
 * same event.
 *
 * - A submitted response removes its supplier from "responses due tomorrow": each invited supplier
 *   has its own reminder (`responses-due:<projectId>:<supplierId>`), and the submission moots that
 *   one only (a withdrawal plans it again).
 * - A rescheduled event re-plans its registrants' "tomorrow" under the same keys, for the new day;
 *   a re-plan whose day is already over (an event brought forward to today) moots the key instead,
 *   so the reminder of the old day is not sent. The same holds for every re-plan.
 */
export function remindersMadeMoot(event: DomainEvent, calendar: WorkingDayCalendar = workingDayCalendars.unitedKingdom): string[] {
  const late = draftsOf(event, calendar)
    .filter((draft) => !timely(draft, event))
    .map((draft) => draft.key);
  return [...new Set([...cancelled(event), ...late])];
}

function cancelled(event: DomainEvent): string[] {
  switch (event.kind) {
    case 'response.submitted': {
      const f = facts(event, 'response.submitted');
      return [reminderKeys.responsesDue(f.projectId, f.supplierOrganisationId)];
    }
    case 'project.cancelled': {
      const f = facts(event, 'project.cancelled');
      return [
        reminderKeys.clarificationClosing(f.projectId),
        ...f.invitedSupplierOrganisationIds.map((supplier) => reminderKeys.responsesDue(f.projectId, supplier)),
        reminderKeys.standstillEnds(f.projectId),
      ];
    }
    case 'award.issued': {
      // Without a standstill there is nothing to remind the buyer of (a standstill re-planned is a new plan).
      const f = facts(event, 'award.issued');
      return f.standstillObserved ? [] : [reminderKeys.standstillEnds(f.projectId)];
    }
    case 'challenge.raised':
      // The contract waits for the answer, which may move the end or withdraw the award.
      return [reminderKeys.standstillEnds(facts(event, 'challenge.raised').projectId)];
    case 'challenge.answered': {
      // Upheld: the award is withdrawn. (Dismissed with no other challenge open: planned again.)
      const f = facts(event, 'challenge.answered');
      return f.awardWithdrawn ? [reminderKeys.standstillEnds(f.projectId)] : [];
    }
    case 'contract.recorded':
      return [reminderKeys.standstillEnds(facts(event, 'contract.recorded').projectId)];
    case 'event.cancelled': {
      const f = facts(event, 'event.cancelled');
      return [...f.registeredPersonIds, ...f.waitingPersonIds].map((personId) => reminderKeys.eventTomorrow(f.eventId, personId));
    }
    case 'registration.cancelled': {
      const f = facts(event, 'registration.cancelled');
      return [reminderKeys.eventTomorrow(f.eventId, f.personId)];
    }
    case 'membership.applied':
    case 'membership.decided': {
      const f = facts(event, event.kind);
      // Suspended, lapsed, left, rejected, or applying afresh: no renewal of this membership is due.
      return f.toStatus === 'ACTIVE' && f.renewalDueOn ? [] : [reminderKeys.membershipRenewal(f.organisationId)];
    }
    case 'certification.withdrawn':
      return [reminderKeys.certificationExpiring(facts(event, 'certification.withdrawn').certificationId)];
    default:
      return [];
  }
}

/** A reminder as the notifications service stores it (one row per key). */
export interface StoredReminder {
  remindOn: string;
  state: 'PLANNED' | 'SENT' | 'MOOT';
  /** `occurredAt` of the last event that planned it or made it moot. */
  decidedAt: string;
}

/**
 * What the store does with a change to one key (pure, so the rule is tested once):
 *   - `insert` / `replace`: write the plan (state PLANNED, decidedAt = the event's occurredAt);
 *   - `moot`: state MOOT (kept, so an older event arriving late cannot plan it again);
 *   - `keep`: nothing.
 * An event older than the row's last decision changes nothing (events may arrive out of order after
 * a broker redelivery; ties go to the later arrival, as events of one transaction share an instant).
 * A plan for the day a reminder was already SENT keeps it sent: the same reminder is never sent
 * twice; a plan for another day (an event moved, a standstill resumed) is a new reminder, due again.
 */
export function applyReminderChange(
  stored: StoredReminder | undefined,
  change: { plan: Pick<PlannedReminder, 'remindOn'> } | { moot: true },
  occurredAt: string,
): 'insert' | 'replace' | 'moot' | 'keep' {
  if (stored && Date.parse(occurredAt) < Date.parse(stored.decidedAt)) return 'keep';
  if ('moot' in change) return stored && stored.state !== 'MOOT' ? 'moot' : 'keep';
  if (!stored) return 'insert';
  if (stored.state === 'SENT' && stored.remindOn === change.plan.remindOn) return 'keep';
  return 'replace';
}

/** Whether a PLANNED reminder may be sent at `now`: on or after its time, before what it reminds of happens. */
export function sendable(reminder: Pick<PlannedReminder, 'dueAt' | 'notAfter'>, now: Date): boolean {
  return reminder.dueAt.getTime() <= now.getTime() && now.getTime() < reminder.notAfter.getTime();
}

function facts<K extends DomainEventKind>(event: DomainEvent, kind: K): DomainEventFacts[K] {
  if (event.kind !== kind) throw new Error(`reminders: expected a ${kind} event, got ${event.kind}`);
  return event.facts as DomainEventFacts[K];
}

function responsesDue(
  f: { projectId: string; projectTitle: string },
  supplierOrganisationId: string,
  deadline: string,
  calendar: WorkingDayCalendar,
): Draft {
  const at = new Date(deadline);
  return {
    key: reminderKeys.responsesDue(f.projectId, supplierOrganisationId),
    kind: 'RESPONSES_DUE',
    // The working day before the deadline's.
    remindOn: addWorkingDays(ukDay(at), -1, calendar),
    notAfter: at,
    subject: { typename: 'ProcurementProject', id: f.projectId },
    to: { organisations: [supplierOrganisationId] },
    title: `Responses due tomorrow: ${f.projectTitle}`,
    body: `Your organisation has not submitted a response to ${f.projectTitle}. Responses are due by ${ukTime.format(at)} on ${longDay(ukDay(at))}.`,
    link: links.project(f.projectId),
  };
}

function standstillEnds(f: { projectId: string; projectTitle: string; buyerOrganisationId: string }, endsOn: string): Draft {
  return {
    key: reminderKeys.standstillEnds(f.projectId),
    kind: 'STANDSTILL_ENDS',
    remindOn: endsOn,
    // It ends at the close of its last day.
    notAfter: ukInstant(addCalendarDays(endsOn, 1), 0),
    subject: { typename: 'ProcurementProject', id: f.projectId },
    to: { organisations: [f.buyerOrganisationId], roles: buyersTeam },
    title: `Standstill ends today: ${f.projectTitle}`,
    body: `The standstill on ${f.projectTitle} ends at the close of today, ${longDay(endsOn)}. Unless a challenge is raised today, the contract may be entered into from tomorrow.`,
    link: links.project(f.projectId),
  };
}

function eventTomorrow(f: { eventId: string; title: string; startsAt: string; memberOnly: boolean }, personId: string): Draft {
  const starts = new Date(f.startsAt);
  return {
    key: reminderKeys.eventTomorrow(f.eventId, personId),
    kind: 'EVENT_TOMORROW',
    // The day before, whatever day it is: people come to a Monday webinar reminded on Sunday.
    remindOn: addCalendarDays(ukDay(starts), -1),
    notAfter: starts,
    subject: { typename: 'Event', id: f.eventId },
    to: { people: [personId] },
    membersOnly: f.memberOnly,
    title: `Tomorrow: ${f.title}`,
    body: `${f.title} starts at ${ukTime.format(starts)} tomorrow, ${longDay(ukDay(starts))}. You are registered.`,
    link: links.event(f.eventId),
  };
}
