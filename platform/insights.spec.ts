import type { Viewer } from './identity';
import {
  authorizeInsights,
  groupedInsightSql,
  parameterList,
  readInsightPeriod,
  splitGroupedRows,
  withinPeriod,
  type GroupedRow,
} from './insights';

const viewer = (platformRoles: Viewer['platformRoles']): Viewer => ({
  personId: '00000000-0000-0000-0000-000000000001',
  email: 'someone@example.org',
  organisationId: '00000000-0000-0000-0000-000000000002',
  organisationKind: 'NATIONAL_BODY',
  membershipStatus: 'ACTIVE',
  organisationRoles: ['ORG_ADMIN'],
  platformRoles,
});

describe('insights', () => {
  it('are for analysts and platform admins: others are forbidden, anonymous callers unauthenticated', () => {
    expect(() => authorizeInsights(viewer(['ANALYST']))).not.toThrow();
    expect(() => authorizeInsights(viewer(['PLATFORM_ADMIN']))).not.toThrow();
    expect(() => authorizeInsights(viewer(['ASSESSOR']))).toThrow(expect.objectContaining({ extensions: { code: 'FORBIDDEN' } }));
    expect(() => authorizeInsights(viewer([]))).toThrow(expect.objectContaining({ extensions: { code: 'FORBIDDEN' } }));
    expect(() => authorizeInsights(null)).toThrow(expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } }));
  });

  it('read a period with open ends, and refuse one that ends before it starts', () => {
    expect(readInsightPeriod(undefined)).toEqual({ from: null, to: null });
    expect(readInsightPeriod({ from: '2026-01-01' })).toEqual({ from: '2026-01-01', to: null });
    expect(readInsightPeriod({ from: '2026-01-01', to: '2026-01-01' })).toEqual({ from: '2026-01-01', to: '2026-01-01' });
    expect(() => readInsightPeriod({ from: '2026-02-01', to: '2026-01-31' })).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argument: 'period' } }),
    );
  });

  it('bind the period as parameters, never as text', () => {
    const { bind, parameters } = parameterList();
    const condition = withinPeriod('t.day', { from: "2026-01-01'; DROP TABLE x; --", to: null }, bind);
    expect(condition).not.toContain('DROP');
    expect(parameters).toEqual(["2026-01-01'; DROP TABLE x; --", null]);
  });

  it('group by the dimensions asked for, with the total in the same statement', () => {
    const sql = groupedInsightSql<'KIND' | 'MONTH'>({
      dimensions: { KIND: 'e.kind', MONTH: 'e.month' },
      groupBy: ['MONTH', 'MONTH'],
      measures: { n: 'count(*)' },
      from: 'FROM events.event e',
    });
    expect(sql).toContain('NULL::text AS "KIND"');
    expect(sql).toContain('e.month AS "MONTH"');
    expect(sql).toContain('GROUP BY GROUPING SETS ((e.month), ())');
    expect(sql).toContain('GROUPING(e.month) <> 0 AS is_total');
    const totalOnly = groupedInsightSql<'KIND'>({
      dimensions: { KIND: 'e.kind' },
      groupBy: [],
      measures: { n: 'count(*)' },
      from: 'FROM events.event e',
    });
    expect(totalOnly).not.toContain('GROUP BY');
    expect(totalOnly).toContain('TRUE AS is_total');
  });

  it('split the rows into groups and the total', () => {
    const rows = [
      { KIND: 'WEBINAR', n: '2', is_total: false },
      { KIND: null, n: '2', is_total: true },
    ] as GroupedRow<'KIND'>[];
    expect(splitGroupedRows(rows)).toEqual({ groups: [rows[0]], total: rows[1] });
    expect(() => splitGroupedRows([rows[0]!])).toThrow(/no total/);
  });
});
