import type { DataSource } from 'typeorm';
import {
  authorizeInsights,
  groupedInsightSql,
  londonDate,
  monthBucket,
  parameterList,
  readInsightPeriod,
  splitGroupedRows,
  toNullableNumber,
  toNumber,
  withinPeriod,
  type GroupedRow,
  type InsightPeriod,
  type InsightPeriodInput,
} from '../../../platform/insights';
import type { Identity } from '../../../platform/identity';
import type {
  DecisionOutcome,
  InnovationCategory,
  Nation,
  ProvenInnovationDimension,
  ProvenInnovationGroup,
  ProvenInnovationInsight,
  VettingDimension,
  VettingGroup,
  VettingInsight,
} from '../generated/graphql';

/** What `innovationInsights` resolves to: the checked period its fields aggregate over. */
export interface InnovationInsightsScope {
  period: InsightPeriod;
}

/**
 * Analyst aggregates over innovations and vetting, each one grouped SQL statement
 * (platform/insights.ts). Vetting times come from the append-only audit trail, so they cannot be
 * rewritten after the fact.
 */
export class InnovationInsightsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly viewer: Identity,
  ) {}

  /** Checks who is asking and the period, once, before any field runs a statement. */
  open(period: InsightPeriodInput | null | undefined): InnovationInsightsScope {
    authorizeInsights(this.viewer);
    return { period: readInsightPeriod(period) };
  }

  async provenInnovations(scope: InnovationInsightsScope, groupBy: readonly ProvenInnovationDimension[]): Promise<ProvenInnovationInsight> {
    authorizeInsights(this.viewer);
    const { bind, parameters } = parameterList();
    const byNation = groupBy.includes('NATION_OF_EVIDENCE');
    // "Proven" is the catalogue's word for APPROVED now; the month is that of its first approval
    // (revision 1), so a later approved revision does not move it.
    const sql = groupedInsightSql<ProvenInnovationDimension>({
      dimensions: {
        CATEGORY: 'proven.category',
        NATION_OF_EVIDENCE: 'proven.nation',
        TRL: 'proven.trl',
        MONTH: monthBucket('proven.approved_on'),
      },
      groupBy,
      measures: { innovation_count: 'count(DISTINCT proven.id)' },
      from: `FROM (
        SELECT i.id, i.category, i.trl, ${londonDate('first_approval.approved_at')} AS approved_on, ${byNation ? 'evidence.nation' : 'NULL::text'} AS nation
          FROM innovations.innovation i
          JOIN LATERAL (SELECT min(r.approved_at) AS approved_at FROM innovations.innovation_revision r WHERE r.innovation_id = i.id) first_approval ON TRUE
          ${
            byNation
              ? `LEFT JOIN LATERAL (SELECT DISTINCT e.authority_nation AS nation FROM innovations.evidence e
                                     WHERE e.innovation_id = i.id AND e.confirmation = 'CONFIRMED') evidence ON TRUE`
              : ''
          }
         WHERE i.status = 'APPROVED' AND ${withinPeriod(londonDate('first_approval.approved_at'), scope.period, bind)}
      ) proven`,
    });
    const { groups, total } = splitGroupedRows((await this.dataSource.query(sql, parameters)) as GroupedRow<ProvenInnovationDimension>[]);
    const toGroup = (row: GroupedRow<ProvenInnovationDimension>): ProvenInnovationGroup => ({
      category: row.CATEGORY as InnovationCategory | null,
      nationOfEvidence: row.NATION_OF_EVIDENCE as Nation | null,
      trl: toNullableNumber(row.TRL),
      month: row.MONTH,
      innovationCount: toNumber(row.innovation_count),
    });
    return { groups: groups.map(toGroup), total: toNumber(total.innovation_count) };
  }

  async vettingDecisions(scope: InnovationInsightsScope, groupBy: readonly VettingDimension[]): Promise<VettingInsight> {
    authorizeInsights(this.viewer);
    const { bind, parameters } = parameterList();
    // Each decision is timed from the latest submission before it (a resubmission after changes
    // were requested starts the clock again), in days, fractions included.
    const sql = groupedInsightSql<VettingDimension>({
      dimensions: { MONTH: monthBucket('decision.decided_on'), OUTCOME: 'decision.outcome', CATEGORY: 'decision.category' },
      groupBy,
      measures: {
        decision_count: 'count(*)',
        median_days: 'percentile_cont(0.5) WITHIN GROUP (ORDER BY decision.days)',
        p90_days: 'percentile_cont(0.9) WITHIN GROUP (ORDER BY decision.days)',
      },
      from: `FROM (
        SELECT ${londonDate('d.at')} AS decided_on, d.to_status AS outcome, i.category,
               extract(epoch FROM d.at - (SELECT max(s.at) FROM innovations.audit_event s
                                           WHERE s.innovation_id = d.innovation_id AND s.to_status = 'SUBMITTED' AND s.at <= d.at)) / 86400.0 AS days
          FROM innovations.audit_event d
          LEFT JOIN innovations.innovation i ON i.id = d.innovation_id
         WHERE d.action = 'DECIDED' AND ${withinPeriod(londonDate('d.at'), scope.period, bind)}
      ) decision`,
    });
    const { groups, total } = splitGroupedRows((await this.dataSource.query(sql, parameters)) as GroupedRow<VettingDimension>[]);
    const toGroup = (row: GroupedRow<VettingDimension>): VettingGroup => ({
      month: row.MONTH,
      outcome: row.OUTCOME as DecisionOutcome | null,
      category: row.CATEGORY as InnovationCategory | null,
      decisionCount: toNumber(row.decision_count),
      medianDaysToDecision: roundDays(row.median_days),
      p90DaysToDecision: roundDays(row.p90_days),
    });
    return { groups: groups.map(toGroup), total: toGroup(total) };
  }
}

/** Days to two decimals: finer is noise to a reader. */
function roundDays(value: unknown): number | null {
  const days = toNullableNumber(value);
  return days === null ? null : Math.round(days * 100) / 100;
}
