/**
 * The working-day rules of a further competition and an award (Procurement Act 2023 and IPS
 * practice). They are law and policy, not deployment settings, so they are constants of this
 * subgraph rather than configuration: changing one is a code change with its tests.
 */
export const procurementDeadlines = {
  /** Standstill between award and contract: 8 working days under the Procurement Act 2023 (s.51). */
  standstillWorkingDays: 8,
  /**
   * Standstill under the Public Contracts (Scotland) Regulations 2015 when the award decision is sent
   * electronically: it ends at midnight at the end of the 10th (calendar) day after sending, moved
   * on to the next working day when that day is not one (see services/regime.ts).
   */
  scottishStandstillDays: 10,
  /** Fewest working days between publishing and the clarification cut-off. */
  minimumClarificationWorkingDays: 2,
  /** Fewest working days between the clarification cut-off and the response deadline. */
  minimumResponseWorkingDaysAfterClarification: 1,
  /** Most working days a buyer may give suppliers to respond. */
  maximumResponseWorkingDays: 60,
  /**
   * Calendar days to publish a contract's details once it is entered into: 30 under the Procurement
   * Act 2023 (s.53) and the Public Contracts (Scotland) Regulations 2015 (reg. 51); how each counts
   * them is services/regime.ts contractDetailsDeadline.
   */
  contractDetailsDays: 30,
} as const;
