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

/** The agreed scores of many responses (none until moderated; those superseded when a challenge reopened the moderation are left out). */
export const createModeratedScoresByResponseLoader = (dataSource: DataSource) =>
  new DataLoader<string, ModeratedScoreRow[]>(async (responseIds) => {
    const rows: ModeratedScoreRow[] = await dataSource.query(
      `SELECT response_id, criterion, score, reason FROM procurement.moderated_score WHERE response_id = ANY($1::uuid[]) AND superseded_at IS NULL`,
      [[...responseIds]],
    );
    return groupByKeys(responseIds, rows, (row) => row.response_id);
  });

/** An assessment summary as issued at the award (the stored snapshot; never recomputed). */
export interface AssessmentSummaryRow {
  response_id: string;
  project_id: string;
  supplier_id: string;
  won: boolean;
  total_hundredths: number;
  winning_total_hundredths: number;
  tie_break: 'LOWEST_PRICE' | 'HIGHEST_SCORE_ON_FIRST_CRITERION';
  decided_by_tie_break: boolean;
  criteria: { criterion: string; weight: number; score: number; reason: string | null; winningScore: number }[];
  reason: string;
  issued_at: Date;
  /** When an upheld challenge withdrew the award it was issued with; null while it stands. */
  superseded_at: Date | null;
}

const summaryColumns = `s.response_id, s.project_id, s.supplier_id, s.won, s.total_hundredths, s.winning_total_hundredths, s.tie_break,
  s.decided_by_tie_break, s.criteria, s.reason, s.issued_at, s.superseded_at`;

/**
 * Each response's latest summary: the one standing, or, between an upheld challenge and the next
 * award, the one it superseded (with `superseded_at`). Earlier superseded ones are the record only.
 */
const latestSummaries = `SELECT DISTINCT ON (s.response_id) ${summaryColumns} FROM procurement.assessment_summary s`;
const latestFirst = `ORDER BY s.response_id, s.issued_at DESC, s.id DESC`;

/** The latest assessment summary of many responses (null before the award, or for a response that got none). */
export const createAssessmentSummaryByResponseLoader = (dataSource: DataSource) =>
  new DataLoader<string, AssessmentSummaryRow | null>(async (responseIds) => {
    const rows: AssessmentSummaryRow[] = await dataSource.query(`${latestSummaries} WHERE s.response_id = ANY($1::uuid[]) ${latestFirst}`, [
      [...responseIds],
    ]);
    return responseIds.map((id) => rows.find((row) => row.response_id === id) ?? null);
  });

/** The latest assessment summary of each tender of many projects, in the order the tenders were submitted. */
export const createAssessmentSummariesByProjectLoader = (dataSource: DataSource) =>
  new DataLoader<string, AssessmentSummaryRow[]>(async (projectIds) => {
    const rows: AssessmentSummaryRow[] = await dataSource.query(
      `SELECT latest.* FROM (${latestSummaries} WHERE s.project_id = ANY($1::uuid[]) ${latestFirst}) latest
         JOIN procurement.response r ON r.id = latest.response_id
        ORDER BY r.submitted_at, r.id`,
      [[...projectIds]],
    );
    return groupByKeys(projectIds, rows, (row) => row.project_id);
  });
