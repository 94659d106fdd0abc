import { backfillDates } from '../migrations/1764396000000-derive-route-status-from-dates';
import { routeStatusOn, validateRouteDates, type RouteDates } from './route-lifecycle';

const framework: RouteDates = {
  opensOn: '2027-01-04',
  applicationsCloseOn: '2027-02-01',
  standstillStartsOn: '2027-03-01',
  startsOn: '2027-03-15',
  expiresOn: '2031-03-15',
};

describe('route lifecycle from dates', () => {
  test('each date is the first day of its status', () => {
    const on = (day: string) => routeStatusOn(framework, day);
    expect([
      on('2027-01-03'),
      on('2027-01-04'),
      on('2027-01-31'),
      on('2027-02-01'),
      on('2027-03-01'),
      on('2027-03-14'),
      on('2027-03-15'),
      on('2031-03-14'),
      on('2031-03-15'),
    ]).toEqual(['COMING', 'OPEN', 'OPEN', 'PENDING', 'STANDSTILL', 'STANDSTILL', 'LIVE', 'LIVE', 'EXPIRED']);
  });

  test('a status without a date is skipped; no dates at all is COMING', () => {
    const dynamic = { ...framework, applicationsCloseOn: null, standstillStartsOn: null };
    expect(routeStatusOn(dynamic, '2027-02-15')).toBe('OPEN');
    expect(routeStatusOn(dynamic, '2027-03-15')).toBe('LIVE');
    expect(
      routeStatusOn({ opensOn: null, applicationsCloseOn: null, standstillStartsOn: null, startsOn: null, expiresOn: null }, '2099-01-01'),
    ).toBe('COMING');
  });

  test('dates must follow the lifecycle; a dynamic route has no closing or standstill', () => {
    expect(() => validateRouteDates('FRAMEWORK', framework)).not.toThrow();
    expect(() => validateRouteDates('FRAMEWORK', { ...framework, standstillStartsOn: '2027-01-20' })).toThrow(/standstillStartsOn/);
    expect(() => validateRouteDates('FRAMEWORK', { ...framework, expiresOn: '2027-03-14' })).toThrow(/expiresOn/);
    expect(() => validateRouteDates('FRAMEWORK', { ...framework, expiresOn: framework.startsOn })).not.toThrow();
    expect(() => validateRouteDates('DYNAMIC_MARKET', framework)).toThrow(/applicationsCloseOn/);
    expect(() =>
      validateRouteDates('DYNAMIC_PURCHASING_SYSTEM', { ...framework, applicationsCloseOn: null, standstillStartsOn: null }),
    ).not.toThrow();
  });

  test('the migration gives existing routes dates that keep their stored status', () => {
    const today = '2026-11-28';
    const stored = {
      id: 'x',
      opens_on: '2026-01-12',
      applications_close_on: null,
      standstill_starts_on: null,
      starts_on: '2026-04-01',
      expires_on: '2030-03-31',
    };
    for (const status of ['COMING', 'OPEN', 'PENDING', 'STANDSTILL', 'LIVE', 'EXPIRED'] as const) {
      const dates = backfillDates({ ...stored, status }, today);
      const asRoute: RouteDates = {
        opensOn: dates.opens_on,
        applicationsCloseOn: dates.applications_close_on,
        standstillStartsOn: dates.standstill_starts_on,
        startsOn: dates.starts_on,
        expiresOn: dates.expires_on,
      };
      expect({ status, derived: routeStatusOn(asRoute, today) }).toEqual({ status, derived: status });
      expect(() => validateRouteDates('FRAMEWORK', asRoute)).not.toThrow();
    }
    // A consistent row is left as it was.
    expect(backfillDates({ ...stored, status: 'LIVE' }, today)).toEqual({
      opens_on: '2026-01-12',
      applications_close_on: null,
      standstill_starts_on: null,
      starts_on: '2026-04-01',
      expires_on: '2030-03-31',
    });
  });
});
