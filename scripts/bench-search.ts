import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { demoSuppliers } from '../demo-data/organisations';
import type { BenchConfig } from '../platform/config';
import { openDatabase, type SubgraphDatabase } from '../platform/database';
import { countStatements } from '../platform/statement-counter';
import { createSubgraphServer } from '../platform/subgraph-server';
import { innovationsSubgraph } from '../subgraphs/innovations/subgraph';
import { createScratchDatabase } from './scratch-database';

/**
 * `npm run bench -- --search`: the catalogue search on a PostgreSQL server, at three data sizes.
 * Innovations are bulk-inserted with one INSERT … SELECT generate_series each (not through the
 * API) into a throwaway database (then VACUUM ANALYZE, the state autovacuum keeps a live table
 * in), and each request below is sent by BENCH_CONNECTIONS concurrent callers, as an anonymous
 * caller, to the innovations subgraph in-process (no HTTP, no gateway: this is the cost of the
 * search itself):
 *   - a ranked text search (prefix words, relevance order) with totalCount;
 *   - a search for a common word, and for a rare one, with totalCount;
 *   - a filtered list (categories, TRL, confirmed evidence) with totalCount and every facet;
 *   - page 50 of the title order, by cursor;
 *   - `Organisation.innovations` (first 20, with totalCount) for every demo supplier at once.
 * Prints p50/p95 and SQL statements per request. Figures are printed, never asserted.
 */
/**
 * The target compares 100,000 with 1,000; 10,000 is between them because a search for a common word
 * matches fewer innovations than RELEVANCE ranks at most (RANKED_MATCHES) only in the smallest
 * catalogue, so 10,000 → 100,000 shows whether a ranked search's cost still grows once its window is full.
 */
export const searchBenchSizes = [1_000, 10_000, 100_000] as const;
/** Requests timed per scenario and size, after the warm-up ones (enough that p95 is not the luck of a few). */
const timedRequests = 500;
const warmupRequests = 20;
const pageSize = 20;
const cursorPage = 50;

const searchQuery = `query ($search: String) {
  innovations(search: $search, first: ${pageSize}) { totalCount totalCountIsEstimate edges { node { id title } } } }`;
/** In about one innovation in 2,000 (see bulkInsert): a search that must find few rows fast. */
export const rareWord = 'photoluminescent';

const scenarios = {
  'ranked text search': { query: searchQuery, variables: { search: 'graph binder' } },
  'search "sensor"': { query: searchQuery, variables: { search: 'sensor' } },
  [`search "${rareWord}"`]: { query: searchQuery, variables: { search: rareWord } },
  'filtered list with facets': {
    query: `query ($filter: InnovationFilter) { innovations(filter: $filter, first: ${pageSize}) {
      totalCount totalCountIsEstimate edges { node { id title } }
      facets { isEstimate categories { value count } trls { value count } nations { value count } certifications { value count } } } }`,
    variables: { filter: { categories: ['POTHOLE_REPAIR', 'SURFACING_AND_MATERIALS', 'WINTER_SERVICE'], trlAtLeast: 6, hasConfirmedEvidence: true } },
  },
  [`page ${cursorPage} by cursor`]: {
    query: `query ($after: String) { innovations(first: ${pageSize}, after: $after, orderBy: TITLE) { edges { node { id title } } } }`,
    variables: { after: null as string | null },
  },
  'supplier pages (all suppliers)': {
    query: `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Organisation { innovations(first: ${pageSize}) { totalCount edges { node { id title } } } } } }`,
    variables: { representations: demoSuppliers.map((supplier) => ({ __typename: 'Organisation', id: supplier.id })) },
  },
} as const;

const words = [
  'graphene', 'asphalt', 'binder', 'recycled', 'pothole', 'repair', 'thermal', 'LED', 'lighting', 'drainage', 'gully',
  'sensor', 'bridge', 'bearing', 'monitoring', 'signal', 'junction', 'safety', 'barrier', 'charging', 'kerbside',
  'gritting', 'brine', 'survey', 'lidar', 'cycle', 'lane', 'crossing', 'low-carbon', 'warm-mix', 'geogrid', 'sealant',
];
const categories = [
  'SURFACING_AND_MATERIALS', 'POTHOLE_REPAIR', 'STREET_LIGHTING', 'DRAINAGE_AND_FLOOD_RESILIENCE', 'BRIDGES_AND_STRUCTURES',
  'TRAFFIC_MANAGEMENT_AND_ITS', 'ROAD_SAFETY', 'EV_CHARGING_AND_DECARBONISATION', 'WINTER_SERVICE', 'ASSET_MANAGEMENT_AND_DATA',
  'ACTIVE_TRAVEL',
];
const sqlArray = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(', ')}]`;

/** Adds `count` innovations (about 80% APPROVED), with confirmed evidence for ~30% and certifications for ~20%. */
export async function bulkInsert(client: Client, count: number): Promise<void> {
  const word = (n: number) => `(${sqlArray(words)})[1 + floor(random() * ${words.length})::int]`;
  await client.query('SELECT setseed(0.42)');
  await client.query(`
    INSERT INTO innovations.innovation (supplier_id, title, summary, description, category, tags, trl, status, pricing_model, created_at)
    SELECT (${sqlArray(demoSuppliers.map((s) => s.id))})[1 + floor(random() * ${demoSuppliers.length})::int]::uuid,
           initcap(${word(1)} || ' ' || ${word(2)} || ' ' || ${word(3)}) || ' ' || g,
           'A ' || ${word(4)} || ' ' || ${word(5)} || ' for highway authorities.',
           'Deployed with ' || ${word(6)} || ' and ' || ${word(7)} || '; it reduces ' || ${word(8)} || ' costs. ' || repeat('Field notes. ', 20)
             || CASE WHEN random() < 0.0005 THEN ' ${rareWord[0]!.toUpperCase()}${rareWord.slice(1)} markings.' ELSE '' END,
           (${sqlArray(categories)})[1 + floor(random() * ${categories.length})::int],
           ARRAY[${word(9)}, ${word(10)}],
           1 + floor(random() * 9)::int,
           CASE WHEN random() < 0.8 THEN 'APPROVED' ELSE 'DRAFT' END,
           'PER_UNIT',
           now() - (g || ' minutes')::interval
      FROM generate_series(1, ${count}) g`);
  await client.query(`
    INSERT INTO innovations.evidence (innovation_id, kind, title, authority_id, started_on, confirmation, authority_nation)
    SELECT id, 'DEPLOYMENT', 'Deployment', gen_random_uuid(), date '2025-01-01', 'CONFIRMED',
           (ARRAY['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND'])[1 + floor(random() * 4)::int]
      FROM innovations.innovation i
     WHERE random() < 0.3 AND NOT EXISTS (SELECT 1 FROM innovations.evidence e WHERE e.innovation_id = i.id)`);
  await client.query(`
    INSERT INTO innovations.certification (innovation_id, scheme, issuer, reference, expires_on)
    SELECT id, (ARRAY['HAPAS', 'UKCA', 'ISO 9001'])[1 + floor(random() * 3)::int], 'BBA', 'REF', date '2020-01-01' + (floor(random() * 4000)::int)
      FROM innovations.innovation i
     WHERE random() < 0.2 AND NOT EXISTS (SELECT 1 FROM innovations.certification c WHERE c.innovation_id = i.id)`);
  // As autovacuum would: statistics, the visibility map (index-only scans) and the GIN pending list.
  await client.query('VACUUM ANALYZE innovations.innovation, innovations.evidence, innovations.certification, innovations.search_lexeme');
  // The load's dirty pages written out now, not by a checkpoint in the middle of a measurement (seen:
  // one run's 100,000-row figures four times the next run's).
  await client.query('CHECKPOINT');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Row {
  size: number;
  scenario: string;
  p50: number;
  p95: number;
  statements: number;
}

async function measureSize(database: SubgraphDatabase, size: number, connections: number): Promise<Row[]> {
  const server = createSubgraphServer(innovationsSubgraph, { development: false, exposeStatementCount: false });
  await server.start();
  const run = async (query: string, variables: Record<string, unknown>) => {
    const { result, statements } = await countStatements(() =>
      server.executeOperation({ query, variables }, { contextValue: innovationsSubgraph.createContext({ dataSource: database.dataSource, viewer: null }) }),
    );
    if (result.body.kind !== 'single' || result.body.singleResult.errors) {
      throw new Error(`Search benchmark request failed: ${JSON.stringify(result.body).slice(0, 500)}`);
    }
    return { data: result.body.singleResult.data as any, statements };
  };
  try {
    // The cursor at the end of page 49, walked to once.
    let after: string | null = null;
    for (let page = 1; page < cursorPage; page += 1) {
      const walk = `query ($after: String) { innovations(first: ${pageSize}, after: $after, orderBy: TITLE) { pageInfo { endCursor } } }`;
      after = (await run(walk, { after })).data.innovations.pageInfo.endCursor;
    }
    const rows: Row[] = [];
    for (const [scenario, { query, variables }] of Object.entries(scenarios)) {
      const vars = scenario.startsWith('page') ? { after } : variables;
      for (let i = 0; i < warmupRequests; i += 1) await run(query, vars);
      const latencies: number[] = [];
      let statements = 0;
      let sent = 0;
      // `connections` callers, each sending its next request as soon as the last one is answered.
      const caller = async () => {
        while (sent < timedRequests) {
          sent += 1;
          const started = performance.now();
          statements = Math.max(statements, (await run(query, vars)).statements);
          latencies.push(performance.now() - started);
        }
      };
      await Promise.all(Array.from({ length: connections }, caller));
      latencies.sort((a, b) => a - b);
      rows.push({ size, scenario, p50: percentile(latencies, 50), p95: percentile(latencies, 95), statements });
    }
    return rows;
  } finally {
    await server.stop();
  }
}

/** Per scenario: p95 at the largest size over p95 at the smallest (target ≤ 2×), and whether SQL per request stayed the same. */
function printTargets(rows: Row[]): void {
  const smallest = searchBenchSizes[0];
  const largest = searchBenchSizes[searchBenchSizes.length - 1]!;
  const ratio = `p95 ${largest.toLocaleString('en-GB')} ÷ ${smallest.toLocaleString('en-GB')}`;
  console.log(`\n${'scenario'.padEnd(34)}${ratio.padStart(20)}${'SQL/req at every size'.padStart(24)}`);
  const misses: string[] = [];
  for (const scenario of Object.keys(scenarios)) {
    const measured = rows.filter((row) => row.scenario === scenario);
    const p95 = (size: number) => measured.find((row) => row.size === size)!.p95;
    const times = p95(largest) / p95(smallest);
    const statements = [...new Set(measured.map((row) => row.statements))];
    const sameStatements = statements.length === 1;
    if (times > 2 || !sameStatements) misses.push(scenario);
    console.log(`${scenario.padEnd(34)}${`${times.toFixed(2)}× ${times <= 2 ? '✓' : '✗'}`.padStart(20)}${`${statements.join(' / ')} ${sameStatements ? '✓' : '✗'}`.padStart(24)}`);
  }
  console.log(misses.length ? `Targets not met on: ${misses.join('; ')}\n` : 'Targets met: p95 within 2×, SQL per request unchanged\n');
}

export async function runSearchBenchmark(config: BenchConfig): Promise<void> {
  const scratch = await createScratchDatabase(config.searchServerUrl, `search_scale_bench_${randomBytes(4).toString('hex')}`);
  const client = new Client({ connectionString: scratch.url });
  let database: SubgraphDatabase | undefined;
  try {
    database = await openDatabase({
      schema: 'innovations',
      url: scratch.url,
      pool: { poolMax: config.connections, statementTimeoutMs: 120_000, connectionTimeoutMs: 5_000 },
      entities: innovationsSubgraph.entities,
      migrations: innovationsSubgraph.migrations,
      logErrors: true,
    });
    await database.migrate();
    await client.connect();
    const rows: Row[] = [];
    let inserted = 0;
    for (const size of searchBenchSizes) {
      const started = performance.now();
      await bulkInsert(client, size - inserted);
      inserted = size;
      console.log(`Seeded ${size.toLocaleString('en-GB')} innovations in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      rows.push(...(await measureSize(database, size, config.connections)));
    }
    const fmt = (n: number) => n.toFixed(1).padStart(9);
    console.log(`\nSearch benchmark — PostgreSQL server, innovations subgraph in-process, anonymous caller, ${timedRequests} requests each from ${config.connections} concurrent callers`);
    console.log(`${'innovations'.padEnd(13)}${'scenario'.padEnd(34)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'SQL/req'.padStart(9)}`);
    for (const row of rows) {
      console.log(`${row.size.toLocaleString('en-GB').padEnd(13)}${row.scenario.padEnd(34)}${fmt(row.p50)}${fmt(row.p95)}${String(row.statements).padStart(9)}`);
    }
    printTargets(rows);
  } finally {
    await database?.close();
    await client.end().catch(() => {});
    await scratch.drop();
  }
}
