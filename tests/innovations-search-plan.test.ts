import { jest } from '@jest/globals';
import { Client } from 'pg';
import { bulkInsert, rareWord } from '../scripts/bench-search';
import { demoSuppliers } from '../demo-data/organisations';
import { loadTestDatabaseUrl } from '../platform/config';
import { openDatabase, type SubgraphDatabase } from '../platform/database';
import { createSubgraphServer } from '../platform/subgraph-server';
import { Innovation } from '../subgraphs/innovations/entities';
import { innovationsSubgraph } from '../subgraphs/innovations/subgraph';
import { EXACT_UP_TO } from '../subgraphs/innovations/services/innovation-counts';
import { applySearch, readSearch } from '../subgraphs/innovations/services/innovation-search';
import { SEARCH_TIERS } from '../subgraphs/innovations/services/search-window';
import { testPool } from './support/subgraph-harness';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * The catalogue's statements use indexes, and its counts stay bounded, on a seeded and analysed
 * table of 45,000 innovations (`seeded`, below): the plans PostgreSQL chooses for the very statements
 * the subgraph sends (captured from the driver while a request runs). Only on the server pass: PGlite's planner
 * sees the same SQL, but the index choice is what production runs.
 */
const onServer = loadTestDatabaseUrl(process.env) !== undefined;
/**
 * Enough rows that a selective search is cheaper through the index than by a sequential scan, and
 * that a word in every innovation fills a search's window within the first search tier (1/32).
 */
const seeded = 45_000;
/** A sequential scan of the whole innovation table (a page sample is a "Sample Scan", not this). */
const fullScanOfInnovations = /Seq Scan on innovation /;

(onServer ? describe : describe.skip)('catalogue plans at 45,000 innovations (PostgreSQL server only)', () => {
  let database: TestDatabase;
  let innovations: SubgraphDatabase;
  let server: ReturnType<typeof createSubgraphServer<any>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    innovations = await openDatabase({
      schema: 'innovations',
      url: database.url,
      pool: testPool,
      entities: innovationsSubgraph.entities,
      migrations: innovationsSubgraph.migrations,
      logErrors: false,
    });
    await innovations.migrate();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await bulkInsert(client, seeded);
    } finally {
      await client.end();
    }
    server = createSubgraphServer(innovationsSubgraph, { development: false, exposeStatementCount: false });
    await server.start();
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await innovations?.close();
    await database?.drop();
  });

  /**
   * Runs one anonymous request; returns its data and the statements it sent, each with its plan
   * (`explain` says how: with ANALYZE, the plan says which parts ran).
   */
  async function run(query: string, variables: Record<string, unknown> = {}, explain = 'EXPLAIN') {
    const sent: { text: string; values: unknown[] }[] = [];
    const original = Client.prototype.query;
    const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: any[]) {
      const [first, values] = args;
      const text: unknown = typeof first === 'string' ? first : first?.text;
      if (typeof text === 'string' && /^\s*(WITH|SELECT)/i.test(text) && !/^\s*SELECT 1\s*$/.test(text)) {
        sent.push({ text, values: Array.isArray(values) ? values : [] });
      }
      return (original as any).apply(this, args);
    });
    let result;
    try {
      result = await server.executeOperation(
        { query, variables },
        { contextValue: innovationsSubgraph.createContext({ dataSource: innovations.dataSource, viewer: null }) },
      );
    } finally {
      spy.mockRestore();
    }
    if (result.body.kind !== 'single') throw new Error('Expected a single result');
    expect(result.body.singleResult.errors).toBeUndefined();
    const plans: string[] = [];
    for (const statement of sent) {
      const rows: { 'QUERY PLAN': string }[] = await innovations.dataSource.query(`${explain} ${statement.text}`, statement.values);
      plans.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
    }
    return { data: result.body.singleResult.data as any, plans };
  }

  const search = `query ($search: String) {
    innovations(search: $search, first: 20) { totalCount totalCountIsEstimate edges { node { id title } } } }`;

  it('filters a selective search through the innovation_search GIN index', async () => {
    // Titles end with their row number: "14321" is in one title (and is a prefix of no other).
    const query = innovations.dataSource.getRepository(Innovation).createQueryBuilder('innovation');
    applySearch(query, readSearch('14321'));
    const [sql, parameters] = query.getQueryAndParameters();
    const plan: { 'QUERY PLAN': string }[] = await innovations.dataSource.query(`EXPLAIN ${sql}`, parameters);
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toContain('innovation_search');
    expect(await query.getCount()).toBeGreaterThanOrEqual(1);
  });

  it('searches for a rare word through the GIN index, counting it in the page statement', async () => {
    const { plans } = await run(search, { search: rareWord });
    expect(plans).toHaveLength(1);
    expect(plans[0]).toContain('innovation_search');
    expect(plans[0]).not.toMatch(fullScanOfInnovations);
  });

  it('searches for a common word through the GIN index, estimating its count in the same statement', async () => {
    const { plans } = await run(search, { search: 'sensor' });
    expect(plans).toHaveLength(1);
    expect(plans[0]).toContain('innovation_search');
    expect(plans[0]).not.toMatch(fullScanOfInnovations);
  });

  it('reads a common word from the first tiers of the search index, and a rare word from every tier', async () => {
    // The tier index scans that ran, in order: "Bitmap Index Scan on innovation_search_tier_N (actual …)";
    // one that never started says "(never executed)" instead.
    const tiersRead = (plan: string) =>
      [...plan.matchAll(/Bitmap Index Scan on innovation_search_tier_(\d+) \(actual/g)].map((match) => Number(match[1]));
    const explain = 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)';
    // "sensor" is in about a quarter of the 45,000: the window of 1,001 fills in the tier where the
    // approved matches of the tiers so far first pass 1,000, and the tiers after it are never read.
    const perTier: { tier: number; matches: number }[] = await innovations.dataSource.query(
      `SELECT search_tier AS tier, count(*)::int AS matches FROM innovations.innovation
        WHERE status = 'APPROVED' AND search_vector @@ to_tsquery('english', 'sensor') GROUP BY 1 ORDER BY 1`,
    );
    let sofar = 0;
    const lastTier = perTier.find((tier) => (sofar += tier.matches) > EXACT_UP_TO)!.tier;
    expect(lastTier).toBeGreaterThan(0);
    expect(lastTier).toBeLessThan(SEARCH_TIERS - 1);
    const common = await run(search, { search: 'sensor' }, explain);
    expect(common.data.innovations.edges).toHaveLength(20);
    expect(tiersRead(common.plans[0]!)).toEqual(Array.from({ length: lastTier + 1 }, (_, tier) => tier));
    expect(common.plans[0]).toContain('never executed');
    // The estimate: the matches in the tiers read in full, scaled up by their share of the catalogue.
    const inFull = perTier.filter((tier) => tier.tier < lastTier).reduce((sum, tier) => sum + tier.matches, 0);
    expect(common.data.innovations).toMatchObject({
      totalCount: Math.round((inFull * 32) / 2 ** (lastTier - 1)),
      totalCountIsEstimate: true,
    });
    // Its count is estimated from the tiers read in full, not from a page sample.
    expect(common.plans[0]).not.toMatch(/Sample Scan on innovation .*\(actual rows=[1-9]/);

    const rare = await run(search, { search: rareWord }, explain);
    expect(tiersRead(rare.plans[0]!)).toEqual(Array.from({ length: SEARCH_TIERS }, (_, tier) => tier));
  });

  it('estimates a word in almost every innovation from a page sample, its window full within the first tier', async () => {
    // Every seeded description says "Field notes": tier 0 alone lists more than the window holds.
    const explain = 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)';
    const { data, plans } = await run(search, { search: 'field' }, explain);
    expect(plans[0]).toMatch(/Bitmap Index Scan on innovation_search_tier_0 \(actual/);
    expect(plans[0]).not.toMatch(/Bitmap Index Scan on innovation_search_tier_1 \(actual/);
    expect(plans[0]).toMatch(/Sample Scan on innovation .*\(actual rows=[1-9]/);
    const [{ truth }] = await innovations.dataSource.query(
      `SELECT count(*)::int AS truth FROM innovations.innovation WHERE status = 'APPROVED'`,
    );
    expect(data.innovations.totalCountIsEstimate).toBe(true);
    // A page sample of ~2,000 rows is ~200 pages: its share of the catalogue varies by ~7%.
    expect(Math.abs(data.innovations.totalCount - truth) / truth).toBeLessThan(0.3);
  });

  it('counts facets of a common word from the same tiers as its totalCount, in every order', async () => {
    const { data, plans } = await run(
      `query ($search: String) { innovations(search: $search, first: 5, orderBy: TITLE) {
        totalCount totalCountIsEstimate facets { isEstimate categories { value count } } } }`,
      { search: 'sensor' },
    );
    expect(plans).toHaveLength(2);
    for (const plan of plans) expect(plan).not.toMatch(fullScanOfInnovations);
    const ranked = (await run(search, { search: 'sensor' })).data.innovations;
    expect(data.innovations).toMatchObject({ totalCount: ranked.totalCount, totalCountIsEstimate: true, facets: { isEstimate: true } });
    // Each innovation has one category: the scaled-up category counts add up to the total, give or take rounding.
    const categories: { count: number }[] = data.innovations.facets.categories;
    const sum = categories.reduce((total, facet) => total + facet.count, 0);
    expect(Math.abs(sum - ranked.totalCount)).toBeLessThanOrEqual(categories.length);
  });

  it('spreads the catalogue over the search tiers, 1/32, 1/32, 2/32, 4/32, 8/32 and 16/32 of it, each with its partial index', async () => {
    const shares: { tier: number; innovations: number }[] = await innovations.dataSource.query(
      `SELECT search_tier AS tier, count(*)::int AS innovations FROM innovations.innovation GROUP BY 1 ORDER BY 1`,
    );
    const expected = [1, 1, 2, 4, 8, 16].map((parts) => (seeded * parts) / 32);
    expect(shares.map((share) => share.tier)).toEqual(Array.from({ length: SEARCH_TIERS }, (_, tier) => tier));
    // A hash of random ids: each tier within a few standard deviations of its share.
    shares.forEach((share, tier) => expect(Math.abs(share.innovations - expected[tier]!)).toBeLessThan(4 * Math.sqrt(expected[tier]!)));
    const indexes: { indexdef: string }[] = await innovations.dataSource.query(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'innovations' AND indexname LIKE 'innovation_search_tier_%' ORDER BY indexname`,
    );
    expect(indexes.map((index) => index.indexdef.match(/USING gin \(search_vector\) WHERE \(search_tier = (\d+)\)/)?.[1])).toEqual(
      Array.from({ length: SEARCH_TIERS }, (_, tier) => String(tier)),
    );
  });

  it('spells a prefix out as the words it stands for before reading the index', async () => {
    const [{ expanded }] = await innovations.dataSource.query(
      `SELECT innovations.search_match_query(to_tsquery('english', 'graph:* & sensor:*'))::text AS expanded`,
    );
    // The seeded words include "graphene" but no other word starting with "graph".
    expect(expanded).toBe(`'graphen' & 'sensor'`);
  });

  it('counts a rare word exactly, and a common one as a flagged estimate close to the truth', async () => {
    const exact = async (word: string) => {
      const query = innovations.dataSource
        .getRepository(Innovation)
        .createQueryBuilder('innovation')
        .where('innovation.status = :status', { status: 'APPROVED' });
      return applySearch(query, readSearch(word)).getCount();
    };
    const rare = (await run(search, { search: rareWord })).data.innovations;
    expect(rare).toMatchObject({ totalCount: await exact(rareWord), totalCountIsEstimate: false });

    const common = (await run(search, { search: 'sensor' })).data.innovations;
    const truth = await exact('sensor');
    expect(truth).toBeGreaterThan(EXACT_UP_TO);
    expect(common.totalCountIsEstimate).toBe(true);
    expect(Math.abs(common.totalCount - truth) / truth).toBeLessThan(0.3);
    // The ranked page estimates in its own statement, from the same sample the title order counts.
    const byTitle = (await run(search.replace('first: 20', 'first: 20, orderBy: TITLE'), { search: 'sensor' })).data.innovations;
    expect(byTitle).toEqual({ ...common, edges: byTitle.edges });
  });

  it('lists, counts and facets a filtered catalogue through indexes, with facets flagged as estimates', async () => {
    const { data, plans } = await run(
      `query ($filter: InnovationFilter) { innovations(filter: $filter, first: 20) {
        totalCount totalCountIsEstimate edges { node { id } }
        facets { isEstimate categories { value count } trls { value count } nations { value count } } } }`,
      { filter: { categories: ['POTHOLE_REPAIR', 'SURFACING_AND_MATERIALS', 'WINTER_SERVICE'], trlAtLeast: 4 } },
    );
    // The page, and one statement for both totalCount and facets.
    expect(plans).toHaveLength(2);
    for (const plan of plans) expect(plan).not.toMatch(fullScanOfInnovations);
    expect(plans[0]).toContain('innovation_title_id');
    expect(data.innovations.totalCountIsEstimate).toBe(true);
    expect(data.innovations.facets.isEstimate).toBe(true);
    // The same estimate as totalCount asked alone (its own counting statement).
    const countOnly = await run(
      `query ($filter: InnovationFilter) { innovations(filter: $filter, first: 20) { totalCount totalCountIsEstimate } }`,
      {
        filter: { categories: ['POTHOLE_REPAIR', 'SURFACING_AND_MATERIALS', 'WINTER_SERVICE'], trlAtLeast: 4 },
      },
    );
    expect(countOnly.data.innovations).toEqual({ totalCount: data.innovations.totalCount, totalCountIsEstimate: true });
    const categories = data.innovations.facets.categories.map((facet: { value: string }) => facet.value).sort();
    expect(categories).toEqual(['POTHOLE_REPAIR', 'SURFACING_AND_MATERIALS', 'WINTER_SERVICE']);
  });

  it('filters by confirmed evidence from the (status, category, trl) index, without reading evidence', async () => {
    const { data, plans } = await run(
      `query ($filter: InnovationFilter) { innovations(filter: $filter, first: 20) { totalCount edges { node { id } } } }`,
      { filter: { categories: ['POTHOLE_REPAIR', 'WINTER_SERVICE'], trlAtLeast: 6, hasConfirmedEvidence: true } },
    );
    expect(plans).toHaveLength(2);
    expect(plans[1]).toContain('Index Only Scan using innovation_status_category_trl');
    for (const plan of plans) expect(plan).not.toMatch(/ on evidence\b/);
    const [{ truth }] = await innovations.dataSource.query(
      `SELECT count(*)::int AS truth FROM innovations.innovation i
        WHERE i.status = 'APPROVED' AND i.category IN ('POTHOLE_REPAIR', 'WINTER_SERVICE') AND i.trl >= 6
          AND EXISTS (SELECT 1 FROM innovations.evidence e WHERE e.innovation_id = i.id AND e.confirmation = 'CONFIRMED')`,
    );
    // Exact while at most EXACT_UP_TO match, else an estimate near the truth.
    if (truth <= EXACT_UP_TO) expect(data.innovations.totalCount).toBe(truth);
    else expect(Math.abs(data.innovations.totalCount - truth) / truth).toBeLessThan(0.3);
  });

  it('pages Organisation.innovations per supplier by LATERAL … LIMIT on the (supplier_id, title, id) index', async () => {
    const { data, plans } = await run(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Organisation { innovations(first: 5) { totalCount totalCountIsEstimate edges { node { id } } } } } }`,
      { representations: demoSuppliers.map((supplier) => ({ __typename: 'Organisation', id: supplier.id })) },
    );
    expect(plans).toHaveLength(2);
    expect(plans[0]).toContain('innovation_supplier_title_id');
    expect(plans[1]).toContain('innovation_supplier_status');
    for (const plan of plans) expect(plan).not.toMatch(fullScanOfInnovations);
    for (const entity of data._entities) expect(entity.innovations.edges).toHaveLength(5);
  });
});
