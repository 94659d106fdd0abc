import Holidays from 'date-holidays';

/**
 * The one working-day calendar of the graph: procurement counts its deadlines on it, and the
 * notifications subgraph plans its reminders on it ("the same working-day rules as procurement"),
 * so it lives here rather than in either (subgraphs never import each other's code).
 *
 * Working days: Monday to Friday except the bank holidays of a calendar's nations, substitute days
 * included. Bank holidays come from `date-holidays` (GB with regions ENG, WLS, SCT, NIR; its
 * `public` holidays are the bank holidays of the Banking and Financial Dealings Act 1971, its other
 * type, `observance`, is Mother's Day and the like), so this code never carries a hand-kept list of dates.
 *
 * Which nations' holidays count is the law's choice, so every caller names a calendar:
 * - the Procurement Act 2023 (s.123 "working day") excludes a bank holiday in ANY part of the UK:
 *   St Andrew's Day, 2 January and the August holiday of Scotland, St Patrick's Day and 12 July of
 *   Northern Ireland count against an English buyer too (`unitedKingdom`);
 * - the Public Contracts (Scotland) Regulations 2015 are read here as excluding Scotland's bank
 *   holidays only (`scotland`): Easter Monday is a working day there, 2 January is not.
 */
export type Nation = 'ENGLAND' | 'WALES' | 'SCOTLAND' | 'NORTHERN_IRELAND';

/** The nations whose bank holidays are not working days. */
export interface WorkingDayCalendar {
  readonly nations: readonly Nation[];
}

export const workingDayCalendars = {
  unitedKingdom: { nations: ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND'] },
  scotland: { nations: ['SCOTLAND'] },
} as const satisfies Record<string, WorkingDayCalendar>;

/** A bank holiday on a weekday ("YYYY-MM-DD"), by name, and the nations that keep it under that name. */
export interface BankHoliday {
  date: string;
  name: string;
  nations: Nation[];
}

const regionOf: Record<Nation, string> = { ENGLAND: 'ENG', WALES: 'WLS', SCOTLAND: 'SCT', NORTHERN_IRELAND: 'NIR' };
const nationOrder: Nation[] = ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND'];
const calendars = new Map<Nation, Holidays>(nationOrder.map((nation) => [nation, new Holidays('GB', regionOf[nation])]));
const holidaysByYear = new Map<number, BankHoliday[]>();

const toDay = (date: Date) => date.toISOString().slice(0, 10);
const fromDay = (day: string) => new Date(`${day}T00:00:00Z`);
const isWeekend = (day: string) => [0, 6].includes(fromDay(day).getUTCDay());

/**
 * Every nation's weekday bank holidays of a year, oldest first. A holiday falling on a weekend is
 * left out (the weekend is not a working day anyway; its substitute day is what moves deadlines).
 * One date may appear twice when nations name it differently (3 January 2028 is New Year's Day's
 * substitute in England and January 2nd's in Scotland).
 */
function bankHolidaysOf(year: number): BankHoliday[] {
  let found = holidaysByYear.get(year);
  if (!found) {
    const byDateAndName = new Map<string, BankHoliday>();
    for (const nation of nationOrder) {
      for (const holiday of calendars.get(nation)!.getHolidays(year)) {
        const date = holiday.date.slice(0, 10);
        if (holiday.type !== 'public' || isWeekend(date)) continue;
        const key = `${date} ${holiday.name}`;
        const entry = byDateAndName.get(key) ?? { date, name: holiday.name, nations: [] };
        entry.nations.push(nation);
        byDateAndName.set(key, entry);
      }
    }
    found = [...byDateAndName.values()].sort((a, b) => a.date.localeCompare(b.date) || a.name.localeCompare(b.name));
    holidaysByYear.set(year, found);
  }
  return found;
}

/** The bank holidays on `day` that the calendar keeps (empty when it is not one). */
function holidaysOn(day: string, calendar: WorkingDayCalendar): BankHoliday[] {
  return bankHolidaysOf(Number(day.slice(0, 4))).filter(
    (holiday) => holiday.date === day && holiday.nations.some((nation) => calendar.nations.includes(nation)),
  );
}

export function isBankHoliday(day: string, calendar: WorkingDayCalendar): boolean {
  return holidaysOn(day, calendar).length > 0;
}

export function isWorkingDay(day: string, calendar: WorkingDayCalendar): boolean {
  return !isWeekend(day) && !isBankHoliday(day, calendar);
}

/** The day after `day` ("YYYY-MM-DD"), or `days` days after it. */
export function addCalendarDays(day: string, days: number): string {
  const cursor = fromDay(day);
  cursor.setUTCDate(cursor.getUTCDate() + days);
  return toDay(cursor);
}

/**
 * The working day `count` working days after `day` ("YYYY-MM-DD"), or before it for a negative
 * count; `day` itself never counts.
 */
export function addWorkingDays(day: string, count: number, calendar: WorkingDayCalendar): string {
  if (!Number.isInteger(count)) throw new RangeError(`count must be a whole number; it was ${count}`);
  const step = count < 0 ? -1 : 1;
  let cursor = day;
  let remaining = Math.abs(count);
  while (remaining > 0) {
    cursor = addCalendarDays(cursor, step);
    if (isWorkingDay(cursor, calendar)) remaining -= 1;
  }
  return cursor;
}

/** `day` if it is a working day, else the first working day after it. */
export function onOrNextWorkingDay(day: string, calendar: WorkingDayCalendar): string {
  return isWorkingDay(day, calendar) ? day : addWorkingDays(day, 1, calendar);
}

/**
 * How many working days fall after `from` up to and including `to` ("YYYY-MM-DD"): 0 when `to` is
 * `from` or earlier. A deadline on Friday seen on Thursday is 1 working day away; seen on Friday, 0.
 */
export function workingDaysUntil(from: string, to: string, calendar: WorkingDayCalendar): number {
  let count = 0;
  for (let cursor = addCalendarDays(from, 1); cursor <= to; cursor = addCalendarDays(cursor, 1)) {
    if (isWorkingDay(cursor, calendar)) count += 1;
  }
  return count;
}

/**
 * The calendar's weekday bank holidays after `from` up to and including `to`: the days a deadline
 * counted from `from` passed over. Each lists only the calendar's nations that keep it.
 */
export function bankHolidaysBetween(from: string, to: string, calendar: WorkingDayCalendar): BankHoliday[] {
  const found: BankHoliday[] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year += 1) {
    for (const holiday of bankHolidaysOf(year)) {
      if (holiday.date <= from || holiday.date > to) continue;
      const nations = holiday.nations.filter((nation) => calendar.nations.includes(nation));
      if (nations.length) found.push({ ...holiday, nations });
    }
  }
  return found;
}
