import type { BaseContext } from '@apollo/server';
import { systemClock, type Clock } from '../platform/clock';
import type { SubgraphName } from '../platform/subgraph-names';
import type { SubgraphModule } from '../platform/subgraph-server';
import { createEventsSubgraph } from './events/subgraph';
import { createInnovationsSubgraph } from './innovations/subgraph';
import { createMembersSubgraph } from './members/subgraph';
import { unconfiguredInnovationDirectory } from './procurement/services/innovation-directory';
import { createProcurementSubgraph } from './procurement/subgraph';

/**
 * Every subgraph module by name, all on one clock: for running the whole graph in one process
 * (tests pass a ManualClock, so moving it moves time for every subgraph at once). Procurement has
 * no innovations directory here; whoever needs shortlisting replaces it.
 */
export function createSubgraphModules({ clock }: { clock: Clock }): Record<SubgraphName, SubgraphModule<BaseContext>> {
  return {
    members: createMembersSubgraph({ clock }) as SubgraphModule<BaseContext>,
    innovations: createInnovationsSubgraph({ clock }) as SubgraphModule<BaseContext>,
    procurement: createProcurementSubgraph({ clock, innovations: unconfiguredInnovationDirectory }) as SubgraphModule<BaseContext>,
    events: createEventsSubgraph({ clock }) as SubgraphModule<BaseContext>,
  };
}

/** Every subgraph module on the system clock (the benchmark, the HTTP test graphs). */
export const subgraphModules = createSubgraphModules({ clock: systemClock });
