import { TZDate } from '@date-fns/tz';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalEventStatus } from 'ical-generator';
import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import { isUuid } from '../../../platform/ids';
import type { Identity } from '../../../platform/identity';
import { CalendarFeed, type Event } from '../entities';
import { createEventByIdLoader } from '../loaders/event.loader';
import { eventColumns, eventFromRow, type EventRow } from '../loaders/hosted-events.loader';
import { eventVisibility, positionalParameters, visibleEventCondition } from '../policy';
import { hashFeedToken } from './event-management.service';
import { EVENT_TIME_ZONE } from './london-time';

/** Domain of the iCalendar UIDs: one stable UID per event, so calendar apps update rather than duplicate. */
const uidDomain = 'events.ips-graph.example';
const statusOf = {
  DRAFT: ICalEventStatus.TENTATIVE,
  SCHEDULED: ICalEventStatus.CONFIRMED,
  COMPLETED: ICalEventStatus.CONFIRMED,
  CANCELLED: ICalEventStatus.CANCELLED,
};

/**
 * iCalendar files, written with ical-generator in Europe/London (with its VTIMEZONE), so times stay
 * right across the clock change whatever the reader's zone. The joining link is written only into a
 * person's own feed, for events where their seat is confirmed; the public per-event file never has it.
 */
export function renderCalendar(name: string, events: { event: Event; joinUrl: string | null }[]): string {
  const calendar = ical({ name, prodId: { company: 'IPS Graph', product: 'events' } });
  // No calendar-wide zone name: with one, ical-generator writes DTSTAMP as a floating local time
  // (RFC 5545 3.8.7.2 wants UTC, "…Z") and a TIMEZONE-ID line no standard defines. The generator
  // alone still writes the VTIMEZONE of every zone the events use (Europe/London), and
  // X-WR-TIMEZONE (a legal X- property calendar apps read) still names the calendar's zone.
  calendar.timezone({ name: null, generator: getVtimezoneComponent });
  calendar.x('X-WR-TIMEZONE', EVENT_TIME_ZONE);
  for (const { event, joinUrl } of events) {
    calendar.createEvent({
      id: `${event.id}@${uidDomain}`,
      // ical-generator writes a zoned time's wall clock: hand it the instant seen in UK time.
      start: new TZDate(event.startsAt.getTime(), EVENT_TIME_ZONE),
      end: new TZDate(event.endsAt.getTime(), EVENT_TIME_ZONE),
      timezone: EVENT_TIME_ZONE,
      stamp: event.updatedAt,
      summary: event.status === 'CANCELLED' ? `Cancelled: ${event.title}` : event.title,
      description: [
        event.description,
        event.cancellationReason ? `Cancelled: ${event.cancellationReason}` : null,
        joinUrl ? `Join online: ${joinUrl}` : null,
      ]
        .filter(Boolean)
        .join('\n\n'),
      location: event.venue ?? (event.online ? 'Online' : null),
      url: joinUrl,
      status: statusOf[event.status],
    });
  }
  return calendar.toString();
}

/** One event's calendar file, if the viewer may see the event; null otherwise (as missing). */
export async function eventCalendar(dataSource: DataSource, viewer: Identity, id: string): Promise<string | null> {
  if (!isUuid(id)) return null;
  const event = await createEventByIdLoader(dataSource, eventVisibility(viewer)).load(id.toLowerCase());
  return event ? renderCalendar(event.title, [{ event, joinUrl: null }]) : null;
}

/** Whose feed a token opens: the person's id, or null for an unknown or revoked token. */
export async function calendarFeedOwner(dataSource: DataSource, token: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const feed = await dataSource.getRepository(CalendarFeed).findOneBy({ tokenHash: hashFeedToken(token) });
  return feed?.personId ?? null;
}

/**
 * A person's feed by its token: their registrations that are not cancelled, for events they may
 * still see. `owner` is who the feed's person is NOW, as the gateway asked members just before
 * (a calendar app sends no token of its own): null for anyone else, so a feed answers only while
 * its owner could still see what it lists. Their organisation suspended or lapsed, the feed keeps
 * public events and those their organisation hosts, as `events` would answer them; a removed
 * person has no identity, and the gateway answers 404 before asking here. Null (404) for an
 * unknown or revoked token, or an owner who is not the feed's person.
 */
export async function personalCalendar(dataSource: DataSource, token: string, owner: Identity): Promise<string | null> {
  const personId = await calendarFeedOwner(dataSource, token);
  if (!personId || !owner || owner.personId.toLowerCase() !== personId.toLowerCase()) return null;
  const parameters: unknown[] = [personId];
  const visible = visibleEventCondition(eventVisibility(owner), 'e', positionalParameters(parameters));
  const rows = (await dataSource.query(
    `SELECT ${eventColumns}, r.status AS registration_status FROM events.event_registration r JOIN events.event e ON e.id = r.event_id
      WHERE r.person_id = $1 AND r.status <> 'CANCELLED' AND ${visible} ORDER BY e.starts_at, e.id`,
    parameters,
  )) as (EventRow & { registration_status: string })[];
  return renderCalendar(
    'My IPS events',
    rows.map((row) => {
      const event = eventFromRow(row);
      return { event, joinUrl: row.registration_status === 'CONFIRMED' && event.status !== 'CANCELLED' ? event.joinUrl : null };
    }),
  );
}

/**
 * The events subgraph's calendar routes under `/internal` (gateway only; the gateway serves them
 * publicly as `GET /events/<id>.ics` and `GET /calendar/<token>.ics`).
 */
export function addCalendarRoutes(router: Router, dataSource: DataSource): void {
  const send = (response: import('express').Response, body: string | null) => {
    if (body === null) return void response.status(404).type('text/plain').send('Not found');
    response.status(200).type('text/calendar; charset=utf-8').set('cache-control', 'private, no-store').send(body);
  };
  // POST with what is asked in the body: the gateway's assertion binds the body's digest, so an
  // overheard assertion cannot be replayed for another event or feed.
  router.post('/calendar/event', async (request, response) => {
    send(response, await eventCalendar(dataSource, (response.locals.viewer ?? null) as Identity, String(request.body?.eventId ?? '')));
  });
  // Step one of a feed: whose it is, so the gateway can ask members who that person is now.
  router.post('/calendar/feed-owner', async (request, response) => {
    const personId = await calendarFeedOwner(dataSource, String(request.body?.token ?? ''));
    if (!personId) return void response.status(404).type('text/plain').send('Not found');
    response.json({ personId });
  });
  // Step two: the feed, as the identity the gateway asserts for its owner may see it.
  router.post('/calendar/feed', async (request, response) => {
    send(response, await personalCalendar(dataSource, String(request.body?.token ?? ''), (response.locals.viewer ?? null) as Identity));
  });
}
