import { composeServices } from '@apollo/composition';
import { loadSubgraphTypeDefs } from '../platform/subgraph-schema';
import { defaultPorts, subgraphNames } from '../platform/subgraph-names';

/**
 * Composition hints we have read and accept, each with the reason. Any other hint fails
 * `npm run compose` and the composition test, so a new one is looked at rather than scrolled past.
 */
export const acknowledgedHints: { code: string; messageIncludes: string; why: string }[] = [];

export interface CompositionOutcome {
  supergraphSdl: string | undefined;
  errors: string[];
  unacknowledgedHints: string[];
}

/** Composes `schema/<subgraph>.graphql` (with the shared `schema/refusals.graphql`) into a supergraph with the default local routing URLs. */
export function composeSupergraph(): CompositionOutcome {
  const result = composeServices(
    subgraphNames.map((name) => ({
      name,
      url: `http://localhost:${defaultPorts[name]}/graphql`,
      typeDefs: loadSubgraphTypeDefs(name),
    })),
  );
  const hints = (result.hints ?? [])
    .filter((hint) => !acknowledgedHints.some((ack) => ack.code === hint.definition.code && hint.message.includes(ack.messageIncludes)))
    .map((hint) => `${hint.definition.code}: ${hint.message}`);
  if (result.errors) {
    return { supergraphSdl: undefined, errors: result.errors.map((e) => e.message), unacknowledgedHints: hints };
  }
  return { supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`, errors: [], unacknowledgedHints: hints };
}
