import type { SubgraphModule } from '../../platform/subgraph-server';
import { createProcurementContext, type ProcurementContext } from './context';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { seedDemoData } from './seed';

/** Procurement: the routes public bodies buy through, their lots, and which suppliers are admitted. */
export const procurementSubgraph: SubgraphModule<ProcurementContext> = {
  name: 'procurement',
  resolvers,
  entities,
  migrations,
  createContext: createProcurementContext,
  seedDemoData,
};
