import { systemClock } from '../../platform/clock';
import type { SubgraphModule } from '../../platform/subgraph-server';
import { createInnovationsContext, type InnovationsContext, type InnovationsDependencies } from './context';
import { entities } from './entities';
import { migrations } from './migrations';
import { resolvers } from './resolvers';
import { seedDemoData } from './seed';

/**
 * Innovations: what suppliers offer, its vetting status, and each supplier's list of innovations.
 * The clock (and, for tests, the vetting rules) are injected: main.ts runs on the system clock and
 * the configured rules; tests move a ManualClock through this same path.
 */
export function createInnovationsSubgraph(dependencies: InnovationsDependencies): SubgraphModule<InnovationsContext> {
  return {
    name: 'innovations',
    resolvers,
    entities,
    migrations,
    createContext: (scope) => createInnovationsContext(scope, dependencies),
    seedDemoData,
  };
}

/** The module on the system clock and the configured rules. */
export const innovationsSubgraph = createInnovationsSubgraph({ clock: systemClock });
