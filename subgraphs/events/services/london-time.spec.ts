import { prefixTsQuery } from './faq.service';
import { formatLondonTime, parseLondonTime } from './london-time';

describe('UK wall-clock time', () => {
  it.each([
    ['2027-01-15T09:30', '2027-01-15T09:30:00.000Z', '2027-01-15T09:30:00+00:00'],
    ['2027-07-01T09:30', '2027-07-01T08:30:00.000Z', '2027-07-01T09:30:00+01:00'],
    ['2027-03-28T01:30', null, null],
    ['2027-03-28T02:30', '2027-03-28T01:30:00.000Z', '2027-03-28T02:30:00+01:00'],
    ['2027-10-31T01:30', '2027-10-31T00:30:00.000Z', '2027-10-31T01:30:00+01:00'],
    ['2027-02-30T10:00', null, null],
    ['27-01-15 09:30', null, null],
  ])('%s', (local, utc, shown) => {
    if (utc === null) {
      expect(() => parseLondonTime(local, 'startsAtLocal')).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
      );
      return;
    }
    const instant = parseLondonTime(local, 'startsAtLocal');
    expect(instant.toISOString()).toBe(utc);
    expect(formatLondonTime(instant)).toBe(shown);
  });
});

describe('FAQ search text', () => {
  it('joins words with AND, the last as a prefix, and drops tsquery syntax', () => {
    expect(prefixTsQuery('Supplier onboard')).toBe('supplier & onboard:*');
    expect(prefixTsQuery(`a'|b:*(c)!`)).toBe('a & b & c:*');
    expect(prefixTsQuery('  &| ')).toBeNull();
  });
});
