import { TZDate } from '@date-fns/tz';
import { badUserInput } from '../../../platform/errors';

/** Every event is planned in UK time (so no event stores a time zone: it would be the same on every row). */
export const EVENT_TIME_ZONE = 'Europe/London';

const localPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** An instant seen as UK wall-clock time (its getters answer in Europe/London). */
export const inLondon = (instant: Date) => new TZDate(instant.getTime(), EVENT_TIME_ZONE);

/**
 * The instant at UK wall-clock time "YYYY-MM-DDTHH:MM". A time that does not exist (skipped when
 * the clocks go forward) is refused rather than silently moved; an hour that happens twice (when the
 * clocks go back) is read as the first, British Summer Time, one.
 */
export function parseLondonTime(text: string, field: string): Date {
  const match = localPattern.exec(text);
  if (!match) throw badUserInput(`"${field}" must be UK local time "YYYY-MM-DDTHH:MM"; it was "${text.slice(0, 40)}".`, field);
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const local = new TZDate(year, month - 1, day, hour, minute, EVENT_TIME_ZONE);
  if (
    Number.isNaN(local.getTime()) ||
    local.getFullYear() !== year ||
    local.getMonth() !== month - 1 ||
    local.getDate() !== day ||
    local.getHours() !== hour ||
    local.getMinutes() !== minute
  ) {
    throw badUserInput(`"${field}" ${text} does not exist in UK time (the clocks go forward then, or the date is invalid).`, field);
  }
  // The earlier of two readings of a repeated hour is an hour before; prefer it if it reads the same.
  const earlier = inLondon(new Date(local.getTime() - 60 * 60 * 1000));
  if (earlier.getHours() === hour && earlier.getMinutes() === minute && earlier.getDate() === day) return new Date(earlier.getTime());
  return new Date(local.getTime());
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "2027-03-29T10:00:00+01:00": UK wall-clock time with its offset from UTC. */
export function formatLondonTime(instant: Date): string {
  const local = inLondon(instant);
  const offset = -local.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}T${pad(local.getHours())}:${pad(local.getMinutes())}:${pad(local.getSeconds())}` +
    `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
  );
}
