import type { SelectQueryBuilder } from 'typeorm';
import { MAX_PAGE_SIZE } from '../../../platform/pagination';
import type { Innovation } from '../entities';
import type { FacetCounts } from '../mappers';
import { searchMatchCte, sharePercentBelowTier, tieredMatchesSql } from './search-window';

/**
 * `totalCount` and `facets` at any catalogue size.
 *
 * Counting every match costs in proportion to the matches: a common word or a broad filter over
 * 100,000 innovations reads tens of thousands of rows. So both are exact while at most
 * `EXACT_UP_TO` innovations match (the common case for a real search, and the whole catalogue while
 * it is small), found with `LIMIT EXACT_UP_TO + 1` so the scan stops early. Above that, they are
 * counted in a sample and scaled up by the sample's share of the catalogue; the API flags them
 * (`totalCountIsEstimate`, `facets.isEstimate`). With a search, the sample is the search tiers
 * those matches were read from in full (search-window.ts): no second scan. Otherwise, or when the
 * first tier alone fills the window, the same conditions run over a page sample of the table
 * (`TABLESAMPLE SYSTEM`, about `SAMPLE_ROWS` rows, a fixed seed so a repeated request gets the same
 * answer). Either sample holds only rows the viewer may see under the same search and filter:
 * visibility is part of `matched`, so an estimate never counts what the viewer cannot see.
 *
 * Either way it is one statement, whichever branch runs: the sample branch sits behind a one-time
 * filter and is not scanned when the exact count suffices.
 */
export const EXACT_UP_TO = 1_000;
export const SAMPLE_ROWS = 2_000;

/** The share of the table's pages to sample, in percent (100 while the table is small or never analysed). */
export const samplePercent = `least(100, 100.0 * ${SAMPLE_ROWS} / greatest((SELECT reltuples FROM pg_class WHERE oid = 'innovations.innovation'::regclass), 1))`;

export interface MatchCount {
  count: number;
  isEstimate: boolean;
}

/** `sql` reading the innovation table (as `alias`) from a page sample of it instead. */
export function fromPageSample(sql: string, alias: string): string {
  const from = `FROM "innovations"."innovation" "${alias}"`;
  if (!sql.includes(from)) throw new Error(`The catalogue query no longer reads ${from}; update fromPageSample.`);
  return sql.replace(from, `${from} TABLESAMPLE SYSTEM (${samplePercent}) REPEATABLE (0)`);
}

/**
 * The SQL of a one-row CTE that says how `window` (a CTE of at most `EXACT_UP_TO + 1` matches, with
 * their `search_tier`, null when not read by tier) answers a count:
 *  - `counted`, `is_exact`: how many it holds; exact while at most `EXACT_UP_TO`;
 *  - `last_tier`: the tier the window stopped in (read in part, or just in full);
 *  - `from_tiers`: whether the tiers below it estimate the count (there are some);
 *  - `percent`: the share of the catalogue the estimate's sample is, in percent: those tiers' share,
 *    or else the page sample's.
 */
export function windowSamplingSql(window: string): string {
  return `SELECT counted, counted <= ${EXACT_UP_TO} AS is_exact, last_tier, coalesce(last_tier, 0) > 0 AS from_tiers,
            (CASE WHEN coalesce(last_tier, 0) > 0 THEN ${sharePercentBelowTier('last_tier')} ELSE ${samplePercent} END)::float8 AS percent
       FROM (SELECT count(*)::int AS counted, max(search_tier) AS last_tier FROM ${window}) window_read`;
}

/** The rows of `window` in the tiers read in full, given its sampling CTE `sampling`. */
const inFullTiers = (window: string, sampling: string) => `SELECT * FROM ${window} WHERE search_tier < (SELECT last_tier FROM ${sampling})`;

/** A count of sampled rows (`countSql`, a scalar sub-select) scaled up by the share `sampling` says it is. */
const scaledUpSql = (countSql: string, sampling: string) => `round((${countSql}) * 100 / (SELECT percent FROM ${sampling}))::int`;

/**
 * The first `EXACT_UP_TO + 1` rows `query` selects (id, category, trl, search_tier), as the CTE
 * list entries `capped` and `sampling` (see `windowSamplingSql`), plus the matched rows' SQL over
 * a page sample of the table, and a function that gives a statement using them the query's
 * parameters. With a search (`searched`), `capped` is read tier by tier and the tiers read in full
 * are the estimate's sample; otherwise the page sample is (and `search_tier` is null).
 */
function cappedStatements(query: SelectQueryBuilder<Innovation>, searched: boolean) {
  const alias = query.alias;
  const matched = query
    .clone()
    .select(`${alias}.id`, 'id')
    .addSelect(`${alias}.category`, 'category')
    .addSelect(`${alias}.trl`, 'trl')
    .orderBy();
  const sql = matched.getQuery();
  const capped = searched
    ? `search_match AS MATERIALIZED (${searchMatchCte}),
       capped AS MATERIALIZED (${tieredMatchesSql(matched, EXACT_UP_TO + 1)})`
    : `capped AS MATERIALIZED (SELECT *, NULL::smallint AS search_tier FROM (${sql}) matched LIMIT ${EXACT_UP_TO + 1})`;
  const ctes = `${capped},
       sampling AS (${windowSamplingSql('capped')})`;
  return { ctes, sampled: fromPageSample(sql, alias), toPositional: positionalParameters(query) };
}

/** Turns SQL with the query's named parameters (`:name`) into the driver's `$n` and their values. */
function positionalParameters(query: SelectQueryBuilder<Innovation>) {
  return (sql: string): [string, unknown[]] =>
    query.connection.driver.escapeQueryWithParameters(sql, query.getParameters()) as [string, unknown[]];
}

/**
 * The SQL of the estimated count (null while exact), given a capped window of matches and its
 * sampling CTE (`capped` and `sampling` unless named) and `sampled`, the matched rows over a page
 * sample: the count in the estimate's sample, scaled up by the sample's share.
 */
export function estimatedCountSql(sampled: string, window = 'capped', sampling = 'sampling'): string {
  const sampleCount = `CASE WHEN (SELECT from_tiers FROM ${sampling}) THEN (SELECT count(*) FROM (${inFullTiers(window, sampling)}) in_full)
                             ELSE (SELECT count(*) FROM (${sampled}) sampled) END`;
  return `CASE WHEN NOT (SELECT is_exact FROM ${sampling}) THEN ${scaledUpSql(sampleCount, sampling)} END`;
}

/** A counting statement's answer: `counted` stops at `EXACT_UP_TO + 1`; `estimated` is null unless it got there. */
export interface CountedRow {
  counted: number | string;
  estimated: number | string | null;
  /** The share of the catalogue the estimate's sample is, in percent. */
  percent: number | string;
}

/** A count as the API reports it, from what a counting statement answered. */
export function toMatchCount(row: CountedRow): MatchCount {
  const counted = Number(row.counted);
  if (counted <= EXACT_UP_TO) return { count: counted, isEstimate: false };
  const estimated = row.estimated === null ? counted : Number(row.estimated);
  // A 100% "sample" is the whole table (small, or never analysed): then the count is exact.
  const isEstimate = Number(row.percent) < 100;
  return { count: isEstimate ? Math.max(EXACT_UP_TO + 1, estimated) : estimated, isEstimate };
}

/** `totalCount`: exact up to `EXACT_UP_TO`, else estimated from a sample (and never below what was seen). */
export async function countMatches(query: SelectQueryBuilder<Innovation>, searched: boolean): Promise<MatchCount> {
  const { ctes, sampled, toPositional } = cappedStatements(query, searched);
  const [row]: CountedRow[] = await query.connection.query(
    ...toPositional(
      `WITH ${ctes}
       SELECT (SELECT counted FROM sampling) AS counted, (SELECT percent FROM sampling) AS percent, ${estimatedCountSql(sampled)} AS estimated`,
    ),
  );
  return toMatchCount(row!);
}

export type FacetCountsWithEstimate = FacetCounts & { isEstimate: boolean };

/**
 * Facet counts for the rows `query` selects (search, filters and visibility already applied), in
 * one statement: the matching rows (all of them, or the sample) once in a CTE, then one GROUP BY
 * per facet. Nations count confirmed evidence; certifications count current ones (no expiry, or
 * not before today) that are vetted (a pending one is not public). The statement has counted those rows on the way, so it answers `totalCount`
 * too (`count`, the same answer `countMatches` gives): asked together, the two cost one statement.
 */
export async function countFacets(
  query: SelectQueryBuilder<Innovation>,
  searched: boolean,
  today: string,
): Promise<{ facets: FacetCountsWithEstimate; count: MatchCount }> {
  const { ctes, sampled, toPositional } = cappedStatements(query.clone().setParameter('facetsToday', today), searched);
  // The rows counted: every match while exact, else the estimate's sample (the tiers read in full,
  // or the page sample), each branch behind a one-time filter so only one is read.
  const rows: ({ facet: string; value: string; count: number; scale: number } & CountedRow)[] = await query.connection.query(
    ...toPositional(`WITH ${ctes},
          matched AS MATERIALIZED (
            SELECT id, category, trl FROM capped WHERE (SELECT is_exact FROM sampling)
            UNION ALL
            SELECT id, category, trl FROM (${inFullTiers('capped', 'sampling')}) in_full
             WHERE (SELECT NOT is_exact AND from_tiers FROM sampling)
            UNION ALL
            SELECT id, category, trl FROM (${sampled}) sampled WHERE (SELECT NOT is_exact AND NOT from_tiers FROM sampling)),
          scale AS (SELECT CASE WHEN is_exact THEN 1 ELSE 100 / percent END::float8 AS factor FROM sampling),
          counts AS (
            SELECT 'category' AS facet, category AS value, count(*)::int AS count FROM matched GROUP BY category
            UNION ALL
            SELECT 'trl', trl::text, count(*)::int FROM matched GROUP BY trl
            UNION ALL
            -- LATERAL with DISTINCT: an index probe per matched innovation (each counts once per
            -- value), never a hash of every evidence or certification row of the catalogue.
            SELECT 'nation', nation.value, count(*)::int
              FROM matched CROSS JOIN LATERAL (
                SELECT DISTINCT evidence.authority_nation AS value FROM innovations.evidence
                 WHERE evidence.innovation_id = matched.id AND evidence.confirmation = 'CONFIRMED'
                   AND evidence.authority_nation IS NOT NULL) nation
             GROUP BY nation.value
            UNION ALL
            -- Schemes are free text: only the largest MAX_PAGE_SIZE, the most certifications(first) may ask for.
            (SELECT 'certification', scheme.value, count(*)::int
              FROM matched CROSS JOIN LATERAL (
                SELECT DISTINCT certification.scheme AS value FROM innovations.certification
                 WHERE certification.innovation_id = matched.id AND certification.vetting = 'VETTED'
                   AND (certification.expires_on IS NULL OR certification.expires_on >= CAST(:facetsToday AS date))) scheme
             GROUP BY scheme.value ORDER BY count(*) DESC, scheme.value LIMIT ${MAX_PAGE_SIZE}))
     -- One row even when nothing matches, so the caller always learns whether it was a sample, and the count.
     SELECT counts.facet, counts.value, counts.count, scale.factor AS scale,
            (SELECT counted FROM sampling) AS counted, (SELECT percent FROM sampling) AS percent,
            CASE WHEN NOT (SELECT is_exact FROM sampling) THEN ${scaledUpSql('SELECT count(*) FROM matched', 'sampling')} END AS estimated
       FROM scale LEFT JOIN counts ON true`),
  );
  const scale = Number(rows[0]?.scale ?? 1);
  const isEstimate = scale !== 1;
  const facet = (name: string) =>
    rows
      .filter((row) => row.facet === name)
      .map((row) => ({ value: row.value, count: isEstimate ? Math.max(1, Math.round(Number(row.count) * scale)) : Number(row.count) }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  const facets = {
    categories: facet('category') as FacetCounts['categories'],
    trls: facet('trl').map((row) => ({ value: Number(row.value), count: row.count })),
    nations: facet('nation') as FacetCounts['nations'],
    certifications: facet('certification'),
    isEstimate,
  };
  return { facets, count: toMatchCount(rows[0]!) };
}
