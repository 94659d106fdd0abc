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
 * (innovation-counts.ts). The same search gives the same window, and so the same estimate, on every
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
  const tier = ':searchTier';
  const branch = withTier.andWhere(`${alias}.search_tier = ${tier}`).getQuery();
  const oneMatch = `(SELECT ${matchQuery})`;
  const branches = Array.from(
    { length: SEARCH_TIERS },
    (_, index) => `(${branch.split(oneMatch).join('(SELECT query FROM search_match)').split(tier).join(String(index))})`,
  );
  return `SELECT * FROM (${branches.join(' UNION ALL ')}) tiers LIMIT ${limit}`;
}

/**
 * SQL of the share of the catalogue, in percent, in the tiers below `tier` (a SQL expression of a
 * tier ≥ 1): tiers 0 to t − 1 hold the hash values below 2^(t−1).
 */
export const sharePercentBelowTier = (tier: string) => `100.0 * (1 << (${tier} - 1)) / ${HASH_VALUES}`;
