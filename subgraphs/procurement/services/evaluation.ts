import type { AwardTieBreak, EvaluationCriterion } from '../entities/project.entity';

/**
 * How the evaluation of a further competition decides its award (issue 24), as plain functions of
 * the facts so the workflow (writes) and the project reads judge alike:
 *
 * 1. Complete: every tender (a response not withdrawn) is scored on every published criterion by at
 *    least PROCUREMENT_EVALUATORS_REQUIRED evaluators who declared no conflict with its supplier.
 * 2. Moderated: each tender's scores are agreed into one score per criterion by a moderator.
 * 3. The most advantageous tender is the highest weighted total of the moderated scores; equal totals
 *    are settled by the tie-break published with the criteria. Tenders still equal after it are
 *    equally most advantageous: the buyer may award any of them.
 */

/** One score counted towards the evaluation: given by an evaluator with no conflict declared with the supplier. */
export interface CountedScore {
  responseId: string;
  evaluatorId: string;
  criterion: string;
  score: number;
}

/** A (response, criterion) short of evaluators: how many counted, how many are required. */
export interface MissingEvaluation {
  responseId: string;
  criterion: string;
  evaluators: number;
  required: number;
}

/** Every (response, criterion) scored by fewer than `required` distinct evaluators, in criteria order. */
export function missingEvaluations(
  criteria: readonly EvaluationCriterion[],
  responseIds: readonly string[],
  scores: readonly CountedScore[],
  required: number,
): MissingEvaluation[] {
  const missing: MissingEvaluation[] = [];
  for (const responseId of responseIds) {
    for (const { name } of criteria) {
      const evaluators = new Set(scores.filter((s) => s.responseId === responseId && s.criterion === name).map((s) => s.evaluatorId)).size;
      if (evaluators < required) missing.push({ responseId, criterion: name, evaluators, required });
    }
  }
  return missing;
}

/**
 * Whether the moderator must say why: the agreed score differs from at least one counted evaluator's
 * score for that criterion. Only when every evaluator gave exactly the agreed score is no reason needed.
 */
export function moderationReasonRequired(agreed: number, evaluatorScores: readonly number[]): boolean {
  return evaluatorScores.some((score) => score !== agreed);
}

/**
 * The weighted total in hundredths of a point: Σ score × weight (weights are whole percentages adding
 * up to 100, so this is an exact integer and equal totals compare exactly). Null if a criterion has
 * no agreed score.
 */
export function weightedTotalHundredths(criteria: readonly EvaluationCriterion[], agreed: ReadonlyMap<string, number>): number | null {
  let total = 0;
  for (const { name, weight } of criteria) {
    const score = agreed.get(name);
    if (score === undefined) return null;
    total += score * weight;
  }
  return total;
}

/** The weighted total on the 0–100 scale the API shows. */
export const totalScoreOf = (hundredths: number) => hundredths / 100;

/** A moderated tender, as the award compares it. */
export interface ModeratedTender {
  responseId: string;
  price: number;
  /** Agreed score per criterion name. */
  agreed: ReadonlyMap<string, number>;
}

/**
 * The ids of the most advantageous tenders: the highest weighted total, then the tie-break —
 * LOWEST_PRICE keeps the lowest price among the equal totals, HIGHEST_SCORE_ON_FIRST_CRITERION the
 * highest agreed score on the first published criterion. More than one id only if they are still equal.
 */
export function mostAdvantageous(
  criteria: readonly EvaluationCriterion[],
  tieBreak: AwardTieBreak,
  tenders: readonly ModeratedTender[],
): string[] {
  const totals = tenders.map((tender) => ({ tender, total: weightedTotalHundredths(criteria, tender.agreed) ?? -1 }));
  const best = Math.max(...totals.map((t) => t.total));
  const tied = totals.filter((t) => t.total === best).map((t) => t.tender);
  const key =
    tieBreak === 'LOWEST_PRICE'
      ? (tender: ModeratedTender) => -tender.price
      : (tender: ModeratedTender) => tender.agreed.get(criteria[0]!.name) ?? -1;
  const winning = Math.max(...tied.map(key));
  return tied.filter((tender) => key(tender) === winning).map((tender) => tender.responseId);
}
