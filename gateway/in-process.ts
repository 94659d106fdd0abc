import type { GraphQLDataSource } from '@apollo/gateway';
import type { ApolloServer, BaseContext } from '@apollo/server';
import type { SubgraphDatabase } from '../platform/database';
import { subgraphNames, type SubgraphName } from '../platform/subgraph-names';
import { createSubgraphServer, type SubgraphModule } from '../platform/subgraph-server';
import { subgraphModules } from '../subgraphs';
import { findViewerByEmail } from '../subgraphs/members/services/identity.service';
import type { IdentityLookup } from './authentication';
import { InProcessDataSource, type GatewayContext } from './data-sources';
import { createGatewayServer } from './gateway';

export interface InProcessGraph {
  gateway: ApolloServer<GatewayContext>;
  /** Looks a signed-in caller up directly in the members database (no HTTP hop). */
  lookupIdentity: IdentityLookup;
  stop(): Promise<void>;
}

/**
 * The whole graph in one process: the gateway plans over the committed supergraph and executes
 * each fetch against the subgraph's ApolloServer directly. Same plan, same subgraph code, no HTTP.
 */
export async function startInProcessGraph(
  databases: Record<SubgraphName, SubgraphDatabase>,
  options: {
    development: boolean;
    /** Called with the subgraph's name on every fetch the plan makes (tests assert on it). */
    onSubgraphRequest?: (name: SubgraphName) => void;
    /** Replaces the in-process data source of some subgraphs (tests: a subgraph that is down). */
    overrideDataSource?: (name: SubgraphName) => GraphQLDataSource<GatewayContext> | undefined;
    /** Replaces some subgraph modules (tests: procurement with a controlled clock). */
    modules?: Partial<Record<SubgraphName, SubgraphModule<BaseContext>>>;
  },
): Promise<InProcessGraph> {
  const moduleOf = (name: SubgraphName) => options.modules?.[name] ?? subgraphModules[name];
  const subgraphServers = Object.fromEntries(
    subgraphNames.map((name) => [name, createSubgraphServer(moduleOf(name), { ...options, exposeStatementCount: false })]),
  ) as Record<SubgraphName, ApolloServer>;
  await Promise.all(Object.values(subgraphServers).map((server) => server.start()));
  const gateway = createGatewayServer({
    dataSource: ({ name }) => {
      const subgraph = name as SubgraphName;
      const override = options.overrideDataSource?.(subgraph);
      if (override) return override;
      const { dataSource } = databases[subgraph];
      return new InProcessDataSource(subgraphServers[subgraph], (viewer) => {
        options.onSubgraphRequest?.(subgraph);
        return moduleOf(subgraph).createContext({ dataSource, viewer });
      });
    },
    development: options.development,
    exposeStatementCount: true,
  });
  await gateway.start();
  return {
    gateway,
    lookupIdentity: (email) => findViewerByEmail(databases.members.dataSource, email),
    async stop() {
      await gateway.stop();
      await Promise.all(Object.values(subgraphServers).map((server) => server.stop()));
    },
  };
}
