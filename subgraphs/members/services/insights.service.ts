import type { DataSource } from 'typeorm';
import { boundedList } from '../../../platform/input';
import {
  authorizeInsights,
  groupedInsightSql,
  monthBucket,
  parameterList,
  readInsightPeriod,
  splitGroupedRows,
  toNumber,
  withinPeriod,
  type GroupedRow,
  type InsightPeriod,
  type InsightPeriodInput,
} from '../../../platform/insights';
import type { Identity } from '../../../platform/identity';
import type {
  MembershipDimension,
  MembershipGroup,
  MembershipInsight,
  MembershipStatus,
  MembershipTier,
  Nation,
  OrganisationKind,
} from '../generated/graphql';

/** What `membershipInsights` resolves to: the checked period its fields aggregate over. */
export interface MembershipInsightsScope {
  period: InsightPeriod;
}

/** Analyst aggregates over members, each one grouped SQL statement (platform/insights.ts). */
export class MembershipInsightsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly viewer: Identity,
  ) {}

  open(period: InsightPeriodInput | null | undefined): MembershipInsightsScope {
    authorizeInsights(this.viewer);
    return { period: readInsightPeriod(period) };
  }

  async members(
    scope: MembershipInsightsScope,
    groupBy: readonly MembershipDimension[],
    statuses: readonly MembershipStatus[],
  ): Promise<MembershipInsight> {
    authorizeInsights(this.viewer);
    boundedList(statuses, { field: 'statuses', min: 1 });
    const { bind, parameters } = parameterList();
    const sql = groupedInsightSql<MembershipDimension>({
      dimensions: {
        NATION: 'organisation.nation',
        KIND: 'organisation.kind',
        TIER: 'membership.tier',
        STATUS: 'membership.status',
        MONTH: monthBucket('membership.joined_on'),
      },
      groupBy,
      measures: { member_count: 'count(*)' },
      from: `FROM members.membership membership
              JOIN members.organisation organisation ON organisation.id = membership.organisation_id
             WHERE membership.status = ANY(${bind([...new Set(statuses)])}::text[])
               AND ${withinPeriod('membership.joined_on', scope.period, bind)}`,
    });
    const { groups, total } = splitGroupedRows((await this.dataSource.query(sql, parameters)) as GroupedRow<MembershipDimension>[]);
    const toGroup = (row: GroupedRow<MembershipDimension>): MembershipGroup => ({
      nation: row.NATION as Nation | null,
      kind: row.KIND as OrganisationKind | null,
      tier: row.TIER as MembershipTier | null,
      status: row.STATUS as MembershipStatus | null,
      month: row.MONTH,
      memberCount: toNumber(row.member_count),
    });
    return { groups: groups.map(toGroup), total: toNumber(total.member_count) };
  }
}
