import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badUserInput } from '../../../platform/errors';
import { toConnection, type Connection, type Page } from '../../../platform/pagination';

/** The longest `search` accepted, as for the innovations catalogue. */
export const MAX_PROJECT_SEARCH_LENGTH = 200;

/**
 * The words of `procurementProjects(search:)`, or null for no search (absent or blank). Anything
 * longer than the limit is refused, not cut. What is left goes to `websearch_to_tsquery`, which
 * accepts any text (quotes, `or`, `-`), so no input makes the statement fail.
 */
export function readProjectSearch(search: string | null | undefined): string | null {
  if (search === null || search === undefined) return null;
  if (search.length > MAX_PROJECT_SEARCH_LENGTH) {
    throw badUserInput(`"search" must be at most ${MAX_PROJECT_SEARCH_LENGTH} characters; it was ${search.length}.`, 'search');
  }
  return search.trim() === '' ? null : search.trim();
}

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
 * One page of a searched query, best match first: `ts_rank` over the project's own words (title
 * weighs more than need; a project found by its lot or route alone ranks 0, after them), then id.
 * Keyset cursors on (rank, id), the rank as float8 so it round-trips exactly through a cursor.
 * One statement for the page, plus one COUNT if `totalCount` is asked.
 */
export async function rankedProjectPage<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  page: Page,
): Promise<Connection<T>> {
  const alias = query.alias;
  const counting = query.clone();
  if (page.size === 0 && !page.after)
    return toConnection(
      [],
      page,
      () => 0,
      () => counting.getCount(),
    );
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
  const rankOf = new Map(entities.map((entity, index) => [entity.id, Number(raw[index]!.search_rank)]));
  return toConnection(
    entities,
    page,
    (row) => rankOf.get(row.id)!,
    () => counting.getCount(),
  );
}
