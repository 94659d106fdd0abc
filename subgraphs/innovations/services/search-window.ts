import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * A search's first matches, read from the search index tier by tier.
 *
 * The catalogue is split by a hash of the id into `search_tier`s, each with a partial GIN index
 * (the add-search-tiers migration): tiers 0 and 1 hold 1/32 of the innovations each, and every
 * tier after them as many as all the tiers before it (2/32, 4/32, 8/32, 16/32). A GIN index can
 * only answer with a bitmap of every match, so one index over the whole catalogue makes a common
 * word cost in proportion to the catalogue even when only its first thousand matches are wanted.
 * Read tier by tier, one UNION ALL branch each under a LIMIT, the search stops at the tier that
 * fills the window: PostgreSQL's Append starts a branch only when the ones before it ran dry.
 *
 * The tiers read in full before the last one are a random share of the catalogue, known in
 * advance: the window's count there, scaled up, estimates how many innovations match in all
 * (`windowSamplingSql`). The same search gives the same window, and so the same estimate, on every
 * page and in every order.
 */

/** The tsquery the index is read with: the search, its prefixes spelled out as words. */
export const matchQuery = `innovations.search_match_query(to_tsquery('english', :searchQuery))`;

/** How many tiers the search index is split into: the add-search-tiers migration's indexes. */
export const SEARCH_TIERS = 6;

/** The hash values tiers are cut from (the hash's five low bits); tier t ≥ 1 starts at 2^(t-1). */
const HASH_VALUES = 32;

/** The `search_match` CTE: the match query worked out once per statement, not once per tier. */
export const searchMatchCte = `SELECT ${matchQuery} AS query`;

/**
 * The SQL (named parameters) of the first `limit` rows of `matched`, a statement with the search
 * applied (`applySearch`), read tier by tier, each with its `search_tier`. Needs the
 * `search_match` CTE (`searchMatchCte`) before it in the same WITH. Branches run in order, and
 * each in table order: the same rows every time. (The statement calls a parallel-unsafe
 * function, so it never runs as a parallel plan, which could interleave them.)
 */
export function tieredMatchesSql(matched: SelectQueryBuilder<ObjectLiteral>, limit: number): string {
  const alias = matched.alias;
  const withTier = matched.clone().addSelect(`${alias}.search_tier`, 'search_tier');
  // Built once and copied per tier, the tier number and the shared match query put in by text.
  const branch = withTier.andWhere(`${alias}.search_tier = :searchTier`).getQuery();
  const oneMatch = `(SELECT ${matchQuery})`;
  const tier = ':searchTier';
  const branches = Array.from(
    { length: SEARCH_TIERS },
    (_, index) => `(${branch.split(oneMatch).join('(SELECT query FROM search_match)').split(tier).join(String(index))})`,
  );
  return `SELECT * FROM (${branches.join(' UNION ALL ')}) tiers LIMIT ${limit}`;
}

/**
 * The SQL of a one-row CTE that says how `window` (a CTE of at most `exactUpTo + 1` matches, with
 * their `search_tier`, null when not read by tier) answers a count:
 *  - `counted`, `is_exact`: how many it holds; exact while at most `exactUpTo`;
 *  - `last_tier`: the tier the window stopped in (read in part, or just in full);
 *  - `from_tiers`: whether the tiers below it estimate the count (there are some);
 *  - `percent`: the share of the catalogue the estimate's sample is, in percent: those tiers' share,
 *    or else `pageSamplePercent`, the share a page sample reads.
 */
export function windowSamplingSql(window: string, exactUpTo: number, pageSamplePercent: string): string {
  return `SELECT counted, counted <= ${exactUpTo} AS is_exact, last_tier, coalesce(last_tier, 0) > 0 AS from_tiers,
            (CASE WHEN coalesce(last_tier, 0) > 0 THEN 100.0 * (1 << (last_tier - 1)) / ${HASH_VALUES}
                  ELSE ${pageSamplePercent} END)::float8 AS percent
       FROM (SELECT count(*)::int AS counted, max(search_tier) AS last_tier FROM ${window}) window_read`;
}

/** The rows of `window` in the tiers read in full, given its sampling CTE `sampling`. */
export const inFullTiers = (window: string, sampling: string) =>
  `SELECT * FROM ${window} WHERE search_tier < (SELECT last_tier FROM ${sampling})`;
