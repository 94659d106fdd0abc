import type { BaseContext } from '@apollo/server';
import type { SubgraphName } from '../platform/subgraph-names';
import type { SubgraphModule } from '../platform/subgraph-server';
import { eventsSubgraph } from './events/subgraph';
import { innovationsSubgraph } from './innovations/subgraph';
import { membersSubgraph } from './members/subgraph';
import { procurementSubgraph } from './procurement/subgraph';

/** Every subgraph module by name: for running the whole graph in one process (tests, benchmark). */
export const subgraphModules: Record<SubgraphName, SubgraphModule<BaseContext>> = {
  members: membersSubgraph as SubgraphModule<BaseContext>,
  innovations: innovationsSubgraph as SubgraphModule<BaseContext>,
  procurement: procurementSubgraph as SubgraphModule<BaseContext>,
  events: eventsSubgraph as SubgraphModule<BaseContext>,
};
