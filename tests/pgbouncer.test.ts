import { QueryFailedError } from 'typeorm';
import { openDatabase, type SubgraphDatabase } from '../platform/database';
import { subgraphModules } from '../subgraphs';
import { testPool } from './support/subgraph-harness';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Through PgBouncer in transaction mode (issue 26 item 3): CI runs this file, the races and the
 * cancellation tests with TEST_DATABASE_URL at a PgBouncer (`.ci/run`, `DB_POOL_MODE=transaction`).
 * PgBouncer refuses a `statement_timeout` start-up parameter and lends server sessions to any
 * client, so the statement timeout is the role's default in the database (platform/database.ts).
 */
const throughPgBouncer = process.env.TEST_DATABASE_POOL_MODE === 'transaction';
(throughPgBouncer ? describe : describe.skip)('a subgraph behind PgBouncer in transaction mode', () => {
  let database: TestDatabase;
  let subgraph: SubgraphDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { entities, migrations } = subgraphModules.events;
    subgraph = await openDatabase({
      schema: 'events',
      url: database.url,
      pool: { ...testPool, statementTimeoutMs: 400 },
      entities,
      migrations,
      logErrors: false,
    });
    await subgraph.migrate();
  });
  afterAll(async () => {
    await subgraph?.close();
    await database?.drop();
  });

  it('starts, and every server session it is lent runs under the statement timeout', async () => {
    // Several at once, so the pooler lends more than one server session.
    const timeouts = await Promise.all(
      Array.from({ length: 4 }, () => subgraph.dataSource.query(`SELECT current_setting('statement_timeout') AS timeout, pg_sleep(0.05)`)),
    );
    expect(timeouts.map(([row]: { timeout: string }[]) => row!.timeout)).toEqual(['400ms', '400ms', '400ms', '400ms']);
  });

  it('cancels a statement that runs past the timeout (SQLSTATE 57014)', async () => {
    const slow = subgraph.dataSource.query('SELECT pg_sleep(3)');
    await expect(slow).rejects.toBeInstanceOf(QueryFailedError);
    await expect(slow).rejects.toMatchObject({ driverError: { code: '57014' } });
  });
});
