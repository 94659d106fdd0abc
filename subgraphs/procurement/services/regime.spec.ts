import { standstillEnd } from './regime';

describe('standstillEnd', () => {
  it('under the Act is 8 UK working days after the award day, listing what it skipped', () => {
    expect(standstillEnd('PROCUREMENT_ACT_2023', '2026-11-27')).toEqual({
      endsOn: '2026-12-10',
      holidaysSkipped: [{ date: '2026-11-30', name: 'St Andrew’s Day', nations: ['SCOTLAND'] }],
    });
  });

  it('under the Scottish regulations is the 10th day after, moved on past a non-working day', () => {
    // 20 November 2026 + 10 = Monday 30 November, St Andrew's Day: it ends on Tuesday 1 December.
    expect(standstillEnd('PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015', '2026-11-20')).toEqual({
      endsOn: '2026-12-01',
      holidaysSkipped: [{ date: '2026-11-30', name: 'St Andrew’s Day', nations: ['SCOTLAND'] }],
    });
    // A holiday inside the 10 days is a day like any other: 1 December + 10 = Friday 11 December.
    expect(standstillEnd('PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015', '2026-12-01')).toEqual({
      endsOn: '2026-12-11',
      holidaysSkipped: [],
    });
    // Easter Monday is a working day in Scotland: 19 March 2027 + 10 = Monday 29 March.
    expect(standstillEnd('PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015', '2027-03-19').endsOn).toBe('2027-03-29');
  });
});
