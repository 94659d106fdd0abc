import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { groupByKeys } from '../../../platform/loaders';
import type { CountedScore } from '../services/evaluation';

/**
 * The scores that count towards a response's evaluation: those of evaluators who declared no conflict
 * with its supplier (the same SQL the workflow judges with).
 */
export const createCountedScoresByResponseLoader = (dataSource: DataSource) =>
  new DataLoader<string, CountedScore[]>(async (responseIds) => {
    const rows: { response_id: string; evaluator_id: string; criterion: string; score: number }[] = await dataSource.query(
      `SELECT s.response_id, s.evaluator_id, s.criterion, s.score
         FROM procurement.score s
         JOIN procurement.response r ON r.id = s.response_id
         JOIN procurement.conflict_declaration d
           ON d.project_id = r.project_id AND d.evaluator_id = s.evaluator_id AND d.supplier_id = r.supplier_id AND NOT d.has_conflict
        WHERE s.response_id = ANY($1::uuid[])
        ORDER BY s.criterion, s.evaluator_id`,
      [[...responseIds]],
    );
    return groupByKeys(responseIds, rows, (row) => row.response_id).map((group) =>
      group.map((row) => ({ responseId: row.response_id, evaluatorId: row.evaluator_id, criterion: row.criterion, score: row.score })),
    );
  });

export interface ModeratedScoreRow {
  response_id: string;
  criterion: string;
  score: number;
  reason: string | null;
}

/** The agreed scores of many responses (none until moderated). */
export const createModeratedScoresByResponseLoader = (dataSource: DataSource) =>
  new DataLoader<string, ModeratedScoreRow[]>(async (responseIds) => {
    const rows: ModeratedScoreRow[] = await dataSource.query(
      `SELECT response_id, criterion, score, reason FROM procurement.moderated_score WHERE response_id = ANY($1::uuid[])`,
      [[...responseIds]],
    );
    return groupByKeys(responseIds, rows, (row) => row.response_id);
  });
