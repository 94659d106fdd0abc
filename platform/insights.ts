import { badUserInput } from './errors';
import { hasPlatformRole, type Identity } from './identity';
import { readListSize, type ListBound } from './pagination';
import { refuse } from './sign-in';

/**
 * Analyst insights: aggregates each subgraph computes in SQL over the data it owns
 * (`innovationInsights`, `procurementInsights`, `eventInsights`, `membershipInsights`). What they
 * share lives here: who may ask, the period argument, month buckets and the one grouped statement
 * every aggregate is, so that an insight costs the same number of statements whatever the data size.
 */

/**
 * Only analysts and platform admins read insights: they span every organisation (drafts, sealed
 * procurement figures in aggregate), which no member sees. Anonymous callers are told to sign in.
 */
export function mayReadInsights(viewer: Identity): boolean {
  return hasPlatformRole(viewer, 'ANALYST', 'PLATFORM_ADMIN');
}

export function authorizeInsights(viewer: Identity): void {
  if (mayReadInsights(viewer)) return;
  refuse(viewer, 'Insights are for analysts and platform admins.');
}

/** The `InsightPeriod` input: calendar dates in Europe/London, both included; either may be open. */
export interface InsightPeriodInput {
  from?: string | null;
  to?: string | null;
}

export interface InsightPeriod {
  from: string | null;
  to: string | null;
}

export function readInsightPeriod(input: InsightPeriodInput | null | undefined): InsightPeriod {
  const period = { from: input?.from ?? null, to: input?.to ?? null };
  if (period.from && period.to && period.from > period.to) {
    throw badUserInput('"period.from" must not be after "period.to".', 'period');
  }
  return period;
}

/** Turns a value into the next positional parameter (`$1`, `$2`, …) of the statement being built. */
export function parameterList(): { bind: (value: unknown) => string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  return {
    parameters,
    bind: (value) => {
      parameters.push(value);
      return `$${parameters.length}`;
    },
  };
}

/** The calendar day of an instant in Europe/London, where the IPS's users are. */
export function londonDate(timestampColumn: string): string {
  return `(${timestampColumn} AT TIME ZONE 'Europe/London')::date`;
}

/** The month bucket of a calendar date as its first day, "YYYY-MM-01" (text: no time-zone shifts on the way out). */
export function monthBucket(dateExpression: string): string {
  return `to_char(date_trunc('month', ${dateExpression}), 'YYYY-MM-DD')`;
}

/** `dateExpression` within the period (both ends included; an open end is no bound). */
export function withinPeriod(dateExpression: string, period: InsightPeriod, bind: (value: unknown) => string): string {
  const from = bind(period.from);
  const to = bind(period.to);
  return `(${from}::date IS NULL OR ${dateExpression} >= ${from}::date) AND (${to}::date IS NULL OR ${dateExpression} <= ${to}::date)`;
}

export interface GroupedInsight<Dimension extends string> {
  /** Every dimension the aggregate can be grouped by, as an SQL expression over `from`. */
  dimensions: Record<Dimension, string>;
  /** The dimensions asked for, in the client's order. */
  groupBy: readonly Dimension[];
  /** The figures, as aggregate SQL expressions over the rows of `from`, by result column. */
  measures: Record<string, string>;
  /** `FROM … WHERE …`: one row per thing counted. */
  from: string;
}

/** One result row: the dimensions (null when not grouped by), the measures, and whether it is the total. */
export type GroupedRow<Dimension extends string> = Record<Dimension, string | null> & Record<string, unknown> & { is_total: boolean };

/**
 * One statement for the groups and the total together (`GROUPING SETS ((…), ())`), so the total is
 * counted over the same rows as the groups — counting distinct things, it is not always their sum
 * (an innovation proven in two nations is in two nation groups and once in the total).
 */
export function groupedInsightSql<Dimension extends string>(insight: GroupedInsight<Dimension>): string {
  const dimensionNames = Object.keys(insight.dimensions) as Dimension[];
  const groupBy = [...new Set(insight.groupBy)];
  const grouped = groupBy.map((dimension) => insight.dimensions[dimension]);
  const columns = [
    ...dimensionNames.map((dimension) => `${groupBy.includes(dimension) ? insight.dimensions[dimension] : 'NULL::text'} AS "${dimension}"`),
    ...Object.entries(insight.measures).map(([name, expression]) => `${expression} AS "${name}"`),
    `${grouped.length > 0 ? `GROUPING(${grouped.join(', ')}) <> 0` : 'TRUE'} AS is_total`,
  ];
  const grouping = grouped.length > 0 ? `GROUP BY GROUPING SETS ((${grouped.join(', ')}), ())` : '';
  // The total first, then the groups: the LIMIT keeps the total and the most groups `first` may ask for.
  const order = grouped.length > 0 ? `ORDER BY is_total DESC, ${grouped.map((expression) => `${expression} NULLS LAST`).join(', ')}` : '';
  return `SELECT ${columns.join(',\n       ')}\n  ${insight.from}\n  ${grouping}\n  ${order}\n  LIMIT ${INSIGHT_GROUPS.max + 1}`;
}

/**
 * An insight's `groups(first)`: the first groups in the documented order (default 100, at most
 * 1,000). Groups by ROUTE, LOT or MONTH grow with the data, so the statement itself stops after
 * the total and `max` groups (groupedInsightSql's LIMIT) and `first` cuts the answer.
 */
export const INSIGHT_GROUPS: ListBound = { default: 100, max: 1000 };

export function firstGroups<Group>(groups: readonly Group[], first: number | null | undefined): Group[] {
  return groups.slice(0, readListSize(first, INSIGHT_GROUPS));
}

/** Splits the statement's rows into the groups and the total (there is always a total row). */
export function splitGroupedRows<Dimension extends string>(
  rows: GroupedRow<Dimension>[],
): {
  groups: GroupedRow<Dimension>[];
  total: GroupedRow<Dimension>;
} {
  const total = rows.find((row) => row.is_total);
  if (!total) throw new Error('A grouped insight statement returned no total row.');
  return { groups: rows.filter((row) => !row.is_total), total };
}

/** node-postgres returns bigint and numeric as text; insights never exceed a double's exact range. */
export function toNumber(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

export function toNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
