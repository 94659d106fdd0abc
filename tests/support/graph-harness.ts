import type { GraphQLDataSource } from '@apollo/gateway';
import type { BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { createAuthenticator, createTokenVerifier } from '../../gateway/authentication';
import type { GatewayContext } from '../../gateway/data-sources';
import { mintDevelopmentToken } from '../../gateway/development-tokens';
import { startInProcessGraph } from '../../gateway/in-process';
import { loadGatewayConfig } from '../../platform/config';
import { openDatabase, type SubgraphDatabase } from '../../platform/database';
import type { Identity } from '../../platform/identity';
import { countStatements } from '../../platform/statement-counter';
import { subgraphNames, type SubgraphName } from '../../platform/subgraph-names';
import type { SubgraphModule } from '../../platform/subgraph-server';
import { subgraphModules } from '../../subgraphs';
import { testPool } from './subgraph-harness';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface GraphResult<TData> {
  data?: TData | null;
  errors?: readonly GraphQLFormattedError[];
  /** SQL statements the whole request ran, across every subgraph. */
  statements: number;
}

export interface TestGraph {
  /** Subgraphs the gateway fetched from during the last `execute`, in order. */
  lastPlan: SubgraphName[];
  databases: Record<SubgraphName, SubgraphDatabase>;
  /**
   * Runs an operation through the gateway. `authorization` is the raw Authorization header: it is
   * verified and looked up exactly as the HTTP gateway does (an invalid one throws
   * AuthenticationError, which HTTP turns into a 401).
   */
  execute<TData = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    authorization?: string,
  ): Promise<GraphResult<TData>>;
  /** A development bearer token for a seeded person. */
  tokenFor(email: string): Promise<string>;
  /** The gateway's sign-in: an Authorization header to an identity (for routes beside /graphql). */
  authenticate(authorization: string | undefined): Promise<Identity>;
  stop(): Promise<void>;
}

/**
 * The composed graph for end-to-end tests: every subgraph migrated and seeded with the demo data
 * in its own schema of one test database, behind the gateway running the committed supergraph.
 */
export async function startTestGraph(
  options: {
    overrideDataSource?: (name: SubgraphName) => GraphQLDataSource<GatewayContext> | undefined;
    /** Replaces some subgraph modules, e.g. events with a clock the test controls. */
    modules?: Partial<Record<SubgraphName, SubgraphModule<BaseContext>>>;
  } = {},
): Promise<TestGraph> {
  const database: TestDatabase = await createTestDatabase();
  const databases = {} as Record<SubgraphName, SubgraphDatabase>;
  for (const name of subgraphNames) {
    const module = options.modules?.[name] ?? subgraphModules[name];
    databases[name] = await openDatabase({
      schema: name,
      url: database.url,
      pool: testPool,
      entities: module.entities,
      migrations: module.migrations,
      logErrors: false,
    });
    await databases[name].migrate();
    await module.seedDemoData(databases[name].dataSource);
  }
  const plan: SubgraphName[] = [];
  const graph = await startInProcessGraph(databases, {
    development: false,
    onSubgraphRequest: (name) => plan.push(name),
    overrideDataSource: options.overrideDataSource,
    modules: options.modules,
  });
  const authentication = loadGatewayConfig({ NODE_ENV: 'test', IPS_PROFILE: 'development' }, subgraphNames).authentication;
  const authenticate = createAuthenticator(createTokenVerifier(authentication), graph.lookupIdentity);
  return {
    databases,
    tokenFor: (email) => mintDevelopmentToken(authentication, email),
    authenticate,
    get lastPlan() {
      return [...plan];
    },
    async execute<TData>(query: string, variables?: Record<string, unknown>, authorization?: string) {
      plan.length = 0;
      // Sign-in happens before the count: over HTTP the gateway caches identities, so the lookup
      // is not part of what a query costs.
      const viewer = await authenticate(authorization);
      const { result, statements } = await countStatements(() =>
        graph.gateway.executeOperation<TData>({ query, variables }, { contextValue: { viewer } }),
      );
      if (result.body.kind !== 'single') throw new Error('Expected a single result');
      return { data: result.body.singleResult.data, errors: result.body.singleResult.errors, statements };
    },
    async stop() {
      await graph.stop();
      for (const db of Object.values(databases)) await db.close();
      await database.drop();
    },
  };
}
