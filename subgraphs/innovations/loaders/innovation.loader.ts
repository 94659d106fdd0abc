import DataLoader from 'dataloader';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { createByIdLoader, groupByKeys, loaderPerArguments } from '../../../platform/loaders';
import type { Page } from '../../../platform/pagination';
import { Innovation } from '../entities';
import { applyInnovationVisibility, type InnovationVisibility } from '../policy';
import { EXACT_UP_TO, fromPageSample, samplePercent, type MatchCount } from '../services/innovation-counts';
import { applyInnovationCriteria, type InnovationCriteria } from '../services/innovation-criteria';

export const createInnovationByIdLoader = (dataSource: DataSource) => createByIdLoader(dataSource.getRepository(Innovation));

/**
 * One page of innovations for each of many suppliers, in one statement: for each supplier id a
 * `LATERAL` subquery walks the `(supplier_id, title, id)` index from the `after` cursor and stops
 * after `size + 1` rows (the extra row tells whether a next page exists). The cost is per page
 * asked for, not per innovation the suppliers have (a window function would number them all).
 */
async function loadSupplierPages(
  dataSource: DataSource,
  visibility: InnovationVisibility,
  supplierIds: readonly string[],
  page: Page,
  criteria: InnovationCriteria,
) {
  if (page.size === 0 && !page.after) return supplierIds.map(() => []);
  const repository = dataSource.getRepository(Innovation);
  const listed = repository.createQueryBuilder('listed').select('listed.id', 'id').where('listed.supplier_id = supplier.id');
  applyInnovationCriteria(listed, criteria);
  applyInnovationVisibility(listed, visibility);
  if (page.after) {
    listed.andWhere('(listed.title, listed.id) > (:afterTitle, :afterId)', { afterTitle: page.after.sortValue, afterId: page.after.id });
  }
  listed.orderBy('listed.title', 'ASC').addOrderBy('listed.id', 'ASC');
  const rows = await repository
    .createQueryBuilder('innovation')
    .where(
      `innovation.id IN (SELECT paged.id FROM unnest(ARRAY[:...supplierIds]::uuid[]) AS supplier(id)
         CROSS JOIN LATERAL (${listed.getQuery()} LIMIT :limit) paged)`,
    )
    .setParameters({ ...listed.getParameters(), supplierIds: [...supplierIds], limit: page.size + 1 })
    .orderBy('innovation.title', 'ASC')
    .addOrderBy('innovation.id', 'ASC')
    .getMany();
  return groupByKeys(supplierIds, rows, (row) => row.supplierId);
}

/**
 * How many visible innovations each of many suppliers has that meet the criteria, in one
 * statement, exact up to EXACT_UP_TO each (a LATERAL count that stops there, through the
 * supplier indexes), else estimated from a page sample of the table as the catalogue's count is
 * (see innovation-counts.ts): a supplier with 10,000 innovations costs what one with 1,001 does.
 */
async function countBySupplier(
  dataSource: DataSource,
  visibility: InnovationVisibility,
  supplierIds: readonly string[],
  criteria: InnovationCriteria,
): Promise<MatchCount[]> {
  const repository = dataSource.getRepository(Innovation);
  const visibleMatching = <Q extends SelectQueryBuilder<Innovation>>(query: Q) =>
    applyInnovationVisibility(applyInnovationCriteria(query, criteria), visibility);
  const capped = visibleMatching(repository.createQueryBuilder('counted').select('1').where('counted.supplier_id = supplier.id'));
  // One sample for all the suppliers, read only if one of them has more than EXACT_UP_TO.
  const sampled = visibleMatching(
    repository
      .createQueryBuilder('sampled')
      .select('sampled.supplier_id', 'supplier_id')
      .addSelect('count(*)', 'count')
      .where('sampled.supplierId IN (:...supplierIds)')
      .groupBy('sampled.supplier_id'),
  );
  const [sql, parameters] = dataSource.driver.escapeQueryWithParameters(
    `WITH sampled AS MATERIALIZED (${fromPageSample(sampled.getQuery(), 'sampled')})
     SELECT supplier.id AS "supplierId", capped.count AS counted, ${samplePercent}::float8 AS percent,
            CASE WHEN capped.count > ${EXACT_UP_TO}
                 THEN round(coalesce((SELECT sampled.count FROM sampled WHERE sampled.supplier_id = supplier.id), 0) * 100 / ${samplePercent})::int
            END AS estimated
       FROM unnest(ARRAY[:...supplierIds]::uuid[]) AS supplier(id)
      CROSS JOIN LATERAL (SELECT count(*)::int AS count FROM (${capped.getQuery()} LIMIT ${EXACT_UP_TO + 1}) matched) capped`,
    { ...capped.getParameters(), ...sampled.getParameters(), supplierIds: [...supplierIds] },
  );
  const rows: { supplierId: string; counted: number; percent: number; estimated: number | null }[] = await dataSource.query(
    sql,
    parameters,
  );
  const bySupplier = new Map(
    rows.map((row): [string, MatchCount] => {
      const counted = Number(row.counted);
      // A 100% "sample" is the whole table (small, or never analysed): then the count is exact.
      if (counted <= EXACT_UP_TO) return [row.supplierId, { count: counted, isEstimate: false }];
      if (Number(row.percent) >= 100) return [row.supplierId, { count: Number(row.estimated), isEstimate: false }];
      return [row.supplierId, { count: Math.max(EXACT_UP_TO + 1, Number(row.estimated)), isEstimate: true }];
    }),
  );
  return supplierIds.map((id) => bySupplier.get(id) ?? { count: 0, isEstimate: false });
}

/**
 * `Organisation.innovations` for many organisations. Each organisation can pass its own arguments,
 * so there is one DataLoader per distinct argument set (keyed by supplier id): a page of 50
 * organisations asking the same thing costs one page statement, and one count statement if any
 * of them selects `totalCount`. The viewer's visibility is the same for the whole request (loaders
 * are per request), so it is fixed here rather than part of the key; pages and counts apply it alike.
 */
export function createInnovationsBySupplierLoaders(dataSource: DataSource, visibility: InnovationVisibility) {
  const pages = loaderPerArguments(
    ({ page, criteria }: { page: Page; criteria: InnovationCriteria }) =>
      new DataLoader<string, Innovation[]>((ids) => loadSupplierPages(dataSource, visibility, ids, page, criteria)),
  );
  const counts = loaderPerArguments(
    (criteria: InnovationCriteria) => new DataLoader<string, MatchCount>((ids) => countBySupplier(dataSource, visibility, ids, criteria)),
  );
  return {
    page: (page: Page, criteria: InnovationCriteria) => pages({ page, criteria }),
    count: counts,
  };
}
