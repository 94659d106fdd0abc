import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { demoSuppliers } from '../demo-data/organisations';
import type { BenchConfig } from '../platform/config';
import { openDatabase, type SubgraphDatabase } from '../platform/database';
import { countStatements } from '../platform/statement-counter';
import { createSubgraphServer } from '../platform/subgraph-server';
import { innovationsSubgraph } from '../subgraphs/innovations/subgraph';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';

/**
 * `npm run bench -- --search`: the catalogue search on a PostgreSQL server, at three data sizes.
 * Innovations are bulk-inserted with one INSERT … SELECT generate_series each (not through the
 * API) into a throwaway database per size (then VACUUM ANALYZE, the state autovacuum keeps a live
 * table in), and each request below is sent by BENCH_CONNECTIONS concurrent callers, as an anonymous
 * caller, to the innovations subgraph in-process (no HTTP, no gateway: this is the cost of the
 * search itself):
 *   - a ranked text search (prefix words, relevance order) with totalCount;
 *   - a search for a common word, and for a rare one, with totalCount;
 *   - a filtered list (categories, TRL, confirmed evidence) with totalCount and every facet;
 *   - page 50 of the title order, by cursor;
 *   - `Organisation.innovations` (first 20, with totalCount) for every demo supplier at once.
 * Prints p50/p95 (medians of `--rounds`, default 3) and SQL statements per request. Figures are
 * printed, never asserted.
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
    variables: {
      filter: { categories: ['POTHOLE_REPAIR', 'SURFACING_AND_MATERIALS', 'WINTER_SERVICE'], trlAtLeast: 6, hasConfirmedEvidence: true },
    },
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
  'graphene',
  'asphalt',
  'binder',
  'recycled',
  'pothole',
  'repair',
  'thermal',
  'LED',
  'lighting',
  'drainage',
  'gully',
  'sensor',
  'bridge',
  'bearing',
  'monitoring',
  'signal',
  'junction',
  'safety',
  'barrier',
  'charging',
  'kerbside',
  'gritting',
  'brine',
  'survey',
  'lidar',
  'cycle',
  'lane',
  'crossing',
  'low-carbon',
  'warm-mix',
  'geogrid',
  'sealant',
];
const categories = [
  'SURFACING_AND_MATERIALS',
  'POTHOLE_REPAIR',
  'STREET_LIGHTING',
  'DRAINAGE_AND_FLOOD_RESILIENCE',
  'BRIDGES_AND_STRUCTURES',
  'TRAFFIC_MANAGEMENT_AND_ITS',
  'ROAD_SAFETY',
  'EV_CHARGING_AND_DECARBONISATION',
  'WINTER_SERVICE',
  'ASSET_MANAGEMENT_AND_DATA',
  'ACTIVE_TRAVEL',
];
const sqlArray = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(', ')}]`;

/** Adds `count` innovations (about 80% APPROVED), with confirmed evidence for ~30% and certifications for ~20%. */
export async function bulkInsert(client: Client, count: number): Promise<void> {
  // A random word from the list: random() runs once per row at each place this expression appears.
  const word = `(${sqlArray(words)})[1 + floor(random() * ${words.length})::int]`;
  await client.query('SELECT setseed(0.42)');
  await client.query(`
    INSERT INTO innovations.innovation (supplier_id, title, summary, description, category, tags, trl, status, pricing_model, created_at)
    SELECT (${sqlArray(demoSuppliers.map((s) => s.id))})[1 + floor(random() * ${demoSuppliers.length})::int]::uuid,
           initcap(${word} || ' ' || ${word} || ' ' || ${word}) || ' ' || g,
           'A ' || ${word} || ' ' || ${word} || ' for highway authorities.',
           'Deployed with ' || ${word} || ' and ' || ${word} || '; it reduces ' || ${word} || ' costs. ' || repeat('Field notes. ', 20)
             || CASE WHEN random() < 0.0005 THEN ' ${rareWord[0]!.toUpperCase()}${rareWord.slice(1)} markings.' ELSE '' END,
           (${sqlArray(categories)})[1 + floor(random() * ${categories.length})::int],
           ARRAY[${word}, ${word}],
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

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/** One scenario measured once at one size. */
interface Measurement {
  size: number;
  scenario: string;
  p50: number;
  p95: number;
  statements: number;
}

/** A catalogue of one size in a database of its own, with the page-49 cursor walked to once. */
interface Catalogue {
  size: number;
  database: SubgraphDatabase;
  cursor?: string | null;
}

async function measureCatalogue(catalogue: Catalogue, connections: number): Promise<Measurement[]> {
  const server = createSubgraphServer(innovationsSubgraph, { development: false, exposeStatementCount: false });
  await server.start();
  const run = async (query: string, variables: Record<string, unknown>) => {
    const { result, statements } = await countStatements(() =>
      server.executeOperation(
        { query, variables },
        { contextValue: innovationsSubgraph.createContext({ dataSource: catalogue.database.dataSource, viewer: null }) },
      ),
    );
    if (result.body.kind !== 'single' || result.body.singleResult.errors) {
      throw new Error(`Search benchmark request failed: ${JSON.stringify(result.body).slice(0, 500)}`);
    }
    return { data: result.body.singleResult.data as any, statements };
  };
  try {
    if (catalogue.cursor === undefined) {
      let after: string | null = null;
      for (let page = 1; page < cursorPage; page += 1) {
        const walk = `query ($after: String) { innovations(first: ${pageSize}, after: $after, orderBy: TITLE) { pageInfo { endCursor } } }`;
        after = (await run(walk, { after })).data.innovations.pageInfo.endCursor;
      }
      catalogue.cursor = after;
    }
    const measured: Measurement[] = [];
    for (const [scenario, { query, variables }] of Object.entries(scenarios)) {
      const vars = scenario.startsWith('page') ? { after: catalogue.cursor } : variables;
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
      measured.push({ size: catalogue.size, scenario, p50: percentile(latencies, 50), p95: percentile(latencies, 95), statements });
    }
    return measured;
  } finally {
    await server.stop();
  }
}

/** A scenario at one size over every round: median p50 and p95, the p95 range, the statements seen. */
interface Summary {
  size: number;
  scenario: string;
  p50: number;
  p95: number;
  p95Range: [number, number];
  statements: number[];
}

function summarise(measurements: Measurement[]): Summary[] {
  const summaries: Summary[] = [];
  for (const size of searchBenchSizes) {
    for (const scenario of Object.keys(scenarios)) {
      const rounds = measurements.filter((m) => m.size === size && m.scenario === scenario);
      const p95s = rounds.map((m) => m.p95);
      summaries.push({
        size,
        scenario,
        p50: median(rounds.map((m) => m.p50)),
        p95: median(p95s),
        p95Range: [Math.min(...p95s), Math.max(...p95s)],
        statements: [...new Set(rounds.map((m) => m.statements))],
      });
    }
  }
  return summaries;
}

/**
 * Per scenario: median p95 at the largest size over median p95 at the smallest (target ≤ 2×), the
 * same for p50 (printed, not a target: it shows how much of the ratio is the tail), and whether SQL
 * per request stayed the same at every size and in every round.
 */
function printTargets(summaries: Summary[]): void {
  const smallest = searchBenchSizes[0];
  const largest = searchBenchSizes[searchBenchSizes.length - 1]!;
  const ratio = (p: string) => `${p} ${largest.toLocaleString('en-GB')} ÷ ${smallest.toLocaleString('en-GB')}`;
  console.log(`\n${'scenario'.padEnd(34)}${ratio('p95').padStart(20)}${ratio('p50').padStart(20)}${'SQL/req at every size'.padStart(24)}`);
  const misses: string[] = [];
  for (const scenario of Object.keys(scenarios)) {
    const measured = summaries.filter((row) => row.scenario === scenario);
    const at = (size: number) => measured.find((row) => row.size === size)!;
    const times = at(largest).p95 / at(smallest).p95;
    const p50Times = at(largest).p50 / at(smallest).p50;
    const statements = [...new Set(measured.flatMap((row) => row.statements))];
    const sameStatements = statements.length === 1;
    if (times > 2 || !sameStatements) misses.push(scenario);
    console.log(
      `${scenario.padEnd(34)}${`${times.toFixed(2)}× ${times <= 2 ? '✓' : '✗'}`.padStart(20)}${`${p50Times.toFixed(2)}×`.padStart(20)}` +
        `${`${statements.join(' / ')} ${sameStatements ? '✓' : '✗'}`.padStart(24)}`,
    );
  }
  console.log(misses.length ? `Targets not met on: ${misses.join('; ')}\n` : 'Targets met: p95 within 2×, SQL per request unchanged\n');
}

/**
 * Each size is seeded into a database of its own, then measured once per round, the sizes taking
 * turns in a rotating order: a slow spell of the machine (another process, a checkpoint, the
 * autovacuum launcher) then lands on one size's round, not on one size, and the median drops it.
 */
export async function runSearchBenchmark(config: BenchConfig, options: { rounds: number }): Promise<void> {
  const catalogues: (Catalogue & { scratch: ScratchDatabase })[] = [];
  try {
    for (const size of searchBenchSizes) {
      const scratch = await createScratchDatabase(config.searchServerUrl, `search_scale_bench_${randomBytes(4).toString('hex')}`);
      const database = await openDatabase({
        schema: 'innovations',
        url: scratch.url,
        pool: { poolMax: config.connections, statementTimeoutMs: 120_000, connectionTimeoutMs: 5_000 },
        entities: innovationsSubgraph.entities,
        migrations: innovationsSubgraph.migrations,
        logErrors: true,
      }).catch(async (error: unknown) => {
        await scratch.drop();
        throw error;
      });
      catalogues.push({ size, database, scratch });
      await database.migrate();
      const client = new Client({ connectionString: scratch.url });
      await client.connect();
      const started = performance.now();
      try {
        await bulkInsert(client, size);
      } finally {
        await client.end();
      }
      console.log(`Seeded ${size.toLocaleString('en-GB')} innovations in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const measurements: Measurement[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      const started = performance.now();
      for (let turn = 0; turn < catalogues.length; turn += 1) {
        measurements.push(...(await measureCatalogue(catalogues[(round + turn) % catalogues.length]!, config.connections)));
      }
      console.log(`round ${round + 1}/${options.rounds} done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    const summaries = summarise(measurements);
    const fmt = (n: number) => n.toFixed(1).padStart(9);
    console.log(
      `\nSearch benchmark — PostgreSQL server, innovations subgraph in-process, anonymous caller, ${timedRequests} requests each from ` +
        `${config.connections} concurrent callers, median of ${options.rounds} round(s)`,
    );
    console.log(
      `${'innovations'.padEnd(13)}${'scenario'.padEnd(34)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p95 range'.padStart(15)}${'SQL/req'.padStart(9)}`,
    );
    for (const row of summaries) {
      const range = `${row.p95Range[0].toFixed(1)}–${row.p95Range[1].toFixed(1)}`;
      console.log(
        `${row.size.toLocaleString('en-GB').padEnd(13)}${row.scenario.padEnd(34)}${fmt(row.p50)}${fmt(row.p95)}${range.padStart(15)}${row.statements.join(' / ').padStart(9)}`,
      );
    }
    printTargets(summaries);
  } finally {
    for (const catalogue of catalogues) {
      await catalogue.database.close();
      await catalogue.scratch.drop();
    }
  }
}
