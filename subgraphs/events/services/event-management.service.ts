import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { badUserInput, conflict, forbidden, notFound } from '../../../platform/errors';
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
import {
  canCancelRegistration,
  canManageEvent,
  canMarkAttendance,
  canRegister,
  positionalParameters,
  visibleEventCondition,
  type EventFacts,
  type EventVisibility,
} from '../policy';
import type { Clock } from '../../../platform/clock';
import { readHttpsUrl, readIds, readInteger, readText } from './input';
import { parseLondonTime } from './london-time';
import { assignmentsOf, updateAtVersion } from '../../../platform/optimistic-lock';
import { defineRecorder } from '../../../platform/recorder';

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
});

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
      speakerIds: input.speakerIds ? readIds(input.speakerIds, 'speakerIds', EVENT_LIMITS.links) : undefined,
      innovationIds: input.innovationIds ? readIds(input.innovationIds, 'innovationIds', EVENT_LIMITS.links) : undefined,
      routeIds: input.routeIds ? readIds(input.routeIds, 'routeIds', EVENT_LIMITS.links) : undefined,
    };
  }

  async create(input: CreateEventInput): Promise<Event> {
    const hostIds = readIds(input.hostIds, 'hostIds', EVENT_LIMITS.hosts, 1);
    authorizeChange(
      this.viewer,
      canManageEvent(this.viewer, hostIds),
      'Only platform admins and admins of a host organisation may create events.',
    );
    const startsAt = parseLondonTime(input.startsAtLocal, 'startsAtLocal');
    const endsAt = parseLondonTime(input.endsAtLocal, 'endsAtLocal');
    if (endsAt <= startsAt) throw badUserInput('"endsAtLocal" must be after "startsAtLocal".', 'endsAtLocal');
    const venue = input.venue == null ? null : readText(input.venue, 'venue', EVENT_LIMITS.venue);
    const joinUrl = input.joinUrl == null ? null : readHttpsUrl(input.joinUrl, 'joinUrl', EVENT_LIMITS.joinUrl);
    if (!venue && !joinUrl) throw badUserInput('An event needs a venue, a joining link, or both.', 'venue');
    const values = {
      title: readText(input.title, 'title', EVENT_LIMITS.title),
      description: readText(input.description, 'description', EVENT_LIMITS.description),
      kind: input.kind,
      audience: input.audience,
      status: 'DRAFT' as const,
      startsAt,
      endsAt,
      venue,
      online: joinUrl !== null,
      joinUrl,
      capacity: input.capacity == null ? null : readInteger(input.capacity, 'capacity', 1, EVENT_LIMITS.capacity),
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
   * Writes `sets` (columns to values) to the locked event and moves its version on, refusing with
   * CONFLICT and `currentVersion` when the client's `version` is stale; without one, last write wins.
   */
  private async writeAtVersion(manager: EntityManager, event: Event, version: number | null | undefined, sets: Record<string, unknown>) {
    await updateAtVersion(manager, {
      table: 'events.event',
      noun: 'event',
      id: event.id,
      expectedVersion: version ?? null,
      ...assignmentsOf(sets),
      conflictFacts: () => ({ currentStatus: event.status }),
    });
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
      if (event.status !== 'DRAFT' && event.status !== 'SCHEDULED') {
        throw conflict(`A ${event.status} event cannot be edited.`, { currentStatus: event.status });
      }
      // Column names: written by writeAtVersion in one UPDATE with the version step.
      const changes: Record<string, unknown> = { updated_at: this.clock.now() };
      if (input.title != null) changes.title = readText(input.title, 'title', EVENT_LIMITS.title);
      if (input.description != null) changes.description = readText(input.description, 'description', EVENT_LIMITS.description);
      if (input.audience != null) changes.audience = input.audience;
      if (input.venue != null) changes.venue = readText(input.venue, 'venue', EVENT_LIMITS.venue);
      if (input.joinUrl != null) {
        changes.join_url = readHttpsUrl(input.joinUrl, 'joinUrl', EVENT_LIMITS.joinUrl);
        changes.online = true;
      }
      const startsAt = input.startsAtLocal != null ? parseLondonTime(input.startsAtLocal, 'startsAtLocal') : event.startsAt;
      const endsAt = input.endsAtLocal != null ? parseLondonTime(input.endsAtLocal, 'endsAtLocal') : event.endsAt;
      if (endsAt <= startsAt) throw badUserInput('"endsAtLocal" must be after "startsAtLocal".', 'endsAtLocal');
      const moved = startsAt.getTime() !== event.startsAt.getTime() || endsAt.getTime() !== event.endsAt.getTime();
      if (moved) Object.assign(changes, { starts_at: startsAt, ends_at: endsAt });
      let promote = false;
      if (input.capacity != null) {
        const capacity = readInteger(input.capacity, 'capacity', 1, EVENT_LIMITS.capacity);
        const [{ confirmed }] = (await manager.query(
          `SELECT count(*)::int AS confirmed FROM events.event_registration WHERE event_id = $1 AND status = 'CONFIRMED'`,
          [id],
        )) as [{ confirmed: number }];
        if (capacity < confirmed) throw badUserInput(`"capacity" cannot go below the ${confirmed} confirmed registrations.`, 'capacity');
        changes.capacity = capacity;
        promote = true;
      }
      await this.writeAtVersion(manager, event, version, changes);
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

  /** A lifecycle step: DRAFT → SCHEDULED, SCHEDULED → COMPLETED, DRAFT | SCHEDULED → CANCELLED. */
  async transition(eventId: string, to: 'SCHEDULED' | 'COMPLETED' | 'CANCELLED', reason?: string, version?: number | null): Promise<Event> {
    const id = parseId(eventId);
    authorizeChange(this.viewer, true, '');
    const cancellationReason = to === 'CANCELLED' ? readText(reason ?? '', 'reason', EVENT_LIMITS.reason) : null;
    await this.dataSource.transaction(async (manager) => {
      const { event, facts } = await this.lock(manager, id);
      authorizeChange(
        this.viewer,
        canManageEvent(this.viewer, facts.hostIds),
        'Only platform admins and admins of a host organisation may change this event.',
      );
      const allowedFrom = { SCHEDULED: ['DRAFT'], COMPLETED: ['SCHEDULED'], CANCELLED: ['DRAFT', 'SCHEDULED'] }[to];
      if (!allowedFrom.includes(event.status)) {
        throw conflict(`A ${event.status} event cannot become ${to}.`, { currentStatus: event.status });
      }
      if (to === 'COMPLETED' && event.endsAt > this.clock.now()) {
        throw conflict('An event can be completed only once it has ended.', { currentStatus: event.status });
      }
      await this.writeAtVersion(manager, event, version, {
        status: to,
        updated_at: this.clock.now(),
        ...(cancellationReason ? { cancellation_reason: cancellationReason } : {}),
      });
    });
    return this.reload(id);
  }

  /** Fills free seats from the head of the waiting list, in queue order, inside the caller's transaction. */
  private async promote(manager: EntityManager, eventId: string): Promise<void> {
    await manager.query(
      `UPDATE events.event_registration SET status = 'CONFIRMED', confirmed_at = $2
        WHERE id IN (SELECT w.id FROM events.event_registration w WHERE w.event_id = $1 AND w.status = 'WAITING'
                      ORDER BY w.queue_number
                      LIMIT (SELECT CASE WHEN e.capacity IS NULL THEN NULL
                                         ELSE greatest(e.capacity - (SELECT count(*) FROM events.event_registration c
                                                                      WHERE c.event_id = $1 AND c.status = 'CONFIRMED'), 0) END
                               FROM events.event e WHERE e.id = $1))`,
      [eventId, this.clock.now()],
    );
  }

  async register(eventId: string): Promise<RegistrationModel> {
    const id = parseId(eventId, 'eventId');
    authorizeChange(this.viewer, true, '');
    const viewer = this.viewer;
    return this.dataSource.transaction(async (manager) => {
      const { event, facts } = await this.lock(manager, id);
      const now = this.clock.now();
      if (!canRegister(viewer, facts, now)) {
        if (event.status !== 'SCHEDULED')
          throw conflict(`Registration is open only for SCHEDULED events; this one is ${event.status}.`, { currentStatus: event.status });
        if (now >= event.startsAt) throw conflict('Registration closes when the event starts.', { currentStatus: event.status });
        throw forbidden(`This event is for ${event.audience}; your organisation is not in its audience.`);
      }
      const [existing] = (await manager.query(`SELECT status FROM events.event_registration WHERE event_id = $1 AND person_id = $2`, [
        id,
        viewer.personId,
      ])) as {
        status: RegistrationModel['status'];
      }[];
      if (existing && existing.status !== 'CANCELLED') {
        throw conflict(`You are already registered (${existing.status}).`, { currentStatus: existing.status });
      }
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
      return readRegistration(manager, row!.id);
    });
  }

  async cancelRegistration(eventId: string): Promise<RegistrationModel> {
    const id = parseId(eventId, 'eventId');
    authorizeChange(this.viewer, true, '');
    const viewer = this.viewer;
    return this.dataSource.transaction(async (manager) => {
      // Registrants may cancel even if the event's audience has since changed: lock it regardless.
      const { event, facts } = await this.lock(manager, id, true);
      const [registration] = (await manager.query(
        `SELECT id, status FROM events.event_registration WHERE event_id = $1 AND person_id = $2`,
        [id, viewer.personId],
      )) as { id: string; status: RegistrationModel['status'] }[];
      if (!registration) throw notFound('EventRegistration', id);
      if (!canCancelRegistration(viewer, facts, registration.status, this.clock.now())) {
        if (registration.status === 'CANCELLED')
          throw conflict('This registration is already cancelled.', { currentStatus: registration.status });
        throw conflict('Registrations can be cancelled only before a SCHEDULED event starts.', { currentStatus: event.status });
      }
      await manager.query(
        `UPDATE events.event_registration SET status = 'CANCELLED', cancelled_at = $2, confirmed_at = NULL WHERE id = $1`,
        [registration.id, this.clock.now()],
      );
      // The freed seat goes to the first in line, in the same transaction as the cancellation.
      if (registration.status === 'CONFIRMED') await this.promote(manager, id);
      return readRegistration(manager, registration.id);
    });
  }

  async markAttendance(eventId: string, attendance: readonly AttendanceInput[]): Promise<Event> {
    const id = parseId(eventId, 'eventId');
    authorizeChange(this.viewer, true, '');
    if (attendance.length === 0 || attendance.length > EVENT_LIMITS.attendanceEntries) {
      throw badUserInput(`"attendance" must list between 1 and ${EVENT_LIMITS.attendanceEntries} people.`, 'attendance');
    }
    const personIds = readIds(
      attendance.map((a) => a.personId),
      'attendance',
      EVENT_LIMITS.attendanceEntries,
      1,
    );
    await this.dataSource.transaction(async (manager) => {
      const { event, facts } = await this.lock(manager, id);
      authorizeChange(this.viewer, canManageEvent(this.viewer, facts.hostIds), 'Only the hosts and platform admins may record attendance.');
      if (!canMarkAttendance(this.viewer, facts, this.clock.now())) {
        throw conflict('Attendance can be recorded only for a SCHEDULED or COMPLETED event that has started.', {
          currentStatus: event.status,
        });
      }
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
    const question = readText(questionText, 'question', EVENT_LIMITS.question);
    const answer = readText(answerText, 'answer', EVENT_LIMITS.answer);
    return this.dataSource.transaction(async (manager) => {
      const { event, facts } = await this.lock(manager, id);
      authorizeChange(this.viewer, canManageEvent(this.viewer, facts.hostIds), 'Only the hosts and platform admins may publish answers.');
      if (event.status === 'DRAFT' || event.status === 'CANCELLED') {
        throw conflict(`Answers are published for SCHEDULED or COMPLETED events; this one is ${event.status}.`, {
          currentStatus: event.status,
        });
      }
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
