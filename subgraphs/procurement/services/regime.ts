import { dayOf } from '../../../platform/clock';
import { procurementDeadlines } from '../deadlines';
import type { ProcurementProject } from '../entities';
import {
  addCalendarDays,
  addWorkingDays,
  bankHolidaysBetween,
  onOrNextWorkingDay,
  workingDayCalendars,
  workingDaysUntil,
  type BankHoliday,
  type WorkingDayCalendar,
} from '../../../platform/working-days';

/**
 * The procurement law a project runs under. Routes may also carry PUBLIC_CONTRACTS_REGULATIONS_2015
 * (set up before 24 February 2025); a project is given one of these two, from its buyer.
 */
export type ProjectRegime = 'PROCUREMENT_ACT_2023' | 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015';

/** A project deadline as the API shows it: the instant, its regime, and the bank holidays it passed over. */
export interface DeadlineModel {
  at: Date;
  regime: ProjectRegime;
  holidaysSkipped: BankHoliday[];
}

/**
 * A Scottish buyer is a Scottish devolved body (every Scottish public body IPS admits: councils and
 * Scottish Government agencies such as Transport Scotland), so it procures under the Public Contracts
 * (Scotland) Regulations 2015; the Procurement Act 2023 covers every other buyer (England, Wales,
 * Northern Ireland). A buyer with no recorded nation is treated as under the Act.
 */
export function regimeForBuyer(buyerNation: string | null | undefined): ProjectRegime {
  return buyerNation === 'SCOTLAND' ? 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015' : 'PROCUREMENT_ACT_2023';
}

/**
 * The working days a regime counts on: the Act's s.123 "working day" excludes a bank holiday in any
 * part of the UK; the Scottish regulations are read as excluding Scotland's bank holidays only.
 */
export function calendarOf(regime: ProjectRegime): WorkingDayCalendar {
  return regime === 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015' ? workingDayCalendars.scotland : workingDayCalendars.unitedKingdom;
}

/** Whether the regime counts its standstill in days (the Scottish regulations) rather than working days (the Act). */
const countsCalendarDays = (regime: ProjectRegime) => regime === 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015';

/**
 * The last day of a standstill of `days` counted from the day after `fromDay`: `days` working days
 * under the Act; under the Scottish regulations `days` days, moved on to the next working day when
 * the last is not one.
 */
function standstillCount(regime: ProjectRegime, fromDay: string, days: number): string {
  const calendar = calendarOf(regime);
  return countsCalendarDays(regime)
    ? onOrNextWorkingDay(addCalendarDays(fromDay, days), calendar)
    : addWorkingDays(fromDay, days, calendar);
}

/**
 * The bank holidays a standstill of `days` counted from `fromDay` to `endsOn` was lengthened by:
 * under the Act every weekday bank holiday it passed over; under the Scottish regulations only those
 * that moved its last day (a holiday inside the days counts as a day like any other).
 */
function countHolidays(regime: ProjectRegime, fromDay: string, days: number, endsOn: string): BankHoliday[] {
  const countedFrom = countsCalendarDays(regime) ? addCalendarDays(fromDay, days - 1) : fromDay;
  return bankHolidaysBetween(countedFrom, endsOn, calendarOf(regime));
}

/** The standstill's length under a regime: 8 working days (Act s.51), or 10 days (Scottish regulations). */
function standstillLength(regime: ProjectRegime): number {
  return countsCalendarDays(regime) ? procurementDeadlines.scottishStandstillDays : procurementDeadlines.standstillWorkingDays;
}

/**
 * The last day of the standstill after an award made on `awardDay`, and the bank holidays that moved it.
 * - Procurement Act 2023 s.51: 8 working days. IPS counts them from the day after the award, which
 *   is one day longer than the Act's minimum ("beginning with the day" the notice is published)
 *   when the award is made on a working day: never shorter than the law.
 * - Public Contracts (Scotland) Regulations 2015: 10 days after the (electronic) sending date,
 *   moved on to the next working day when the 10th day is not one; only those moves skip a holiday,
 *   a holiday inside the 10 days counts as a day like any other.
 */
export function standstillEnd(regime: ProjectRegime, awardDay: string): { endsOn: string; holidaysSkipped: BankHoliday[] } {
  const endsOn = standstillCount(regime, awardDay, standstillLength(regime));
  return { endsOn, holidaysSkipped: countHolidays(regime, awardDay, standstillLength(regime), endsOn) };
}

/**
 * How much of a standstill ending on `endsOn` is left on `day`, that day included (a challenge
 * raised on it takes the whole day): working days under the Act, days under the Scottish
 * regulations; 0 once it has ended.
 */
export function standstillDaysLeft(regime: ProjectRegime, day: string, endsOn: string): number {
  if (day > endsOn) return 0;
  if (countsCalendarDays(regime)) return Math.round((Date.parse(`${endsOn}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000) + 1;
  return workingDaysUntil(addCalendarDays(day, -1), endsOn, calendarOf(regime));
}

/** What a dismissed challenge resumed: the answer day and the standstill days left when it was raised. */
export interface StandstillResumption {
  answeredOn: string;
  daysLeft: number;
  /** The standstill's last day when the challenge was raised. */
  endsOnWhenRaised: string;
}

/**
 * The standstill's last day once a challenge raised during it is dismissed (an IPS rule: the law
 * suspends the contract while proceedings are open, Procurement Act 2023 ss.101–102, Public
 * Contracts (Scotland) Regulations 2015 reg. 89, but says nothing of a challenge made to the buyer).
 * The days that were left when it was raised (`standstillDaysLeft`, the raising day included) start
 * again from the day after the answer, counted as the regime counts its standstill; the end is never
 * earlier than the one in force (`currentEndsOn`), so a dismissal never shortens a standstill.
 */
export function resumedStandstillEnd(
  regime: ProjectRegime,
  resumption: Pick<StandstillResumption, 'answeredOn' | 'daysLeft'>,
  currentEndsOn: string,
): string {
  const counted = standstillCount(regime, resumption.answeredOn, resumption.daysLeft);
  return counted > currentEndsOn ? counted : currentEndsOn;
}

/**
 * Whether the law requires the standstill. The Act (s.51(3)) exempts a contract awarded in
 * accordance with a framework; the Scottish regulations exempt contracts based on a framework
 * agreement or a dynamic purchasing system. Elsewhere it is mandatory.
 */
export function standstillRequired(regime: ProjectRegime, routeKind: string): boolean {
  if (routeKind === 'FRAMEWORK') return false;
  if (regime === 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015' && routeKind === 'DYNAMIC_PURCHASING_SYSTEM') return false;
  return true;
}

/** A deadline counted in working days from `from` to `at` under the project's regime. */
function countedDeadline(project: ProcurementProject, from: Date, at: Date): DeadlineModel {
  return { at, regime: project.regime, holidaysSkipped: bankHolidaysBetween(dayOf(from), dayOf(at), calendarOf(project.regime)) };
}

export function clarificationDeadline(project: ProcurementProject): DeadlineModel | null {
  if (!project.publishedAt || !project.clarificationClosesAt) return null;
  return countedDeadline(project, project.publishedAt, project.clarificationClosesAt);
}

export function submissionDeadline(project: ProcurementProject): DeadlineModel | null {
  if (!project.publishedAt || !project.responseDeadline) return null;
  return countedDeadline(project, project.publishedAt, project.responseDeadline);
}

/**
 * The standstill ends at the close of its last day (as the dashboards' next deadline says). Null
 * before the award and where the buyer declined a voluntary standstill. After dismissed challenges
 * (`resumptions`), the holidays skipped are those of the first count and of each resumed count.
 */
export function standstillDeadline(project: ProcurementProject, resumptions: readonly StandstillResumption[] = []): DeadlineModel | null {
  if (!project.awardedAt || !project.standstillEndsOn || !project.standstillObserved) return null;
  const regime = project.regime;
  const firstEnd = resumptions.reduce(
    (earliest, r) => (r.endsOnWhenRaised < earliest ? r.endsOnWhenRaised : earliest),
    project.standstillEndsOn,
  );
  const holidays = [
    ...countHolidays(regime, dayOf(project.awardedAt), standstillLength(regime), firstEnd),
    ...resumptions.flatMap((r) => countHolidays(regime, r.answeredOn, r.daysLeft, standstillCount(regime, r.answeredOn, r.daysLeft))),
  ];
  const unique = new Map(holidays.map((holiday) => [`${holiday.date} ${holiday.name}`, holiday]));
  return {
    at: new Date(`${project.standstillEndsOn}T23:59:59.999Z`),
    regime,
    holidaysSkipped: [...unique.values()].sort((a, b) => a.date.localeCompare(b.date) || a.name.localeCompare(b.name)),
  };
}

/**
 * The last day to publish a contract's details (issue 24 item 6), from the day it was entered into.
 * Calendar days under both regimes, bank holidays included:
 * - Procurement Act 2023 s.53(1): a contract details notice "before the end of the period of 30
 *   days beginning with the day on which" the contract is entered into: the signing day is day 1,
 *   so the 30th day is 29 days after it. (The 120 days s.53 gives light touch contracts do not
 *   apply: IPS call-offs are not light touch.)
 * - Public Contracts (Scotland) Regulations 2015 reg. 51(1), as read here: the contract award
 *   notice "not later than 30 days after" the contract is concluded: 30 days after the signing day.
 */
export function contractDetailsDeadline(regime: ProjectRegime, signedOn: string): string {
  return regime === 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015'
    ? addCalendarDays(signedOn, procurementDeadlines.contractDetailsDays)
    : addCalendarDays(signedOn, procurementDeadlines.contractDetailsDays - 1);
}
