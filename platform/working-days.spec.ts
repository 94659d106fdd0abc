import {
  addWorkingDays,
  bankHolidaysBetween,
  isWorkingDay,
  onOrNextWorkingDay,
  workingDayCalendars,
  workingDaysUntil,
  type WorkingDayCalendar,
} from './working-days';

const { unitedKingdom: uk, scotland } = workingDayCalendars;
/** The calendar this code used before: England and Wales bank holidays only. These tests must fail on it. */
const englandAndWalesOnly: WorkingDayCalendar = { nations: ['ENGLAND', 'WALES'] };
const dates = (calendar: WorkingDayCalendar, from: string, to: string) => bankHolidaysBetween(from, to, calendar).map((h) => h.date);

describe('bank holidays (date-holidays, GB: ENG, WLS, SCT, NIR)', () => {
  it('are, for 2026 to 2028 and the Procurement Act 2023, every weekday bank holiday of any UK nation', () => {
    // Pinned from what date-holidays returns, checked by hand against the GOV.UK lists: a library
    // upgrade that changes a date (or drops a nation) fails here, not in a buyer's standstill.
    expect(bankHolidaysBetween('2025-12-31', '2028-12-31', uk).map((h) => [h.date, h.name, h.nations])).toEqual([
      ['2026-01-01', "New Year's Day", ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2026-01-02', 'January 2nd', ['SCOTLAND']],
      ['2026-03-17', 'St Patrick’s Day', ['NORTHERN_IRELAND']],
      ['2026-04-03', 'Good Friday', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2026-04-06', 'Easter Monday', ['ENGLAND', 'WALES', 'NORTHERN_IRELAND']],
      ['2026-05-04', 'Early May bank holiday', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2026-05-25', 'Spring bank holiday', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2026-07-13', 'Battle of the Boyne (Orangemen’s Day) (substitute day)', ['NORTHERN_IRELAND']],
      ['2026-08-03', 'Summer bank holiday', ['SCOTLAND']],
      ['2026-08-31', 'Summer bank holiday', ['ENGLAND', 'WALES', 'NORTHERN_IRELAND']],
      ['2026-11-30', 'St Andrew’s Day', ['SCOTLAND']],
      ['2026-12-25', 'Christmas Day', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2026-12-28', 'Boxing Day (substitute day)', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2027-01-01', "New Year's Day", ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2027-01-04', 'January 2nd (substitute day)', ['SCOTLAND']],
      ['2027-03-17', 'St Patrick’s Day', ['NORTHERN_IRELAND']],
      ['2027-03-26', 'Good Friday', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2027-03-29', 'Easter Monday', ['ENGLAND', 'WALES', 'NORTHERN_IRELAND']],
      ['2027-05-03', 'Early May bank holiday', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2027-05-31', 'Spring bank holiday', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2027-07-12', 'Battle of the Boyne (Orangemen’s Day)', ['NORTHERN_IRELAND']],
      ['2027-08-02', 'Summer bank holiday', ['SCOTLAND']],
      ['2027-08-30', 'Summer bank holiday', ['ENGLAND', 'WALES', 'NORTHERN_IRELAND']],
      ['2027-11-30', 'St Andrew’s Day', ['SCOTLAND']],
      ['2027-12-27', 'Christmas Day (substitute day)', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2027-12-28', 'Boxing Day (substitute day)', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2028-01-03', 'January 2nd (substitute day)', ['SCOTLAND']],
      ['2028-01-03', "New Year's Day (substitute day)", ['ENGLAND', 'WALES', 'NORTHERN_IRELAND']],
      ['2028-01-04', "New Year's Day (substitute day)", ['SCOTLAND']],
      ['2028-03-17', 'St Patrick’s Day', ['NORTHERN_IRELAND']],
      ['2028-04-14', 'Good Friday', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2028-04-17', 'Easter Monday', ['ENGLAND', 'WALES', 'NORTHERN_IRELAND']],
      ['2028-05-01', 'Early May bank holiday', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2028-05-29', 'Spring bank holiday', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2028-07-12', 'Battle of the Boyne (Orangemen’s Day)', ['NORTHERN_IRELAND']],
      ['2028-08-07', 'Summer bank holiday', ['SCOTLAND']],
      ['2028-08-28', 'Summer bank holiday', ['ENGLAND', 'WALES', 'NORTHERN_IRELAND']],
      ['2028-11-30', 'St Andrew’s Day', ['SCOTLAND']],
      ['2028-12-25', 'Christmas Day', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
      ['2028-12-26', 'Boxing Day', ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND']],
    ]);
  });

  it('leave weekend holidays to their substitute days', () => {
    // 12 July 2026 is a Sunday (substitute: Monday 13th); 2 January 2027 a Saturday (Monday 4th in Scotland).
    expect(dates(uk, '2026-07-10', '2026-07-14')).toEqual(['2026-07-13']);
    expect(dates(uk, '2027-01-01', '2027-01-05')).toEqual(['2027-01-04']);
  });

  it("under the Scottish regulations are Scotland's only", () => {
    expect(dates(scotland, '2025-12-31', '2026-12-31')).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-04-03',
      '2026-05-04',
      '2026-05-25',
      '2026-08-03',
      '2026-11-30',
      '2026-12-25',
      '2026-12-28',
    ]);
    expect(bankHolidaysBetween('2027-12-31', '2028-01-05', scotland).map((h) => [h.date, h.nations])).toEqual([
      ['2028-01-03', ['SCOTLAND']],
      ['2028-01-04', ['SCOTLAND']],
    ]);
  });
});

describe('isWorkingDay', () => {
  it('under the Act excludes a bank holiday in any part of the UK', () => {
    for (const day of ['2026-01-02', '2026-03-17', '2026-07-13', '2026-08-03', '2026-11-30', '2027-01-04']) {
      expect([day, isWorkingDay(day, uk)]).toEqual([day, false]);
      expect([day, isWorkingDay(day, englandAndWalesOnly)]).toEqual([day, true]);
    }
  });

  it("in Scotland keeps Easter Monday, St Patrick's Day and 12 July as working days", () => {
    expect(isWorkingDay('2027-03-29', scotland)).toBe(true);
    expect(isWorkingDay('2027-03-17', scotland)).toBe(true);
    expect(isWorkingDay('2027-07-12', scotland)).toBe(true);
    expect(isWorkingDay('2026-11-30', scotland)).toBe(false);
    expect(onOrNextWorkingDay('2026-11-28', scotland)).toBe('2026-12-01');
  });
});

describe('addWorkingDays', () => {
  it("skips every nation's holidays under the Act, where England and Wales alone would end a day early", () => {
    // From Friday 27 November 2026: St Andrew's Day (Monday 30th) does not count.
    expect(addWorkingDays('2026-11-27', 8, uk)).toBe('2026-12-10');
    expect(addWorkingDays('2026-11-27', 8, englandAndWalesOnly)).toBe('2026-12-09');
    // Over Christmas and New Year 2026: 28 December (Boxing Day substitute), 1 January, and 4 January 2027 (Scotland).
    expect(addWorkingDays('2026-12-18', 8, uk)).toBe('2027-01-05');
    expect(addWorkingDays('2026-12-18', 8, englandAndWalesOnly)).toBe('2027-01-04');
    expect(addWorkingDays('2027-03-12', 8, uk)).toBe('2027-03-25'); // St Patrick's Day, Wednesday 17 March 2027
    expect(addWorkingDays('2027-07-05', 8, uk)).toBe('2027-07-16'); // 12 July 2027
    expect(addWorkingDays('2027-07-28', 8, uk)).toBe('2027-08-10'); // Scotland's August holiday, 2 August 2027
  });

  it('goes backwards for a negative count and rejects a fraction', () => {
    expect(addWorkingDays('2026-12-01', -1, uk)).toBe('2026-11-27');
    expect(() => addWorkingDays('2026-12-01', 1.5, uk)).toThrow(RangeError);
  });
});

describe('workingDaysUntil', () => {
  it('counts the working days after today up to and including the deadline day', () => {
    // Monday 30 November 2026 to Friday 4 December: Tuesday to Friday.
    expect(workingDaysUntil('2026-11-30', '2026-12-04', uk)).toBe(4);
    expect(workingDaysUntil('2026-12-04', '2026-12-04', uk)).toBe(0);
    expect(workingDaysUntil('2026-12-05', '2026-12-04', uk)).toBe(0);
    // Friday to Monday: the weekend does not count.
    expect(workingDaysUntil('2026-12-04', '2026-12-07', uk)).toBe(1);
    // Friday 27 November to Tuesday 1 December: St Andrew's Day does not count under the Act.
    expect(workingDaysUntil('2026-11-27', '2026-12-01', uk)).toBe(1);
  });

  it('skips bank holidays, including substitute days', () => {
    // Christmas 2026 is a Friday, Boxing Day a Saturday (substitute: Monday 28 December).
    expect(workingDaysUntil('2026-12-24', '2026-12-29', uk)).toBe(1);
  });

  it('is the inverse of addWorkingDays', () => {
    for (const calendar of [uk, scotland]) {
      for (const from of ['2026-11-30', '2026-12-23', '2027-03-31', '2027-07-09']) {
        for (const count of [0, 1, 5, 20]) expect(workingDaysUntil(from, addWorkingDays(from, count, calendar), calendar)).toBe(count);
      }
    }
  });
});
