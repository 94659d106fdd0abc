import { systemClock, type Clock } from '../../platform/clock';
import type { SubgraphModule } from '../../platform/subgraph-server';
import { createMembersContext, type MembersContext } from './context';
import { entities } from './entities';
import { addIdentityRoute } from './internal/identity.route';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { seedDemoData } from './seed';

/**
 * Members: organisations and the people in them. The clock is injected (main.ts: the system clock;
 * tests: a ManualClock they move, to pass an invitation's expiry).
 */
export function createMembersSubgraph({ clock }: { clock: Clock }): SubgraphModule<MembersContext> {
  return {
    name: 'members',
    resolvers,
    entities,
    migrations,
    createContext: (scope) => createMembersContext(scope, clock),
    seedDemoData,
    internalRoutes: addIdentityRoute,
  };
}

/** The module on the system clock. */
export const membersSubgraph = createMembersSubgraph({ clock: systemClock });
