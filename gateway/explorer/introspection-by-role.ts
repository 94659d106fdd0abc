import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, GraphQLError, visit, type DocumentNode } from 'graphql';
import { ErrorCode } from '../../platform/errors';
import { hasPlatformRole, type Identity } from '../../platform/identity';
import type { GatewayContext } from '../data-sources';

/**
 * Who may read the schema through introspection (and so the explorer's docs and autocompletion).
 * In development everyone; in production only analysts and platform admins, who explore the graph
 * for others. Everyone else is refused before execution, and, because Apollo's
 * `hideSchemaDetailsFromClientErrors` is on outside development, gets no "did you mean" field
 * suggestions either.
 */
export function mayIntrospect(viewer: Identity, development: boolean): boolean {
  return development || hasPlatformRole(viewer, 'ANALYST', 'PLATFORM_ADMIN');
}

/** Documents already looked at: Apollo hands every request for the same query text the same parsed document. */
const introspecting = new WeakMap<DocumentNode, boolean>();

/** True when any field anywhere in the document (fragments included) is `__schema` or `__type`. */
export function usesIntrospection(document: DocumentNode): boolean {
  let found = introspecting.get(document);
  if (found === undefined) introspecting.set(document, (found = findsIntrospection(document)));
  return found;
}

function findsIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Replaces Apollo's all-or-nothing `introspection` switch (the gateway sets it on and leaves the
 * decision to this plugin). The check runs once the operation is parsed and validated, with the
 * caller's identity already established by the gateway.
 */
export function introspectionByRolePlugin(options: { development: boolean }): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          if (!usesIntrospection(document) || mayIntrospect(contextValue.viewer ?? null, options.development)) return;
          throw new GraphQLError('Introspection is available to analysts and platform administrators only.', {
            extensions: { code: ErrorCode.FORBIDDEN, http: { status: 403 } },
          });
        },
      };
    },
  };
}
