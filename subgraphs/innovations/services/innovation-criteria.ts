import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badUserInput } from '../../../platform/errors';
import { idList, wholeNumber } from '../../../platform/input';
import type { InnovationCategory, InnovationFilter, InnovationStatus, Nation } from '../generated/graphql';

export const MIN_TRL = 1;
export const MAX_TRL = 9;

/**
 * An `InnovationFilter` once validated and normalised. Plain data in a fixed key order, so two equal
 * filters serialise alike: the per-supplier loaders batch by that serialisation.
 */
export interface InnovationCriteria {
  categories: InnovationCategory[] | null;
  statuses: InnovationStatus[] | null;
  trlAtLeast: number | null;
  trlAtMost: number | null;
  supplierIds: string[] | null;
  evidenceNations: Nation[] | null;
  hasConfirmedEvidence: boolean | null;
  hasCurrentCertification: boolean | null;
  /** Today in the UK ("YYYY-MM-DD"), when a condition depends on it (certification expiry). */
  today: string | null;
}

/** Validates a filter before any SQL runs: TRLs within 1–9 and in order, supplier ids well formed. `today` is the UK date. */
export function readInnovationFilter(filter: InnovationFilter | null | undefined, today: string): InnovationCriteria {
  const trlAtLeast =
    filter?.trlAtLeast == null ? null : wholeNumber(filter.trlAtLeast, { field: 'filter.trlAtLeast', min: MIN_TRL, max: MAX_TRL });
  const trlAtMost =
    filter?.trlAtMost == null ? null : wholeNumber(filter.trlAtMost, { field: 'filter.trlAtMost', min: MIN_TRL, max: MAX_TRL });
  if (trlAtLeast !== null && trlAtMost !== null && trlAtLeast > trlAtMost) {
    throw badUserInput(`"filter.trlAtLeast" (${trlAtLeast}) must not be above "filter.trlAtMost" (${trlAtMost}).`, 'filter.trlAtLeast');
  }
  return {
    categories: filter?.categories?.length ? [...new Set(filter.categories)].sort() : null,
    statuses: filter?.statuses?.length ? [...new Set(filter.statuses)].sort() : null,
    trlAtLeast,
    trlAtMost,
    supplierIds: filter?.supplierIds?.length ? idList(filter.supplierIds, { field: 'filter.supplierIds', repeats: 'merged' }).sort() : null,
    evidenceNations: filter?.evidenceNations?.length ? [...new Set(filter.evidenceNations)].sort() : null,
    hasConfirmedEvidence: filter?.hasConfirmedEvidence ?? null,
    hasCurrentCertification: filter?.hasCurrentCertification ?? null,
    today: filter?.hasCurrentCertification === undefined || filter.hasCurrentCertification === null ? null : today,
  };
}

/**
 * Keeps an EXISTS a per-row index probe. Without it PostgreSQL may turn the EXISTS into a hash
 * semi-join that first reads every confirmed evidence row (or certification) of the catalogue,
 * a cost in proportion to the data, where the capped counts and the sampled facets (see
 * innovation-counts.ts) look at a bounded number of innovations.
 */
const probePerRow = 'OFFSET 0';

/** Adds the criteria to a query over innovations as `AND` conditions. */
export function applyInnovationCriteria<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  criteria: InnovationCriteria,
): SelectQueryBuilder<T> {
  const alias = query.alias;
  if (criteria.categories) query.andWhere(`${alias}.category IN (:...filterCategories)`, { filterCategories: criteria.categories });
  if (criteria.statuses) query.andWhere(`${alias}.status IN (:...filterStatuses)`, { filterStatuses: criteria.statuses });
  if (criteria.trlAtLeast !== null) query.andWhere(`${alias}.trl >= :filterTrlAtLeast`, { filterTrlAtLeast: criteria.trlAtLeast });
  if (criteria.trlAtMost !== null) query.andWhere(`${alias}.trl <= :filterTrlAtMost`, { filterTrlAtMost: criteria.trlAtMost });
  if (criteria.supplierIds) {
    query.andWhere(`${alias}.supplierId IN (:...filterSupplierIds)`, { filterSupplierIds: criteria.supplierIds });
  }
  if (criteria.evidenceNations) {
    query.andWhere(
      `EXISTS (SELECT 1 FROM innovations.evidence nation_evidence WHERE nation_evidence.innovation_id = ${alias}.id
         AND nation_evidence.confirmation = 'CONFIRMED' AND nation_evidence.authority_nation IN (:...filterEvidenceNations) ${probePerRow})`,
      { filterEvidenceNations: criteria.evidenceNations },
    );
  }
  if (criteria.hasConfirmedEvidence !== null) {
    // Kept by triggers on evidence (see the has-confirmed-evidence migration), and in the
    // (status, category, trl) index: no evidence probe per innovation.
    query.andWhere(`${criteria.hasConfirmedEvidence ? '' : 'NOT '}${alias}.has_confirmed_evidence`);
  }
  if (criteria.hasCurrentCertification !== null) {
    query.andWhere(
      `${criteria.hasCurrentCertification ? '' : 'NOT '}EXISTS (SELECT 1 FROM innovations.certification current_certification
         WHERE current_certification.innovation_id = ${alias}.id AND current_certification.vetting = 'VETTED'
           AND (current_certification.expires_on IS NULL OR current_certification.expires_on >= :filterToday) ${probePerRow})`,
      { filterToday: criteria.today },
    );
  }
  return query;
}
