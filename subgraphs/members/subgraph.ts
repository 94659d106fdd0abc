import type { SubgraphModule } from '../../platform/subgraph-server';
import { createMembersContext, type MembersContext } from './context';
import { entities } from './entities';
import { addIdentityRoute } from './internal/identity.route';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { seedDemoData } from './seed';

/** Members: organisations and the people in them. */
export const membersSubgraph: SubgraphModule<MembersContext> = {
  name: 'members',
  resolvers,
  entities,
  migrations,
  createContext: createMembersContext,
  seedDemoData,
  internalRoutes: addIdentityRoute,
};
