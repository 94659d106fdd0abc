import type { SubgraphModule } from '../../platform/subgraph-server';
import { createInnovationsContext, type InnovationsContext } from './context';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { seedDemoData } from './seed';

/** Innovations: what suppliers offer, its vetting status, and each supplier's list of innovations. */
export const innovationsSubgraph: SubgraphModule<InnovationsContext> = {
  name: 'innovations',
  resolvers,
  entities,
  migrations,
  createContext: createInnovationsContext,
  seedDemoData,
};
