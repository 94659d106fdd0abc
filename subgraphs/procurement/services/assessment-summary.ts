import type { AwardTieBreak, EvaluationCriterion } from '../entities/project.entity';
import { totalScoreOf, weightedTotalHundredths, type ModeratedTender } from './evaluation';

/**
 * Assessment summaries (issue 24 item 2): what each bidder of a further competition is told at the
 * award — its agreed scores and the moderator's reasons per criterion beside the winner's scores,
 * both weighted totals, and why it did not win, in words made from those figures. Plain functions
 * of the moderated tenders, so the award writes exactly what was decided; the stored summary is then
 * the record (never recomputed on read).
 */

/** One published criterion as the summary shows it. */
export interface SummaryCriterion {
  criterion: string;
  weight: number;
  score: number;
  /** The moderator's reason for this bidder's agreed score; null where every evaluator gave it. */
  reason: string | null;
  winningScore: number;
}

export interface AssessmentSummaryFacts {
  responseId: string;
  won: boolean;
  totalHundredths: number;
  winningTotalHundredths: number;
  /** Whether equal weighted totals were settled by the published tie-break between this bidder and the winner. */
  decidedByTieBreak: boolean;
  criteria: SummaryCriterion[];
  reason: string;
}

/** A moderated tender with the moderator's reasons, as the summary reads it. */
export interface SummarisedTender extends ModeratedTender {
  supplierId: string;
  reasons: ReadonlyMap<string, string | null>;
}

const points = (hundredths: number) => totalScoreOf(hundredths).toFixed(1);
const pounds = (value: number) => `£${value.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Why a tender with the winner's total lost: the published tie-break, in the figures it compared. */
function tieBreakReason(
  criteria: readonly EvaluationCriterion[],
  tieBreak: AwardTieBreak,
  tender: ModeratedTender,
  winner: ModeratedTender,
): string {
  if (tieBreak === 'LOWEST_PRICE') {
    return `the published tie-break (the lowest price) decided it: the winning price was ${pounds(winner.price)} against your ${pounds(tender.price)}`;
  }
  const first = criteria[0]!.name;
  return `the published tie-break (the higher agreed score on the first criterion, ${first}) decided it: the winner scored ${winner.agreed.get(first)} against your ${tender.agreed.get(first)}`;
}

/** The plain-language reason for one bidder, from its figures and the winner's. */
function reasonFor(
  criteria: readonly EvaluationCriterion[],
  tieBreak: AwardTieBreak,
  tender: ModeratedTender,
  winner: ModeratedTender,
  total: number,
  winningTotal: number,
  others: readonly number[],
): string {
  if (tender.responseId === winner.responseId) {
    const tied = others.includes(total);
    return `Your tender won: it scored ${points(total)}, the highest weighted total under the published weights${tied ? ', equal with another tender and settled by the published tie-break' : ''}.`;
  }
  if (total === winningTotal) {
    return `Your tender scored ${points(total)}, equal to the winning ${points(winningTotal)} under the published weights; ${tieBreakReason(criteria, tieBreak, tender, winner)}.`;
  }
  // The criterion that cost the most weighted points against the winner (the first such, in published order).
  let largest: { name: string; gap: number; weighted: number } | null = null;
  for (const { name, weight } of criteria) {
    const gap = winner.agreed.get(name)! - tender.agreed.get(name)!;
    if (gap * weight > (largest?.weighted ?? 0)) largest = { name, gap, weighted: gap * weight };
  }
  const gapText = largest ? `; the largest gap was on ${largest.name} (${largest.gap} points, ${points(largest.weighted)} weighted)` : '';
  return `Your tender scored ${points(total)} against the winning ${points(winningTotal)} under the published weights${gapText}.`;
}

/** One summary per tender, in the order given: its own figures beside the winner's, and the reason. */
export function assessmentSummaries(
  criteria: readonly EvaluationCriterion[],
  tieBreak: AwardTieBreak,
  tenders: readonly SummarisedTender[],
  winnerId: string,
): AssessmentSummaryFacts[] {
  const winner = tenders.find((tender) => tender.responseId === winnerId);
  if (!winner) throw new Error(`assessmentSummaries: the winner ${winnerId} is not among the tenders`);
  const totalOf = (tender: ModeratedTender) => {
    const total = weightedTotalHundredths(criteria, tender.agreed);
    if (total === null) throw new Error(`assessmentSummaries: tender ${tender.responseId} is not moderated on every criterion`);
    return total;
  };
  const winningTotal = totalOf(winner);
  return tenders.map((tender) => {
    const total = totalOf(tender);
    const others = tenders.filter((other) => other.responseId !== tender.responseId).map(totalOf);
    const won = tender.responseId === winnerId;
    return {
      responseId: tender.responseId,
      won,
      totalHundredths: total,
      winningTotalHundredths: winningTotal,
      decidedByTieBreak: won ? others.includes(total) : total === winningTotal,
      criteria: criteria.map(({ name, weight }) => ({
        criterion: name,
        weight,
        score: tender.agreed.get(name)!,
        reason: tender.reasons.get(name) ?? null,
        winningScore: winner.agreed.get(name)!,
      })),
      reason: reasonFor(criteria, tieBreak, tender, winner, total, winningTotal, others),
    };
  });
}
