import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badUserInput } from '../../../platform/errors';
import type { Page, PageRows, PageSource } from '../../../platform/pagination';

/**
 * The longest `search` accepted, as for the innovations catalogue: longer is refused, not cut.
 * Any text within it is safe, since `websearch_to_tsquery` accepts any (quotes, `or`, `-`).
 */
export const MAX_PROJECT_SEARCH_LENGTH = 200;

const searchQuery = `websearch_to_tsquery('english', :projectSearch)`;

/**
 * The search as an `AND` condition on a query over projects: the project's own title and need
 * through the GIN index on its stored `search_vector`, or its lot's title, or its route's name or
 * reference (a few hundred rows, matched where they are). Callers add the visibility rule as for any list.
 */
export function applyProjectSearch<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, search: string): SelectQueryBuilder<T> {
  const alias = query.alias;
  return query.andWhere(
    `(${alias}.search_vector @@ ${searchQuery}
      OR ${alias}.lotId IN (SELECT searched_lot.id FROM procurement.lot searched_lot WHERE to_tsvector('english', searched_lot.title) @@ ${searchQuery})
      OR ${alias}.routeId IN (SELECT searched_route.id FROM procurement.route searched_route
                               WHERE to_tsvector('english', searched_route.name || ' ' || searched_route.reference) @@ ${searchQuery}))`,
    { projectSearch: search },
  );
}

/**
 * The pages of a searched query, best match first: `ts_rank` over the project's own words (title
 * weighs more than need; a project found by its lot or route alone ranks 0, after them), then id.
 * Keyset cursors on (rank, id), the rank as float8 so it round-trips exactly through a cursor.
 * One statement for a page, plus one COUNT if `totalCount` is asked.
 */
export function rankedProjectSource<T extends ObjectLiteral & { id: string }>(query: SelectQueryBuilder<T>): PageSource<T> {
  const counting = query.clone();
  return { rows: (page) => rankedPage(query, page), totalCount: () => counting.getCount() };
}

async function rankedPage<T extends ObjectLiteral & { id: string }>(query: SelectQueryBuilder<T>, page: Page): Promise<PageRows<T>> {
  const alias = query.alias;
  const rank = `ts_rank(${alias}.search_vector, ${searchQuery})::float8`;
  const paged = query
    .clone()
    .addSelect(rank, 'search_rank')
    .orderBy(rank, 'DESC')
    .addOrderBy(`${alias}.id`, 'ASC')
    .limit(page.size + 1);
  if (page.after) {
    if (typeof page.after.sortValue !== 'number') {
      throw badUserInput('"after" is a cursor from a list without this search: pass a cursor from a page with the same search.', 'after');
    }
    paged.andWhere(`(${rank} < :cursorRank OR (${rank} = :cursorRank AND ${alias}.id > :cursorId))`, {
      cursorRank: page.after.sortValue,
      cursorId: page.after.id,
    });
  }
  const { entities, raw } = await paged.getRawAndEntities<{ search_rank: number | string }>();
  return { rows: entities, sortValues: raw.map((row) => Number(row.search_rank)) };
}
