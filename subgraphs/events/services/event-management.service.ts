import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { badUserInput, forbidden, notFound } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import type { Identity } from '../../../platform/identity';
import {
  BriefingQuestion,
  CalendarFeed,
  Event,
  EventHost,
  EventInnovation,
  EventRoute,
  EventSpeaker,
  type EventScheduleChange,
} from '../entities';
import type { AttendanceInput, CreateEventInput, UpdateEventInput } from '../generated/graphql';
import type { EventsLoaders } from '../loaders';
import { eventColumns, eventFromRow, type EventRow } from '../loaders/hosted-events.loader';
import { readRegistration, type RegistrationModel } from '../loaders/registration.loader';
import { authorizeChange } from '../../../platform/sign-in';
import { canManageEvent, positionalParameters, visibleEventCondition, type EventFacts, type EventVisibility } from '../policy';
import { eventMachine, registrationMachine } from '../status-machines';
import type { Clock } from '../../../platform/clock';
import { httpsUrl, idList, requiredText, wholeNumber } from '../../../platform/input';
import { parseLondonTime } from './london-time';
import { assignmentsOf, updateAtVersion } from '../../../platform/optimistic-lock';
import { defineRecorder } from '../../../platform/recorder';
import { recordDomainEvent, type DomainEventFacts } from '../../../platform/outbox';

/** Each move of an event to new times (events.event_schedule_change, append-only; read as `EventScheduleChange`). */
const scheduleChanges = defineRecorder<Omit<EventScheduleChange, 'id' | 'changedAt'>>({
  table: 'events.event_schedule_change',
  atColumn: 'changed_at',
  columns: {
    eventId: 'event_id',
    changedBy: 'changed_by',
    previousStartsAt: 'previous_starts_at',
    previousEndsAt: 'previous_ends_at',
    startsAt: 'starts_at',
    endsAt: 'ends_at',
  },
  // Everyone registered or waiting is told of the move (platform/domain-events.ts `event.rescheduled`).
  domainEvent: async (manager, entry) => {
    await recordDomainEvent(manager, {
      source: 'events',
      kind: 'event.rescheduled',
      occurredAt: entry.at,
      subject: { typename: 'Event', id: entry.eventId },
      facts: {
        ...(await eventFacts(manager, entry.eventId)),
        previousStartsAt: entry.previousStartsAt.toISOString(),
        previousEndsAt: entry.previousEndsAt.toISOString(),
      },
    });
  },
});

/**
 * What every event about an Event carries, read in the change's transaction: its title and times as
 * they now are, whether only members may read it, and who is registered or waiting (the consumer
 * cannot read registrations itself).
 */
async function eventFacts(manager: EntityManager, eventId: string) {
  const [event] = (await manager.query(`SELECT title, starts_at, ends_at, audience FROM events.event WHERE id = $1`, [eventId])) as {
    title: string;
    starts_at: Date;
    ends_at: Date;
    audience: string;
  }[];
  const people = (await manager.query(
    `SELECT person_id, status FROM events.event_registration WHERE event_id = $1 AND status IN ('CONFIRMED', 'WAITING') ORDER BY person_id`,
    [eventId],
  )) as { person_id: string; status: string }[];
  return {
    eventId,
    title: event!.title,
    startsAt: new Date(event!.starts_at).toISOString(),
    endsAt: new Date(event!.ends_at).toISOString(),
    memberOnly: event!.audience !== 'PUBLIC',
    registeredPersonIds: people.filter((row) => row.status === 'CONFIRMED').map((row) => row.person_id),
    waitingPersonIds: people.filter((row) => row.status === 'WAITING').map((row) => row.person_id),
  };
}

/** A person's own registration moving (platform/domain-events.ts): the event's facts without the lists of people. */
async function announceRegistration<K extends 'registration.confirmed' | 'registration.cancelled'>(
  manager: EntityManager,
  kind: K,
  eventId: string,
  person: Omit<DomainEventFacts[K], keyof Awaited<ReturnType<typeof eventFacts>>>,
  at: Date,
): Promise<void> {
  const { registeredPersonIds: _registered, waitingPersonIds: _waiting, ...facts } = await eventFacts(manager, eventId);
  await recordDomainEvent(manager, {
    source: 'events',
    kind,
    occurredAt: at,
    subject: { typename: 'Event', id: eventId },
    facts: { ...facts, ...person } as DomainEventFacts[K],
  });
}

/** Limits on what a client may send; every string input has one. */
export const EVENT_LIMITS = {
  title: 200,
  description: 5000,
  venue: 200,
  joinUrl: 500,
  reason: 500,
  question: 1000,
  answer: 5000,
  hosts: 10,
  links: 20,
  capacity: 100_000,
  attendanceEntries: 1000,
} as const;

/** Where a calendar feed is served on the gateway; the token is the only secret in it. */
export const calendarFeedPath = (token: string) => `/calendar/${token}.ics`;
export const hashFeedToken = (token: string) => createHash('sha256').update(token).digest('hex');

interface LockedEvent {
  event: Event;
  facts: EventFacts;
}

/**
 * Writes to events and registrations. Each mutation is one transaction that first locks the event
 * row (SELECT … FOR UPDATE): concurrent sign-ups for the last seats queue on that lock, so the
 * count of confirmed seats they read is always current and an event is never overbooked. Nothing
 * inside a transaction reads through the request's loaders: they use other pool connections, and
 * waiting on a second connection while holding the lock would deadlock the embedded database.
 */
export class EventManagementService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: EventsLoaders,
    private readonly clock: Clock,
    private readonly viewer: Identity,
    private readonly visibility: EventVisibility,
  ) {}

  /** The event (if the viewer may see it, or `any`), locked for this transaction, with its hosts. */
  private async lock(manager: EntityManager, id: string, any = false): Promise<LockedEvent> {
    const parameters: unknown[] = [id];
    const visible = any ? 'TRUE' : visibleEventCondition(this.visibility, 'e', positionalParameters(parameters));
    const [row] = (await manager.query(
      `SELECT ${eventColumns} FROM events.event e WHERE e.id = $1 AND ${visible} FOR UPDATE OF e`,
      parameters,
    )) as EventRow[];
    if (!row) throw notFound('Event', id);
    const hosts = (await manager.query(`SELECT organisation_id FROM events.event_host WHERE event_id = $1 ORDER BY position`, [id])) as {
      organisation_id: string;
    }[];
    const event = eventFromRow(row);
    return {
      event,
      facts: {
        status: event.status,
        audience: event.audience,
        startsAt: event.startsAt,
        endsAt: event.endsAt,
        hostIds: hosts.map((h) => h.organisation_id),
      },
    };
  }

  private async reload(id: string): Promise<Event> {
    this.loaders.eventById.clear(id);
    this.loaders.anyEventById.clear(id);
    return (await this.loaders.anyEventById.load(id))!;
  }

  private async replaceLinks(
    manager: EntityManager,
    eventId: string,
    links: { speakerIds?: string[]; innovationIds?: string[]; routeIds?: string[] },
  ) {
    if (links.speakerIds) {
      await manager.delete(EventSpeaker, { eventId });
      if (links.speakerIds.length)
        await manager.insert(
          EventSpeaker,
          links.speakerIds.map((personId, position) => ({ eventId, personId, position })),
        );
    }
    if (links.innovationIds) {
      await manager.delete(EventInnovation, { eventId });
      if (links.innovationIds.length)
        await manager.insert(
          EventInnovation,
          links.innovationIds.map((innovationId, position) => ({ eventId, innovationId, position })),
        );
    }
    if (links.routeIds) {
      await manager.delete(EventRoute, { eventId });
      if (links.routeIds.length)
        await manager.insert(
          EventRoute,
          links.routeIds.map((routeId, position) => ({ eventId, routeId, position })),
        );
    }
  }

  private readLinks(input: {
    speakerIds?: readonly string[] | null;
    innovationIds?: readonly string[] | null;
    routeIds?: readonly string[] | null;
  }) {
    return {
      speakerIds: input.speakerIds ? idList(input.speakerIds, { field: 'speakerIds', max: EVENT_LIMITS.links }) : undefined,
      innovationIds: input.innovationIds ? idList(input.innovationIds, { field: 'innovationIds', max: EVENT_LIMITS.links }) : undefined,
      routeIds: input.routeIds ? idList(input.routeIds, { field: 'routeIds', max: EVENT_LIMITS.links }) : undefined,
    };
  }

  async create(input: CreateEventInput): Promise<Event> {
    const hostIds = idList(input.hostIds, { field: 'hostIds', min: 1, max: EVENT_LIMITS.hosts });
    authorizeChange(
      this.viewer,
      canManageEvent(this.viewer, hostIds),
      'Only platform admins and admins of a host organisation may create events.',
    );
    const startsAt = parseLondonTime(input.startsAtLocal, 'startsAtLocal');
    const endsAt = parseLondonTime(input.endsAtLocal, 'endsAtLocal');
    if (endsAt <= startsAt) throw badUserInput('"endsAtLocal" must be after "startsAtLocal".', 'endsAtLocal');
    const venue = input.venue == null ? null : requiredText(input.venue, { field: 'venue', max: EVENT_LIMITS.venue });
    const joinUrl = input.joinUrl == null ? null : httpsUrl(input.joinUrl, { field: 'joinUrl', max: EVENT_LIMITS.joinUrl });
    if (!venue && !joinUrl) throw badUserInput('An event needs a venue, a joining link, or both.', 'venue');
    const values = {
      title: requiredText(input.title, { field: 'title', max: EVENT_LIMITS.title }),
      description: requiredText(input.description, { field: 'description', max: EVENT_LIMITS.description }),
      kind: input.kind,
      audience: input.audience,
      status: 'DRAFT' as const,
      startsAt,
      endsAt,
      venue,
      online: joinUrl !== null,
      joinUrl,
      capacity: input.capacity == null ? null : wholeNumber(input.capacity, { field: 'capacity', min: 1, max: EVENT_LIMITS.capacity }),
    };
    const links = this.readLinks(input);
    const id = await this.dataSource.transaction(async (manager) => {
      const inserted = await manager.insert(Event, values);
      const eventId = (inserted.identifiers[0] as { id: string }).id;
      await manager.insert(
        EventHost,
        hostIds.map((organisationId, position) => ({ eventId, organisationId, position })),
      );
      await this.replaceLinks(manager, eventId, links);
      return eventId;
    });
    return this.reload(id);
  }

  /**
   * The version step on the locked event (platform/optimistic-lock.ts), right after the caller is
   * authorised and before any rule about its state: a stale client `version` is refused with
   * CONFLICT, `currentVersion` and `currentStatus`, whatever else is wrong (the client's view is out
   * of date); without one, last write wins. Every change to the event comes through here, so the
   * version moves on whoever makes it; `write` then sets its columns in the same transaction.
   */
  private async stepVersion(manager: EntityManager, event: Event, version: number | null | undefined) {
    await updateAtVersion(manager, {
      table: 'events.event',
      noun: 'event',
      id: event.id,
      expectedVersion: version ?? null,
      assignments: '',
      values: [],
      conflictFacts: () => ({ currentStatus: event.status }),
    });
  }

  /** Writes `sets` (columns to values) to the locked event, whose version stepVersion moved on. */
  private async write(manager: EntityManager, id: string, sets: Record<string, unknown>) {
    const { assignments, values } = assignmentsOf(sets, 2);
    await manager.query(`UPDATE events.event SET ${assignments} WHERE id = $1`, [id, ...values]);
  }

  async update(eventId: string, input: UpdateEventInput, version?: number | null): Promise<Event> {
    const id = parseId(eventId);
    authorizeChange(this.viewer, true, '');
    const links = this.readLinks(input);
    await this.dataSource.transaction(async (manager) => {
      const { event, facts } = await this.lock(manager, id);
      authorizeChange(
        this.viewer,
        canManageEvent(this.viewer, facts.hostIds),
        'Only platform admins and admins of a host organisation may edit this event.',
      );
      await this.stepVersion(manager, event, version);
      eventMachine.assertCan('edit', { ...facts, now: this.clock.now() });
      // Column names, written in one UPDATE.
      const changes: Record<string, unknown> = { updated_at: this.clock.now() };
      if (input.title != null) changes.title = requiredText(input.title, { field: 'title', max: EVENT_LIMITS.title });
      if (input.description != null)
        changes.description = requiredText(input.description, { field: 'description', max: EVENT_LIMITS.description });
      if (input.audience != null) changes.audience = input.audience;
      if (input.venue != null) changes.venue = requiredText(input.venue, { field: 'venue', max: EVENT_LIMITS.venue });
      if (input.joinUrl != null) {
        changes.join_url = httpsUrl(input.joinUrl, { field: 'joinUrl', max: EVENT_LIMITS.joinUrl });
        changes.online = true;
      }
      const startsAt = input.startsAtLocal != null ? parseLondonTime(input.startsAtLocal, 'startsAtLocal') : event.startsAt;
      const endsAt = input.endsAtLocal != null ? parseLondonTime(input.endsAtLocal, 'endsAtLocal') : event.endsAt;
      if (endsAt <= startsAt) throw badUserInput('"endsAtLocal" must be after "startsAtLocal".', 'endsAtLocal');
      const moved = startsAt.getTime() !== event.startsAt.getTime() || endsAt.getTime() !== event.endsAt.getTime();
      if (moved) Object.assign(changes, { starts_at: startsAt, ends_at: endsAt });
      let promote = false;
      if (input.capacity != null) {
        const capacity = wholeNumber(input.capacity, { field: 'capacity', min: 1, max: EVENT_LIMITS.capacity });
        const [{ confirmed }] = (await manager.query(
          `SELECT count(*)::int AS confirmed FROM events.event_registration WHERE event_id = $1 AND status = 'CONFIRMED'`,
          [id],
        )) as [{ confirmed: number }];
        if (capacity < confirmed) throw badUserInput(`"capacity" cannot go below the ${confirmed} confirmed registrations.`, 'capacity');
        changes.capacity = capacity;
        promote = true;
      }
      await this.write(manager, id, changes);
      if (moved) {
        // The record of the move; registrations stay as they are.
        await scheduleChanges.record(manager, {
          at: this.clock.now(),
          eventId: id,
          changedBy: this.viewer.personId,
          previousStartsAt: event.startsAt,
          previousEndsAt: event.endsAt,
          startsAt,
          endsAt,
        });
      }
      await this.replaceLinks(manager, id, links);
      if (promote) await this.promote(manager, id);
    });
    return this.reload(id);
  }

  /** A lifecycle step (eventMachine): DRAFT → SCHEDULED, SCHEDULED → COMPLETED once ended, DRAFT | SCHEDULED → CANCELLED. */
  async transition(eventId: string, to: 'SCHEDULED' | 'COMPLETED' | 'CANCELLED', reason?: string, version?: number | null): Promise<Event> {
    const id = parseId(eventId);
    authorizeChange(this.viewer, true, '');
    const cancellationReason = to === 'CANCELLED' ? requiredText(reason, { field: 'reason', max: EVENT_LIMITS.reason }) : null;
    await this.dataSource.transaction(async (manager) => {
      const { event, facts } = await this.lock(manager, id);
      authorizeChange(
        this.viewer,
        canManageEvent(this.viewer, facts.hostIds),
        'Only platform admins and admins of a host organisation may change this event.',
      );
      await this.stepVersion(manager, event, version);
      eventMachine.moveTo(to, { ...facts, now: this.clock.now() });
      await this.write(manager, id, {
        status: to,
        updated_at: this.clock.now(),
        ...(cancellationReason ? { cancellation_reason: cancellationReason } : {}),
      });
      if (to === 'CANCELLED') {
        await recordDomainEvent(manager, {
          source: 'events',
          kind: 'event.cancelled',
          occurredAt: this.clock.now(),
          subject: { typename: 'Event', id },
          facts: { ...(await eventFacts(manager, id)), reason: cancellationReason },
        });
      }
    });
    return this.reload(id);
  }

  /** Fills free seats from the head of the waiting list, in queue order, inside the caller's transaction. */
  private async promote(manager: EntityManager, eventId: string): Promise<void> {
    const [promoted] = (await manager.query(
      `UPDATE events.event_registration SET status = 'CONFIRMED', confirmed_at = $2
        WHERE id IN (SELECT w.id FROM events.event_registration w WHERE w.event_id = $1 AND w.status = 'WAITING'
                      ORDER BY w.queue_number
                      LIMIT (SELECT CASE WHEN e.capacity IS NULL THEN NULL
                                         ELSE greatest(e.capacity - (SELECT count(*) FROM events.event_registration c
                                                                      WHERE c.event_id = $1 AND c.status = 'CONFIRMED'), 0) END
                               FROM events.event e WHERE e.id = $1))
       RETURNING person_id`,
      [eventId, this.clock.now()],
    )) as [{ person_id: string }[], number];
    if (promoted.length === 0) return;
    const { registeredPersonIds: _registered, waitingPersonIds: _waiting, ...facts } = await eventFacts(manager, eventId);
    for (const { person_id: personId } of promoted) {
      await recordDomainEvent(manager, {
        source: 'events',
        kind: 'waiting_list.place_confirmed',
        occurredAt: this.clock.now(),
        subject: { typename: 'Event', id: eventId },
        facts: { ...facts, personId },
      });
    }
  }

  async register(eventId: string): Promise<RegistrationModel> {
    const id = parseId(eventId, 'eventId');
    authorizeChange(this.viewer, true, '');
    const viewer = this.viewer;
    return this.dataSource.transaction(async (manager) => {
      const { event, facts } = await this.lock(manager, id);
      const now = this.clock.now();
      // The event's state first (CONFLICT), then its audience (FORBIDDEN), then the caller's own registration.
      const subject = { ...facts, now };
      eventMachine.assertCan('register', subject);
      if (!eventMachine.permits('register', viewer, subject)) {
        throw forbidden(`This event is for ${event.audience}; your organisation is not in its audience.`);
      }
      const [existing] = (await manager.query(`SELECT status FROM events.event_registration WHERE event_id = $1 AND person_id = $2`, [
        id,
        viewer.personId,
      ])) as {
        status: RegistrationModel['status'];
      }[];
      registrationMachine.assertCan('register', { status: existing?.status ?? null });
      const [{ confirmed }] = (await manager.query(
        `SELECT count(*)::int AS confirmed FROM events.event_registration WHERE event_id = $1 AND status = 'CONFIRMED'`,
        [id],
      )) as [{ confirmed: number }];
      const status = event.capacity === null || confirmed < event.capacity ? 'CONFIRMED' : 'WAITING';
      // Re-registering after a cancellation reuses the row and joins the back of the queue.
      const [row] = (await manager.query(
        `INSERT INTO events.event_registration (event_id, person_id, organisation_id, organisation_kind, status, queue_number, registered_at, confirmed_at)
         VALUES ($1, $2, $3, $4, $5, nextval('events.registration_queue'), $6, $7)
         ON CONFLICT (event_id, person_id) DO UPDATE SET
           organisation_id = EXCLUDED.organisation_id, organisation_kind = EXCLUDED.organisation_kind, status = EXCLUDED.status,
           queue_number = EXCLUDED.queue_number, registered_at = EXCLUDED.registered_at, confirmed_at = EXCLUDED.confirmed_at,
           cancelled_at = NULL, attended = NULL
         RETURNING id`,
        [id, viewer.personId, viewer.organisationId, viewer.organisationKind, status, now, status === 'CONFIRMED' ? now : null],
      )) as { id: string }[];
      if (status === 'CONFIRMED') await announceRegistration(manager, 'registration.confirmed', id, { personId: viewer.personId }, now);
      return readRegistration(manager, row!.id);
    });
  }

  async cancelRegistration(eventId: string): Promise<RegistrationModel> {
    const id = parseId(eventId, 'eventId');
    authorizeChange(this.viewer, true, '');
    const viewer = this.viewer;
    return this.dataSource.transaction(async (manager) => {
      // Registrants may cancel even if the event's audience has since changed: lock it regardless.
      const { facts } = await this.lock(manager, id, true);
      const [registration] = (await manager.query(
        `SELECT id, status FROM events.event_registration WHERE event_id = $1 AND person_id = $2`,
        [id, viewer.personId],
      )) as { id: string; status: RegistrationModel['status'] }[];
      if (!registration) throw notFound('EventRegistration', id);
      registrationMachine.assertCan('cancel', registration);
      eventMachine.assertCan('cancelRegistration', { ...facts, now: this.clock.now() });
      await manager.query(
        `UPDATE events.event_registration SET status = 'CANCELLED', cancelled_at = $2, confirmed_at = NULL WHERE id = $1`,
        [registration.id, this.clock.now()],
      );
      await announceRegistration(
        manager,
        'registration.cancelled',
        id,
        { personId: viewer.personId, wasConfirmed: registration.status === 'CONFIRMED' },
        this.clock.now(),
      );
      // The freed seat goes to the first in line, in the same transaction as the cancellation.
      if (registration.status === 'CONFIRMED') await this.promote(manager, id);
      return readRegistration(manager, registration.id);
    });
  }

  async markAttendance(eventId: string, attendance: readonly AttendanceInput[]): Promise<Event> {
    const id = parseId(eventId, 'eventId');
    authorizeChange(this.viewer, true, '');
    const personIds = idList(
      attendance.map((a) => a.personId),
      { field: 'attendance', min: 1, max: EVENT_LIMITS.attendanceEntries, noun: 'people' },
    );
    await this.dataSource.transaction(async (manager) => {
      const { facts } = await this.lock(manager, id);
      authorizeChange(this.viewer, canManageEvent(this.viewer, facts.hostIds), 'Only the hosts and platform admins may record attendance.');
      eventMachine.assertCan('markAttendance', { ...facts, now: this.clock.now() });
      const updated = (await manager.query(
        `UPDATE events.event_registration r SET attended = a.attended
           FROM unnest($2::uuid[], $3::boolean[]) AS a(person_id, attended)
          WHERE r.event_id = $1 AND r.person_id = a.person_id AND r.status = 'CONFIRMED'
          RETURNING r.person_id`,
        [id, personIds, attendance.map((a) => a.attended)],
      )) as [{ person_id: string }[], number];
      const rows = Array.isArray(updated[0]) ? updated[0] : (updated as unknown as { person_id: string }[]);
      if (rows.length !== personIds.length) {
        const marked = new Set(rows.map((r) => r.person_id));
        const missing = personIds.find((p) => !marked.has(p));
        // Throwing rolls the whole batch back: attendance is recorded for all or none.
        throw badUserInput(`Person ${missing} has no confirmed registration for this event.`, 'attendance');
      }
    });
    return this.reload(id);
  }

  async publishQuestion(eventId: string, questionText: string, answerText: string): Promise<BriefingQuestion> {
    const id = parseId(eventId, 'eventId');
    authorizeChange(this.viewer, true, '');
    const question = requiredText(questionText, { field: 'question', max: EVENT_LIMITS.question });
    const answer = requiredText(answerText, { field: 'answer', max: EVENT_LIMITS.answer });
    return this.dataSource.transaction(async (manager) => {
      const { facts } = await this.lock(manager, id);
      authorizeChange(this.viewer, canManageEvent(this.viewer, facts.hostIds), 'Only the hosts and platform admins may publish answers.');
      eventMachine.assertCan('publishQuestion', { ...facts, now: this.clock.now() });
      const [{ next }] = (await manager.query(
        `SELECT coalesce(max(position) + 1, 0)::int AS next FROM events.briefing_question WHERE event_id = $1`,
        [id],
      )) as [{ next: number }];
      const inserted = await manager.insert(BriefingQuestion, {
        eventId: id,
        position: next,
        question,
        answer,
        publishedAt: this.clock.now(),
      });
      return manager.findOneByOrFail(BriefingQuestion, { id: (inserted.identifiers[0] as { id: string }).id });
    });
  }

  /** A new private feed for the signed-in person; the token is returned once and only its hash kept. */
  async createCalendarFeed(): Promise<{ path: string; createdAt: Date }> {
    authorizeChange(this.viewer, true, '');
    const token = randomBytes(32).toString('base64url');
    const createdAt = this.clock.now();
    await this.dataSource
      .getRepository(CalendarFeed)
      .upsert({ personId: this.viewer.personId, tokenHash: hashFeedToken(token), createdAt }, ['personId']);
    return { path: calendarFeedPath(token), createdAt };
  }

  async revokeCalendarFeed(): Promise<boolean> {
    authorizeChange(this.viewer, true, '');
    const result = await this.dataSource.getRepository(CalendarFeed).delete({ personId: this.viewer.personId });
    return (result.affected ?? 0) > 0;
  }
}
