import { contractDetailsDeadline } from './regime';

/** Issue 24 item 6: the last day to publish a contract's details, by regime, in calendar days. */
describe('contractDetailsDeadline', () => {
  test('Procurement Act 2023 s.53: 30 days beginning with the signing day, so the 30th is 29 days after it', () => {
    expect(contractDetailsDeadline('PROCUREMENT_ACT_2023', '2026-12-01')).toBe('2026-12-30');
    // Calendar days: Christmas and New Year do not lengthen it.
    expect(contractDetailsDeadline('PROCUREMENT_ACT_2023', '2026-12-20')).toBe('2027-01-18');
  });

  test('Public Contracts (Scotland) Regulations 2015 reg. 51: not later than 30 days after the contract is concluded', () => {
    expect(contractDetailsDeadline('PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015', '2026-12-01')).toBe('2026-12-31');
    expect(contractDetailsDeadline('PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015', '2027-02-15')).toBe('2027-03-17');
  });
});
