import type { BaseContext } from '@apollo/server';
import { systemClock, type Clock } from '../platform/clock';
import { subgraphNames, type SubgraphName } from '../platform/subgraph-names';
import type { SubgraphModule } from '../platform/subgraph-server';

/** What each subgraph's `subgraphs/<name>/subgraph.ts` exports as `create<Name>Subgraph`. */
type SubgraphFactory = (dependencies: { clock: Clock }) => SubgraphModule<BaseContext>;

/** `events` → `createEventsSubgraph`. */
export function subgraphFactoryName(name: string): string {
  return `create${name[0]!.toUpperCase()}${name.slice(1)}Subgraph`;
}

/**
 * A registered subgraph's factory, found by the convention above rather than imported by hand:
 * adding a subgraph is its folder and its entry in the registry (platform/subgraph-names.ts),
 * nothing here.
 */
function subgraphFactory(name: SubgraphName): SubgraphFactory {
  // A require by name (synchronous, as the modules below are built at load); tsc and jest compile to CommonJS.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = (require(`./${name}/subgraph`) as Record<string, unknown>)[subgraphFactoryName(name)];
  if (typeof exported !== 'function') {
    throw new Error(`subgraphs/${name}/subgraph.ts must export ${subgraphFactoryName(name)}({ clock }) (${name} is in the registry)`);
  }
  return exported as SubgraphFactory;
}

/**
 * Every subgraph module by name, all on one clock: for running the whole graph in one process
 * (tests pass a ManualClock, so moving it moves time for every subgraph at once). Procurement has
 * no innovations directory here; whoever needs shortlisting replaces it.
 */
export function createSubgraphModules({ clock }: { clock: Clock }): Record<SubgraphName, SubgraphModule<BaseContext>> {
  return Object.fromEntries(subgraphNames.map((name) => [name, subgraphFactory(name)({ clock })])) as Record<
    SubgraphName,
    SubgraphModule<BaseContext>
  >;
}

/** Every subgraph module on the system clock (the benchmark, the HTTP test graphs). */
export const subgraphModules = createSubgraphModules({ clock: systemClock });
