import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { firstRowsPerParentSql, groupByKeys, loaderPerArguments, orderByKeys } from '../../../platform/loaders';
import type { InnovationCategory } from '../generated/graphql';
import type { VettingDecisionModel } from '../mappers';

/**
 * Loaders behind the dashboards. Each is one statement per batch, so a dashboard costs the same
 * number of statements however many innovations, assessors or categories it shows.
 */
export function createDashboardLoaders(dataSource: DataSource) {
  return {
    /** The last DECIDED audit event of each innovation: `DISTINCT ON` keeps the newest per innovation. */
    latestDecision: new DataLoader<string, VettingDecisionModel | null>(async (ids) => {
      const rows: { innovation_id: string; to_status: VettingDecisionModel['outcome']; reason: string | null; at: Date }[] =
        await dataSource.query(
          `SELECT DISTINCT ON (innovation_id) innovation_id, to_status, reason, at
             FROM innovations.audit_event
            WHERE action = 'DECIDED' AND innovation_id = ANY($1)
            ORDER BY innovation_id, id DESC`,
          [[...ids]],
        );
      return orderByKeys(ids, rows, (row) => row.innovation_id).map((row) =>
        row ? { outcome: row.to_status, reasons: row.reason, decidedAt: row.at } : null,
      );
    }),
    /** Assessor ids assigned to each innovation's current review round. */
    /** The assessors of each innovation's current round, in the order assigned, at most `first` each. */
    assessorsAssigned: loaderPerArguments(
      (first: number) =>
        new DataLoader<string, string[]>(async (ids) => {
          const rows: { innovation_id: string; assessor_id: string }[] = await dataSource.query(
            firstRowsPerParentSql(
              `SELECT assignment.innovation_id, assignment.assessor_id, assignment.assigned_at
                 FROM innovations.assessor_assignment assignment
                 JOIN innovations.innovation innovation
                   ON innovation.id = assignment.innovation_id AND innovation.review_round = assignment.round
                WHERE assignment.innovation_id = ANY($1)`,
              { parent: 'innovation_id', orderBy: 'assigned_at, assessor_id', limit: first },
            ),
            [[...ids]],
          );
          return groupByKeys(ids, rows, (row) => row.innovation_id).map((group) => group.map((row) => row.assessor_id));
        }),
    ),
    /**
     * The ids of the most recently first-approved APPROVED innovations of each category, up to
     * `first` per category, in one statement: for each category, walk first approvals newest first
     * (index `innovation_revision_first_approved`) and stop once `first` have matched.
     */
    recentlyApprovedIds: loaderPerArguments(
      (first: number) =>
        new DataLoader<InnovationCategory, string[]>(async (categories) => {
          const rows: { id: string; category: InnovationCategory }[] = await dataSource.query(
            `SELECT wanted.category, latest.id
               FROM unnest($1::text[]) AS wanted(category)
               CROSS JOIN LATERAL (
                 SELECT innovation.id, first_listed.approved_at
                   FROM innovations.innovation_revision first_listed
                   JOIN innovations.innovation innovation ON innovation.id = first_listed.innovation_id
                  WHERE first_listed.number = 1 AND innovation.status = 'APPROVED' AND innovation.category = wanted.category
                  ORDER BY first_listed.approved_at DESC, first_listed.innovation_id
                  LIMIT $2
               ) latest
              ORDER BY wanted.category, latest.approved_at DESC, latest.id`,
            [[...categories], first],
          );
          return groupByKeys(categories, rows, (row) => row.category).map((group) => group.map((row) => row.id));
        }),
    ),
  };
}
