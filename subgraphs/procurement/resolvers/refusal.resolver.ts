import { LONG_LIST_BOUND, readListSize } from '../../../platform/pagination';
import type { EvaluationIncompleteResolvers } from '../generated/graphql';
import type { MissingEvaluation } from '../services/evaluation';

/**
 * Procurement's own refusal types resolve from the thrown error's facts (platform/refusals.ts); only
 * the list of what is missing needs a resolver, to bound it like every other list of objects.
 */
export const EvaluationIncomplete: EvaluationIncompleteResolvers = {
  missing: (refusal, { first }) => (refusal.missing as MissingEvaluation[]).slice(0, readListSize(first, LONG_LIST_BOUND)),
};
