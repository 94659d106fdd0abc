import type { GraphQLDataSource } from '@apollo/gateway';
import type { BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { createAuthenticator, createCallerAuthenticator, createTokenVerifier } from '../../gateway/authentication';
import type { GatewayContext } from '../../gateway/data-sources';
import { mintDevelopmentToken } from '../../gateway/development-tokens';
import { startInProcessGraph } from '../../scripts/in-process-graph';
import { loadGatewayConfig } from '../../platform/config';
import { openDatabase, type SubgraphDatabase } from '../../platform/database';
import type { Identity } from '../../platform/identity';
import { countStatements } from '../../platform/statement-counter';
import { subgraphNames, type SubgraphName } from '../../platform/subgraph-names';
import { createSubgraphModules } from '../../subgraphs';
import { defaultTestNow, testPool } from './subgraph-harness';
import { createSubgraphServer, type SubgraphModule } from '../../platform/subgraph-server';
import { ManualClock } from '../../platform/clock';
import { InProcessInnovationDirectory, type InnovationDirectory } from '../../subgraphs/procurement/services/innovation-directory';
import { createProcurementSubgraph } from '../../subgraphs/procurement/subgraph';

export { defaultTestNow };

/**
 * Procurement on the graph's clock, asking an innovations server in this process through
 * `_entities`, as the HTTP directory asks the real one (anonymous: approved innovations are public).
 */
function testProcurementModule(
  databases: Record<SubgraphName, SubgraphDatabase>,
  clock: ManualClock,
  innovations: SubgraphModule<BaseContext>,
) {
  const innovationsServer = createSubgraphServer(innovations, { development: false, exposeStatementCount: false });
  const directory = new InProcessInnovationDirectory(async (query, variables) => {
    const { body } = await innovationsServer.executeOperation(
      { query, variables },
      { contextValue: innovations.createContext({ dataSource: databases.innovations.dataSource, viewer: null }) },
    );
    if (body.kind !== 'single') throw new Error('Expected a single result');
    return body.singleResult as never;
  });
  return { innovationsServer, directory, module: createProcurementSubgraph({ clock, innovations: directory }) };
}
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
  /**
   * The graph's one clock: every subgraph reads it (deadlines, expiry, the time a change records).
   * It stands still until a test moves it.
   */
  clock: ManualClock;
  /** What procurement asks innovations through (in process, anonymous): for procurement's scheduled jobs a test ticks. */
  procurementInnovations: InnovationDirectory;
  stop(): Promise<void>;
}

/**
 * The composed graph for end-to-end tests: every subgraph migrated and seeded with the demo data
 * in its own schema of one test database, behind the gateway running the committed supergraph.
 */
export async function startTestGraph(
  options: {
    /** Replaces a subgraph's data source; given the in-process one, e.g. to switch a subgraph off and on. */
    overrideDataSource?: (
      name: SubgraphName,
      inProcess: GraphQLDataSource<GatewayContext>,
    ) => GraphQLDataSource<GatewayContext> | undefined;
    /** Where the graph's clock starts (default: a fixed working Monday, so deadlines are reproducible). */
    now?: string;
  } = {},
): Promise<TestGraph> {
  const database: TestDatabase = await createTestDatabase();
  const databases = {} as Record<SubgraphName, SubgraphDatabase>;
  const clock = new ManualClock(options.now ?? defaultTestNow);
  const onClock = createSubgraphModules({ clock });
  const procurement = testProcurementModule(databases, clock, onClock.innovations);
  const modules = {
    ...onClock,
    procurement: procurement.module as SubgraphModule<BaseContext>,
  };
  for (const name of subgraphNames) {
    const module = modules[name];
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
    modules,
  });
  await procurement.innovationsServer.start();
  const authentication = loadGatewayConfig({ NODE_ENV: 'test', IPS_PROFILE: 'development' }, subgraphNames).authentication;
  const authenticate = createAuthenticator(createTokenVerifier(authentication), graph.lookupIdentity);
  // As the HTTP gateway's `/graphql`: a valid token naming nobody registered yet is a newcomer.
  const authenticateCaller = createCallerAuthenticator(createTokenVerifier(authentication), graph.lookupIdentity);
  return {
    databases,
    tokenFor: (email) => mintDevelopmentToken(authentication, email),
    procurementInnovations: procurement.directory,
    authenticate,
    clock,
    get lastPlan() {
      return [...plan];
    },
    async execute<TData>(query: string, variables?: Record<string, unknown>, authorization?: string) {
      plan.length = 0;
      // Sign-in happens before the count, as over HTTP: there the identity lookup is its own request
      // to members (`/internal/identity`, no cache), made before the operation, and only the
      // operation's subgraph fetches report statements. So the lookup is not part of what a query costs.
      const { viewer, newcomer } = await authenticateCaller(authorization);
      const { result, statements } = await countStatements(() =>
        graph.gateway.executeOperation<TData>({ query, variables }, { contextValue: { viewer, newcomer } }),
      );
      if (result.body.kind !== 'single') throw new Error('Expected a single result');
      return { data: result.body.singleResult.data, errors: result.body.singleResult.errors, statements };
    },
    async stop() {
      await graph.stop();
      await procurement.innovationsServer.stop();
      for (const db of Object.values(databases)) await db.close();
      await database.drop();
    },
  };
}
