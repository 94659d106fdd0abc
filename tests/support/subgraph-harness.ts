import type { BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { DataSource } from 'typeorm';
import { ManualClock, type Clock } from '../../platform/clock';
import { openDatabase } from '../../platform/database';
import type { Identity, SignInClaims } from '../../platform/identity';
import { countStatements } from '../../platform/statement-counter';
import { createSubgraphServer, type SubgraphModule } from '../../platform/subgraph-server';

export interface OperationResult<TData> {
  data?: TData | null;
  errors?: readonly GraphQLFormattedError[];
  /** SQL statements the operation ran. */
  statements: number;
}

export interface TestSubgraph {
  dataSource: DataSource;
  /**
   * Runs an operation as `viewer` (anonymous when omitted), as if the gateway had asserted it;
   * `newcomer` is a verified token's claims for someone not registered yet (accepting an invitation).
   */
  execute<TData = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    viewer?: Identity,
    newcomer?: SignInClaims,
  ): Promise<OperationResult<TData>>;
  stop(): Promise<void>;
}

/** A test subgraph the harness built from its factory, on a clock the test moves. */
export interface ClockedTestSubgraph extends TestSubgraph {
  clock: ManualClock;
}

/** Pools of the test databases; `TEST_DATABASE_POOL_MODE=transaction` when TEST_DATABASE_URL is a PgBouncer in transaction mode. */
export const testPool = {
  poolMax: 5,
  statementTimeoutMs: 10_000,
  connectionTimeoutMs: 5_000,
  poolMode: process.env.TEST_DATABASE_POOL_MODE === 'transaction' ? ('transaction' as const) : ('session' as const),
};

/** A Monday with no bank holiday near it: where a test's clock starts unless it says otherwise. */
export const defaultTestNow = '2026-11-30T09:00:00Z';

/** A subgraph's module factory (`createMembersSubgraph`, …): the module built on the clock it is given. */
export type SubgraphFactory<TContext extends BaseContext> = (platform: { clock: Clock }) => SubgraphModule<TContext>;

/**
 * A subgraph as production builds it (its migrations, its ApolloServer with production error
 * masking) over a test database, executed in-process through `executeOperation`. Given the
 * subgraph's factory, it builds the module on a ManualClock (starting at `options.now`, else
 * `defaultTestNow`) and returns that clock, so the test moves time through the production path.
 * Given a built module, the module keeps the clock it was built with.
 */
export async function startTestSubgraph<TContext extends BaseContext>(
  factory: SubgraphFactory<TContext>,
  url: string,
  options?: { now?: string },
): Promise<ClockedTestSubgraph>;
export async function startTestSubgraph<TContext extends BaseContext>(module: SubgraphModule<TContext>, url: string): Promise<TestSubgraph>;
export async function startTestSubgraph<TContext extends BaseContext>(
  build: SubgraphModule<TContext> | SubgraphFactory<TContext>,
  url: string,
  options: { now?: string } = {},
): Promise<TestSubgraph & { clock?: ManualClock }> {
  const clock = typeof build === 'function' ? new ManualClock(options.now ?? defaultTestNow) : undefined;
  const module = typeof build === 'function' ? build({ clock: clock! }) : build;
  const database = await openDatabase({
    schema: module.name,
    url,
    pool: testPool,
    entities: module.entities,
    migrations: module.migrations,
    logErrors: false,
  });
  await database.migrate();
  const server = createSubgraphServer(module, { development: false, exposeStatementCount: true });
  await server.start();
  return {
    clock,
    dataSource: database.dataSource,
    async execute<TData>(query: string, variables?: Record<string, unknown>, viewer: Identity = null, newcomer?: SignInClaims) {
      const { result, statements } = await countStatements(() =>
        server.executeOperation<TData>(
          { query, variables },
          { contextValue: module.createContext({ dataSource: database.dataSource, viewer, newcomer: newcomer ?? null }) },
        ),
      );
      if (result.body.kind !== 'single') throw new Error('Expected a single result');
      return { data: result.body.singleResult.data, errors: result.body.singleResult.errors, statements };
    },
    async stop() {
      await server.stop();
      await database.close();
    },
  };
}
