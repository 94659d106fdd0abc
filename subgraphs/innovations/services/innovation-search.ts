import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badUserInput } from '../../../platform/errors';
import { searchText } from '../../../platform/input';
import type { Page, PageRows } from '../../../platform/pagination';
import type { InnovationOrder } from '../generated/graphql';
import {
  EXACT_UP_TO,
  estimatedCountSql,
  fromPageSample,
  toMatchCount,
  windowSamplingSql,
  type CountedRow,
  type MatchCount,
} from './innovation-counts';
import { matchQuery, searchMatchCte, tieredMatchesSql } from './search-window';

/** The longest `search` accepted, and how many of its words are used. */
export const MAX_SEARCH_LENGTH = 200;
export const MAX_SEARCH_WORDS = 12;

/**
 * A prefix query for `to_tsquery('english', …)` built from the words of what the client typed:
 * only runs of letters and digits survive, each becomes `word:*`, all must match (`&`). The
 * client's own tsquery syntax (`|`, `!`, `<->`, quotes) never reaches PostgreSQL, so no input can
 * make `to_tsquery` fail. Returns null when nothing searchable is left (e.g. "%%").
 */
export function toPrefixQuery(search: string): string | null {
  const words = search.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return [...new Set(words)]
    .slice(0, MAX_SEARCH_WORDS)
    .map((word) => `${word}:*`)
    .join(' & ');
}

/** The search as the service uses it: absent, present, or present but with nothing to search for. */
export type SearchTerms = { kind: 'none' } | { kind: 'query'; tsquery: string } | { kind: 'nothing' };

export function readSearch(search: string | null | undefined): SearchTerms {
  const text = searchText(search, { field: 'search', max: MAX_SEARCH_LENGTH });
  if (text === null) return { kind: 'none' };
  const tsquery = toPrefixQuery(text);
  return tsquery ? { kind: 'query', tsquery } : { kind: 'nothing' };
}

/**
 * Adds the search as a condition, read through the GIN index on the stored tsvector. The match
 * condition has each prefix term spelled out as the words it stands for (`search_match_query`, see
 * the search-vocabulary migration): the same rows, without a partial-match scan of the index. The
 * subquery makes it one evaluation per statement, not one per row rechecked.
 */
export function applySearch<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, terms: SearchTerms): SelectQueryBuilder<T> {
  // Nothing to search for matches nothing; the parameter keeps a RELEVANCE order well formed.
  if (terms.kind === 'nothing') return query.andWhere('false').setParameter('searchQuery', '');
  if (terms.kind === 'query') {
    query.andWhere(`${query.alias}.search_vector @@ (SELECT ${matchQuery})`, { searchQuery: terms.tsquery });
  }
  return query;
}

export function readOrder(orderBy: InnovationOrder | null | undefined, terms: SearchTerms): InnovationOrder {
  const order = orderBy ?? (terms.kind === 'none' ? 'TITLE' : 'RELEVANCE');
  if (order === 'RELEVANCE' && terms.kind === 'none') {
    throw badUserInput('"orderBy: RELEVANCE" needs a "search" to rank by.', 'orderBy');
  }
  return order;
}

/**
 * How many matches `RELEVANCE` ranks and lists at most (see `fetchOrderedPage`): as many as
 * `totalCount` counts exactly, so the ranked window's size is that count.
 */
export const RANKED_MATCHES = EXACT_UP_TO;

/** A ranked page's row: its rank, and the window's count (the same on every row). */
type RankedRow = { search_rank: number } & CountedRow;

/** The rank as float8: its text form round-trips exactly through a cursor, unlike float4's. */
const rankExpression = (alias: string) => `ts_rank(${alias}.search_vector, to_tsquery('english', :searchQuery))::float8`;

export interface OrderedPage<T> extends PageRows<T> {
  /**
   * For `RELEVANCE`, the `totalCount` the page statement worked out from its ranked window (exact
   * up to `RANKED_MATCHES`, else estimated from the page sample). Absent for an empty page past the
   * last one by cursor.
   */
  matchCount?: MatchCount;
}

/**
 * Orders and pages a query in one of the three orders, each with keyset cursors on (sort value, id):
 * relevance descending, title ascending, creation time descending. Returns the rows plus the
 * cursor value of each. Deep pages cost what the first does (no OFFSET).
 */
export async function fetchOrderedPage<T extends ObjectLiteral & { id: string; title: string; createdAt: Date }>(
  query: SelectQueryBuilder<T>,
  order: InnovationOrder,
  page: Page,
): Promise<OrderedPage<T>> {
  const alias = query.alias;
  const paged = query.clone().limit(page.size + 1);
  const after = page.after;
  if (order === 'RELEVANCE') {
    // Only the first RANKED_MATCHES matches found are ranked: ts_rank over every match of a common
    // word reads and scores each of them, a cost in proportion to the catalogue. The window (one
    // match more, to tell "more" from "exactly that many") is read tier by tier (search-window.ts)
    // into a materialized CTE, so its LIMIT stops the index reads early and the planner cannot
    // rank every match first; the page's ids are ranked from it. The window is the same for every
    // page. Its size is also `totalCount` while the search matches at most RANKED_MATCHES; past
    // that the count is estimated from the tiers it read in full (or, when it filled within the
    // first tier, from the page sample, read only then), in this statement too, so a ranked
    // search is one statement whatever it matches, and its count is the one the other orders give.
    const matched = query.clone().select(`${alias}.id`, 'id').addSelect(`${alias}.search_vector`, 'search_vector').orderBy();
    const candidateRank = rankExpression('candidate');
    let cursorCondition = '';
    if (after) {
      if (typeof after.sortValue !== 'number') throw wrongCursor();
      cursorCondition = `WHERE (${candidateRank} < :cursorRank OR (${candidateRank} = :cursorRank AND candidate.id > :cursorId))`;
      paged.setParameters({ cursorRank: after.sortValue, cursorId: after.id });
    }
    const rank = rankExpression(alias);
    paged
      .addCommonTableExpression(searchMatchCte, 'search_match', { materialized: true })
      .addCommonTableExpression(tieredMatchesSql(matched, RANKED_MATCHES + 1), 'search_window', { materialized: true })
      .addCommonTableExpression(windowSamplingSql('search_window'), 'window_sampling')
      .where(
        `${alias}.id IN (SELECT candidate.id FROM (SELECT * FROM search_window LIMIT ${RANKED_MATCHES}) candidate ${cursorCondition}
          ORDER BY ${candidateRank} DESC, candidate.id ASC LIMIT :rankedPageSize)`,
        { rankedPageSize: page.size + 1 },
      )
      .addSelect(rank, 'search_rank')
      .addSelect('(SELECT counted FROM window_sampling)', 'counted')
      .addSelect(estimatedCountSql(fromPageSample(matched.getQuery(), alias), 'search_window', 'window_sampling'), 'estimated')
      .addSelect('(SELECT percent FROM window_sampling)', 'percent')
      .orderBy(rank, 'DESC')
      .addOrderBy(`${alias}.id`, 'ASC');
    const { entities, raw } = await paged.getRawAndEntities<RankedRow>();
    const first = raw[0];
    let matchCount: MatchCount | undefined;
    if (first) {
      matchCount = toMatchCount(first);
    } else if (!after) {
      // An empty first page means an empty window: nothing matched. (Past the last page by cursor,
      // the count is left to a statement of its own.)
      matchCount = { count: 0, isEstimate: false };
    }
    return { rows: entities, sortValues: raw.map((row) => Number(row.search_rank)), ...(matchCount && { matchCount }) };
  }
  if (order === 'NEWEST') {
    paged.orderBy(`${alias}.createdAt`, 'DESC').addOrderBy(`${alias}.id`, 'DESC');
    if (after) {
      if (typeof after.sortValue !== 'string' || Number.isNaN(Date.parse(after.sortValue))) throw wrongCursor();
      paged.andWhere(`(${alias}.createdAt, ${alias}.id) < (:cursorCreatedAt, :cursorId)`, {
        cursorCreatedAt: after.sortValue,
        cursorId: after.id,
      });
    }
    const rows = await paged.getMany();
    return { rows, sortValues: rows.map((row) => row.createdAt.toISOString()) };
  }
  paged.orderBy(`${alias}.title`, 'ASC').addOrderBy(`${alias}.id`, 'ASC');
  if (after) {
    if (typeof after.sortValue !== 'string') throw wrongCursor();
    paged.andWhere(`(${alias}.title, ${alias}.id) > (:cursorTitle, :cursorId)`, { cursorTitle: after.sortValue, cursorId: after.id });
  }
  const rows = await paged.getMany();
  return { rows, sortValues: rows.map((row) => row.title) };
}

const wrongCursor = () => badUserInput('"after" is a cursor from a list in another order: pass one from this list.', 'after');
