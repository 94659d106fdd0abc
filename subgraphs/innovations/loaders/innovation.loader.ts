import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { createByIdLoader, groupByKeys, loaderPerArguments } from '../../../platform/loaders';
import type { Page } from '../../../platform/pagination';
import { Innovation } from '../entities';
import { applyInnovationVisibility, type InnovationVisibility } from '../policy';
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
  const listed = repository
    .createQueryBuilder('listed')
    .select('listed.id', 'id')
    .where('listed.supplier_id = supplier.id');
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

/** How many visible innovations each of many suppliers has that meet the criteria, in one GROUP BY. */
async function countBySupplier(
  dataSource: DataSource,
  visibility: InnovationVisibility,
  supplierIds: readonly string[],
  criteria: InnovationCriteria,
) {
  const query = dataSource
    .getRepository(Innovation)
    .createQueryBuilder('innovation')
    .select('innovation.supplierId', 'supplierId')
    .addSelect('COUNT(*)::int', 'count')
    .where('innovation.supplierId IN (:...supplierIds)', { supplierIds: [...supplierIds] })
    .groupBy('innovation.supplierId');
  applyInnovationCriteria(query, criteria);
  applyInnovationVisibility(query, visibility);
  const counts = new Map((await query.getRawMany<{ supplierId: string; count: number }>()).map((row) => [row.supplierId, Number(row.count)]));
  return supplierIds.map((id) => counts.get(id) ?? 0);
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
    (criteria: InnovationCriteria) =>
      new DataLoader<string, number>((ids) => countBySupplier(dataSource, visibility, ids, criteria)),
  );
  return {
    page: (page: Page, criteria: InnovationCriteria) => pages({ page, criteria }),
    count: counts,
  };
}
