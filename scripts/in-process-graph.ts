import type { GraphQLDataSource } from '@apollo/gateway';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { loadOperationLimits, type OperationLimits } from '../platform/config';
import type { SubgraphDatabase } from '../platform/database';
import { subgraphNames, type SubgraphName } from '../platform/subgraph-names';
import { createSubgraphServer, type SubgraphModule } from '../platform/subgraph-server';
import { subgraphModules } from '../subgraphs';
import { signIn } from '../subgraphs/members/services/identity.service';
import type { IdentityLookup } from '../gateway/authentication';
import { InProcessDataSource, type GatewayContext } from '../gateway/data-sources';
import { createGatewayServer } from '../gateway/gateway';

export interface InProcessGraph {
  gateway: ApolloServer<GatewayContext>;
  /** Looks a signed-in caller up directly in the members database (no HTTP hop). */
  lookupIdentity: IdentityLookup;
  stop(): Promise<void>;
}

/**
 * The whole graph in one process: the gateway plans over the committed supergraph and executes
 * each fetch against the subgraph's ApolloServer directly. Same plan, same subgraph code, no HTTP.
 * For the tests' graph (tests/support/graph-harness.ts) and the benchmark; it lives here, not in
 * gateway/, because it assembles the subgraphs and the production gateway must not depend on them.
 */
export async function startInProcessGraph(
  databases: Record<SubgraphName, SubgraphDatabase>,
  options: {
    development: boolean;
    /** Called with the subgraph's name on every fetch the plan makes (tests assert on it). */
    onSubgraphRequest?: (name: SubgraphName) => void;
    /**
     * Replaces the in-process data source of some subgraphs (tests: a subgraph that is down). It is
     * given the in-process one, so a test can switch a subgraph off and on again in one graph.
     */
    overrideDataSource?: (
      name: SubgraphName,
      inProcess: GraphQLDataSource<GatewayContext>,
    ) => GraphQLDataSource<GatewayContext> | undefined;
    /** Defaults to the configured limits (their defaults unless the environment sets them). */
    limits?: OperationLimits;
    /** Replaces some subgraph modules (tests: a subgraph built with a controllable clock). */
    modules?: Partial<Record<SubgraphName, SubgraphModule<BaseContext>>>;
  },
): Promise<InProcessGraph> {
  const modules = { ...subgraphModules, ...options.modules };
  const subgraphServers = Object.fromEntries(
    subgraphNames.map((name) => [name, createSubgraphServer(modules[name], { ...options, exposeStatementCount: false })]),
  ) as Record<SubgraphName, ApolloServer>;
  await Promise.all(Object.values(subgraphServers).map((server) => server.start()));
  const gateway = createGatewayServer({
    dataSource: ({ name }) => {
      const subgraph = name as SubgraphName;
      const { dataSource } = databases[subgraph];
      const inProcess = new InProcessDataSource(subgraphServers[subgraph], (viewer, newcomer) => {
        options.onSubgraphRequest?.(subgraph);
        return modules[subgraph].createContext({ dataSource, viewer, newcomer });
      });
      return options.overrideDataSource?.(subgraph, inProcess) ?? inProcess;
    },
    development: options.development,
    exposeStatementCount: true,
    limits: options.limits ?? loadOperationLimits(process.env),
  });
  await gateway.start();
  return {
    gateway,
    lookupIdentity: (claims) => signIn(databases.members.dataSource, claims),
    async stop() {
      await gateway.stop();
      await Promise.all(Object.values(subgraphServers).map((server) => server.stop()));
    },
  };
}
