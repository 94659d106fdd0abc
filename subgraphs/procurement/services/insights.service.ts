import type { DataSource } from 'typeorm';
import {
  authorizeInsights,
  groupedInsightSql,
  londonDate,
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
  AdmissionDimension,
  AdmissionStatus,
  AwardProcedure,
  BudgetBand,
  Nation,
  ProcurementAwardDimension,
  ProcurementPipelineDimension,
  ProcurementProjectStatus,
} from '../generated/graphql';
import type { ProcurementLoaders } from '../loaders';
import type { Lot, ProcurementRoute } from '../entities';

/** What `procurementInsights` resolves to: the checked period its fields aggregate over. */
export interface ProcurementInsightsScope {
  period: InsightPeriod;
}

export interface PipelineGroup {
  route: ProcurementRoute | null;
  lot: Lot | null;
  procedure: AwardProcedure | null;
  status: ProcurementProjectStatus | null;
  budgetBand: BudgetBand | null;
  buyerNation: Nation | null;
  month: string | null;
  projectCount: number;
  totalBudget: number;
  awardedValue: number;
}

export interface AwardGroup {
  buyerNation: Nation | null;
  route: ProcurementRoute | null;
  month: string | null;
  awardCount: number;
  awardedValue: number;
}

export interface AdmissionGroup {
  route: ProcurementRoute | null;
  lot: Lot | null;
  status: AdmissionStatus | null;
  month: string | null;
  applicationCount: number;
}

export interface Grouped<Group> {
  groups: Group[];
  total: Group;
}

/** Upper bounds (exclusive) of the budget bands, in pounds: the SDL's BudgetBand values. */
const budgetBand = `CASE WHEN project.budget < 25000 THEN 'UNDER_25K'
                         WHEN project.budget < 100000 THEN 'FROM_25K_TO_100K'
                         WHEN project.budget < 1000000 THEN 'FROM_100K_TO_1M'
                         ELSE 'FROM_1M' END`;

/** Awarded value counts only projects that reached an award and were not cancelled after it. */
const awarded = `project.status IN ('AWARDED', 'CONTRACTED')`;

/**
 * Analyst aggregates over procurement, each one grouped SQL statement (platform/insights.ts); the
 * routes and lots the groups name are then looked up together, one statement each, through the
 * request's loaders.
 */
export class ProcurementInsightsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: ProcurementLoaders,
    private readonly viewer: Identity,
  ) {}

  open(period: InsightPeriodInput | null | undefined): ProcurementInsightsScope {
    authorizeInsights(this.viewer);
    return { period: readInsightPeriod(period) };
  }

  async pipeline(scope: ProcurementInsightsScope, groupBy: readonly ProcurementPipelineDimension[]): Promise<Grouped<PipelineGroup>> {
    authorizeInsights(this.viewer);
    const { bind, parameters } = parameterList();
    const sql = groupedInsightSql<ProcurementPipelineDimension>({
      dimensions: {
        ROUTE: 'project.route_id::text',
        LOT: 'project.lot_id::text',
        PROCEDURE: 'project.procedure',
        STATUS: 'project.status',
        BUDGET_BAND: budgetBand,
        BUYER_NATION: 'project.buyer_nation',
        MONTH: monthBucket(londonDate('project.created_at')),
      },
      groupBy,
      measures: {
        project_count: 'count(*)',
        total_budget: 'coalesce(sum(project.budget), 0)',
        awarded_value: `coalesce(sum(project.award_value) FILTER (WHERE ${awarded}), 0)`,
      },
      from: `FROM procurement.project project WHERE ${withinPeriod(londonDate('project.created_at'), scope.period, bind)}`,
    });
    const rows = (await this.dataSource.query(sql, parameters)) as GroupedRow<ProcurementPipelineDimension>[];
    const { routes, lots } = await this.lookUp(rows);
    const toGroup = (row: GroupedRow<ProcurementPipelineDimension>): PipelineGroup => ({
      route: routes(row.ROUTE),
      lot: lots(row.LOT),
      procedure: row.PROCEDURE as AwardProcedure | null,
      status: row.STATUS as ProcurementProjectStatus | null,
      budgetBand: row.BUDGET_BAND as BudgetBand | null,
      buyerNation: row.BUYER_NATION as Nation | null,
      month: row.MONTH,
      projectCount: toNumber(row.project_count),
      totalBudget: toNumber(row.total_budget),
      awardedValue: toNumber(row.awarded_value),
    });
    return grouped(rows, toGroup);
  }

  async awards(scope: ProcurementInsightsScope, groupBy: readonly ProcurementAwardDimension[]): Promise<Grouped<AwardGroup>> {
    authorizeInsights(this.viewer);
    const { bind, parameters } = parameterList();
    const sql = groupedInsightSql<ProcurementAwardDimension>({
      dimensions: {
        BUYER_NATION: 'project.buyer_nation',
        ROUTE: 'project.route_id::text',
        MONTH: monthBucket(londonDate('project.awarded_at')),
      },
      groupBy,
      measures: { award_count: 'count(*)', awarded_value: 'coalesce(sum(project.award_value), 0)' },
      from: `FROM procurement.project project
              WHERE ${awarded} AND ${withinPeriod(londonDate('project.awarded_at'), scope.period, bind)}`,
    });
    const rows = (await this.dataSource.query(sql, parameters)) as GroupedRow<ProcurementAwardDimension>[];
    const { routes } = await this.lookUp(rows);
    const toGroup = (row: GroupedRow<ProcurementAwardDimension>): AwardGroup => ({
      buyerNation: row.BUYER_NATION as Nation | null,
      route: routes(row.ROUTE),
      month: row.MONTH,
      awardCount: toNumber(row.award_count),
      awardedValue: toNumber(row.awarded_value),
    });
    return grouped(rows, toGroup);
  }

  async admissions(scope: ProcurementInsightsScope, groupBy: readonly AdmissionDimension[]): Promise<Grouped<AdmissionGroup>> {
    authorizeInsights(this.viewer);
    const { bind, parameters } = parameterList();
    // An application is dated by its first application (created_at): a supplier reapplying after a
    // rejection keeps one admission row, now in its latest status.
    const sql = groupedInsightSql<AdmissionDimension>({
      dimensions: {
        ROUTE: 'lot.route_id::text',
        LOT: 'admission.lot_id::text',
        STATUS: 'admission.status',
        MONTH: monthBucket(londonDate('admission.created_at')),
      },
      groupBy,
      measures: { application_count: 'count(*)' },
      from: `FROM procurement.admission admission JOIN procurement.lot lot ON lot.id = admission.lot_id
              WHERE ${withinPeriod(londonDate('admission.created_at'), scope.period, bind)}`,
    });
    const rows = (await this.dataSource.query(sql, parameters)) as GroupedRow<AdmissionDimension>[];
    const { routes, lots } = await this.lookUp(rows);
    const toGroup = (row: GroupedRow<AdmissionDimension>): AdmissionGroup => ({
      route: routes(row.ROUTE),
      lot: lots(row.LOT),
      status: row.STATUS as AdmissionStatus | null,
      month: row.MONTH,
      applicationCount: toNumber(row.application_count),
    });
    return grouped(rows, toGroup);
  }

  /** The routes and lots the rows name, each kind in one batched statement (none when not grouped by them). */
  private async lookUp(rows: readonly Record<string, unknown>[]) {
    const ids = (column: string) => [...new Set(rows.map((row) => row[column]).filter((id): id is string => typeof id === 'string'))];
    const [routeList, lotList] = await Promise.all([
      this.loaders.routeById.loadMany(ids('ROUTE')),
      this.loaders.lotById.loadMany(ids('LOT')),
    ]);
    const byId = <T extends { id: string }>(list: readonly (T | Error | null | undefined)[]) =>
      new Map(list.filter((item): item is T => !!item && !(item instanceof Error)).map((item) => [item.id, item]));
    const routeMap = byId(routeList as (ProcurementRoute | Error | null)[]);
    const lotMap = byId(lotList as (Lot | Error | null)[]);
    return {
      routes: (id: unknown) => (typeof id === 'string' ? (routeMap.get(id) ?? null) : null),
      lots: (id: unknown) => (typeof id === 'string' ? (lotMap.get(id) ?? null) : null),
    };
  }
}

function grouped<Dimension extends string, Group>(
  rows: GroupedRow<Dimension>[],
  toGroup: (row: GroupedRow<Dimension>) => Group,
): Grouped<Group> {
  const { groups, total } = splitGroupedRows(rows);
  return { groups: groups.map(toGroup), total: toGroup(total) };
}
