import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type OperationDefinitionNode } from 'graphql';
import { ErrorCode } from '../platform/errors';
import { unregisteredTokenMessage } from './authentication';
import type { GatewayContext } from './data-sources';

/** The root fields a newcomer may ask for: accepting the invitation sent to their address. */
const newcomerMutations = new Set(['acceptInvitation', '__typename']);

/** A mutation selecting only `newcomerMutations`, directly (no fragments: nothing to hide behind). */
function isNewcomerOperation(operation: OperationDefinitionNode | undefined): boolean {
  return (
    operation?.operation === 'mutation' &&
    operation.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && newcomerMutations.has(selection.name.value))
  );
}

/**
 * A newcomer (a valid token naming nobody registered yet; gateway/authentication.ts) may only
 * accept an invitation. Anything else gets what such a token always got: 401 UNAUTHENTICATED and
 * no data, so a client learns that its sign-in named nobody rather than silently seeing the
 * anonymous view. Runs once the operation is resolved (an operation that cannot be resolved is
 * refused the same way, never read).
 */
export function newcomerPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (!contextValue.newcomer) return;
      return {
        async didResolveOperation({ operation }) {
          if (isNewcomerOperation(operation)) return;
          throw new GraphQLError(unregisteredTokenMessage, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
        },
      };
    },
  };
}
