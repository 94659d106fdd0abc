import { addWorkingDays, workingDaysUntil } from './working-days';

describe('workingDaysUntil', () => {
  it('counts the working days after today up to and including the deadline day', () => {
    // Monday 30 November 2026 to Friday 4 December: Tuesday to Friday.
    expect(workingDaysUntil('2026-11-30', '2026-12-04')).toBe(4);
    expect(workingDaysUntil('2026-12-04', '2026-12-04')).toBe(0);
    expect(workingDaysUntil('2026-12-05', '2026-12-04')).toBe(0);
    // Friday to Monday: the weekend does not count.
    expect(workingDaysUntil('2026-12-04', '2026-12-07')).toBe(1);
  });

  it('skips bank holidays, including substitute days', () => {
    // Christmas 2026 is a Friday, Boxing Day a Saturday (substitute: Monday 28 December).
    expect(workingDaysUntil('2026-12-24', '2026-12-29')).toBe(1);
  });

  it('is the inverse of addWorkingDays', () => {
    for (const from of ['2026-11-30', '2026-12-23', '2027-03-31']) {
      for (const count of [0, 1, 5, 20]) expect(workingDaysUntil(from, addWorkingDays(from, count))).toBe(count);
    }
  });
});
