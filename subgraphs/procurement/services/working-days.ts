import Holidays from 'date-holidays';

/**
 * Working days in England and Wales: Monday to Friday except bank holidays, including substitute
 * days. Bank holidays come from `date-holidays` (GB, region ENG, which shares its bank holidays with
 * Wales), so this code never carries a hand-kept list of dates.
 */
const englandAndWales = new Holidays('GB', 'ENG');
const holidaysByYear = new Map<number, Set<string>>();

function bankHolidays(year: number): Set<string> {
  let found = holidaysByYear.get(year);
  if (!found) {
    found = new Set(
      englandAndWales
        .getHolidays(year)
        .filter((holiday) => holiday.type === 'public')
        .map((holiday) => holiday.date.slice(0, 10)),
    );
    holidaysByYear.set(year, found);
  }
  return found;
}

const toDay = (date: Date) => date.toISOString().slice(0, 10);
const fromDay = (day: string) => new Date(`${day}T00:00:00Z`);

export function isBankHoliday(day: string): boolean {
  return bankHolidays(Number(day.slice(0, 4))).has(day);
}

export function isWorkingDay(day: string): boolean {
  const weekday = fromDay(day).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isBankHoliday(day);
}

/**
 * The working day `count` working days after `day` ("YYYY-MM-DD"), or before it for a negative
 * count; `day` itself never counts.
 */
export function addWorkingDays(day: string, count: number): string {
  if (!Number.isInteger(count)) throw new RangeError(`count must be a whole number; it was ${count}`);
  const cursor = fromDay(day);
  const step = count < 0 ? -1 : 1;
  let remaining = Math.abs(count);
  while (remaining > 0) {
    cursor.setUTCDate(cursor.getUTCDate() + step);
    if (isWorkingDay(toDay(cursor))) remaining -= 1;
  }
  return toDay(cursor);
}

/**
 * How many working days fall after `from` up to and including `to` ("YYYY-MM-DD"): 0 when `to` is
 * `from` or earlier. A deadline on Friday seen on Thursday is 1 working day away; seen on Friday, 0.
 */
export function workingDaysUntil(from: string, to: string): number {
  let count = 0;
  const cursor = fromDay(from);
  const end = fromDay(to);
  while (cursor < end) {
    cursor.setUTCDate(cursor.getUTCDate() + 1);
    if (isWorkingDay(toDay(cursor))) count += 1;
  }
  return count;
}
