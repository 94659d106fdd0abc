import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../platform/errors';

/**
 * A request whose `operationName` names no operation in the document, or that names none while
 * the document holds several, is refused with 400 OPERATION_RESOLUTION_FAILURE, as Apollo Server
 * answers it without a gateway. With a gateway Apollo resolves no operation, leaves
 * `requestContext.operation` undefined and hands on regardless: every later plugin would have to
 * guard against it, and one that did not turned client input into an HTTP 500 (issue 22). Refused
 * here, once, before anything else reads the operation.
 */
export function operationResolutionPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation) return;
          const name = request.operationName;
          throw new GraphQLError(
            name !== undefined && name !== null
              ? `Unknown operation named "${name.length > 100 ? `${name.slice(0, 100)}…` : name}".`
              : 'Must provide operation name if query contains multiple operations.',
            { extensions: { code: ErrorCode.OPERATION_RESOLUTION_FAILURE, http: { status: 400 } } },
          );
        },
      };
    },
  };
}
