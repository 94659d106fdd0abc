import ICAL from 'ical.js';
import type { Event } from '../entities';
import { renderCalendar } from './calendar.service';

/**
 * Issue 24 item 10: calendar files wrote DTSTAMP as a floating time (no "Z"; RFC 5545 3.8.7.2 wants
 * UTC) and a `TIMEZONE-ID` line no standard defines. Read back as raw lines and with ical.js: the
 * stamp is UTC, the event times are Europe/London (its VTIMEZONE included) on both sides of the
 * clock change.
 */
const event = (id: string, startsAt: string, endsAt: string, updatedAt: string) =>
  ({
    id,
    title: `Event ${id}`,
    description: 'About the event.',
    startsAt: new Date(startsAt),
    endsAt: new Date(endsAt),
    updatedAt: new Date(updatedAt),
    venue: 'County Hall, Maidstone',
    online: false,
    status: 'SCHEDULED',
    cancellationReason: null,
    joinUrl: null,
  }) as unknown as Event;

const summer = event('11111111-1111-4111-8111-111111111111', '2027-07-01T09:00:00Z', '2027-07-01T10:30:00Z', '2027-01-15T12:30:45Z');
const winter = event('22222222-2222-4222-8222-222222222222', '2027-12-01T09:00:00Z', '2027-12-01T10:00:00Z', '2027-06-20T23:15:00Z');
const text = renderCalendar('My IPS events', [
  { event: summer, joinUrl: null },
  { event: winter, joinUrl: null },
]);
const lines = text.split('\r\n');

describe('calendar files', () => {
  it('write DTSTAMP in UTC with "Z", and no TIMEZONE-ID line', () => {
    expect(lines.filter((line) => line.startsWith('DTSTAMP'))).toEqual(['DTSTAMP:20270115T123045Z', 'DTSTAMP:20270620T231500Z']);
    expect(lines.filter((line) => line.startsWith('TIMEZONE-ID'))).toEqual([]);
    // The calendar's zone is still named where calendar apps look for it, and defined once.
    expect(lines).toContain('X-WR-TIMEZONE:Europe/London');
    expect(lines.filter((line) => line === 'BEGIN:VTIMEZONE')).toHaveLength(1);
    expect(lines).toContain('TZID:Europe/London');
    expect(lines).toContain('DTSTART;TZID=Europe/London:20270701T100000');
    expect(lines).toContain('DTSTART;TZID=Europe/London:20271201T090000');
  });

  it('read back with ical.js: the stamp is a UTC instant, the times are the right instants in UK time', () => {
    const calendar = new ICAL.Component(ICAL.parse(text));
    for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    const read = calendar.getAllSubcomponents('vevent').map((vevent) => {
      const stamp = vevent.getFirstPropertyValue('dtstamp') as ICAL.Time;
      const parsed = new ICAL.Event(vevent);
      return {
        stampZone: stamp.zone?.tzid,
        stamp: stamp.toJSDate().toISOString(),
        startZone: parsed.startDate.zone?.tzid,
        start: parsed.startDate.toJSDate().toISOString(),
        end: parsed.endDate.toJSDate().toISOString(),
      };
    });
    expect(read).toEqual([
      {
        stampZone: 'UTC',
        stamp: '2027-01-15T12:30:45.000Z',
        startZone: 'Europe/London',
        start: '2027-07-01T09:00:00.000Z',
        end: '2027-07-01T10:30:00.000Z',
      },
      {
        stampZone: 'UTC',
        stamp: '2027-06-20T23:15:00.000Z',
        startZone: 'Europe/London',
        start: '2027-12-01T09:00:00.000Z',
        end: '2027-12-01T10:00:00.000Z',
      },
    ]);
  });
});
