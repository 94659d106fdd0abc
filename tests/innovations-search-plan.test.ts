import { Client } from 'pg';
import { bulkInsert } from '../scripts/bench-search';
import { loadTestDatabaseUrl } from '../platform/config';
import { openDatabase, type SubgraphDatabase } from '../platform/database';
import { Innovation } from '../subgraphs/innovations/entities';
import { innovationsSubgraph } from '../subgraphs/innovations/subgraph';
import { applySearch, readSearch } from '../subgraphs/innovations/services/innovation-search';
import { testPool } from './support/subgraph-harness';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * The search uses the GIN index on the stored tsvector: the plan PostgreSQL chooses for the very
 * query the service builds, on a seeded and analysed table. Only on the server pass: PGlite's
 * planner sees the same SQL, but the index choice is what production runs.
 */
const onServer = loadTestDatabaseUrl(process.env) !== undefined;
/** Enough rows that a selective search is cheaper through the index than by a sequential scan. */
const seeded = 20_000;

(onServer ? describe : describe.skip)('search plan (PostgreSQL server only)', () => {
  let database: TestDatabase;
  let innovations: SubgraphDatabase;

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
  }, 120_000);
  afterAll(async () => {
    await innovations?.close();
    await database?.drop();
  });

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
});
