import { openDatabase, type SubgraphDatabase } from '../platform/database';
import { subgraphNames } from '../platform/subgraph-names';
import { subgraphModules } from '../subgraphs';
import { testPool } from './support/subgraph-harness';
import { createTestDatabase, describeOnServer, type TestDatabase } from './support/test-database';

/**
 * Several replicas of a subgraph starting together against one PostgreSQL server migrate once
 * (issue 26 item 2): the schema and every migration are made by exactly one of them, and every
 * replica starts. On the server pass only: the embedded database belongs to one process.
 */
describeOnServer('replicas starting together', () => {
  let database: TestDatabase;
  const replicas: SubgraphDatabase[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await database.drop();
  });

  it('migrate once: three replicas of procurement at the same instant all start, each migration applied once', async () => {
    const { entities, migrations } = subgraphModules.procurement;
    const open = () =>
      openDatabase({
        schema: 'procurement',
        url: database.url,
        pool: { ...testPool, poolMax: 3 },
        entities,
        migrations,
        logErrors: false,
      });
    // Each subgraph lists its migrations as an array of classes (subgraphs/*/migrations/index.ts).
    const expected = Object.values(migrations).length;
    replicas.push(...(await Promise.all([open(), open(), open()])));
    await Promise.all(replicas.map((replica) => replica.migrate()));
    const applied = (await replicas[0]!.dataSource.query('SELECT name FROM procurement.migrations')) as { name: string }[];
    expect(applied).toHaveLength(expected);
    expect(new Set(applied.map((row) => row.name)).size).toBe(expected);
    for (const replica of replicas) expect(await replica.isReady()).toBe(true);
  });

  it('every subgraph opening one fresh database at the same instant in transaction pool mode (DB_POOL_MODE=transaction) starts', async () => {
    // DB_POOL_MODE=transaction writes the statement timeout as the role's default in the database,
    // one setting every subgraph sharing it writes: without a lock of its own two of them inserting
    // it at once fail on its unique index (as `npm run stack:replicas` did on its first start).
    const fresh = await createTestDatabase();
    try {
      const opened = await Promise.all(
        subgraphNames.map((name) =>
          openDatabase({
            schema: name,
            url: fresh.url,
            pool: { ...testPool, poolMax: 2, poolMode: 'transaction' },
            entities: subgraphModules[name].entities,
            migrations: subgraphModules[name].migrations,
            logErrors: false,
          }),
        ),
      );
      for (const opening of opened) await opening.close();
      expect(opened).toHaveLength(subgraphNames.length);
    } finally {
      await fresh.drop();
    }
  });
});
