import { isScalarType, type GraphQLSchema } from 'graphql';
import { DateScalar, DateTimeScalar } from '../platform/scalars';

/** The custom scalars the subgraphs implement (platform/scalars.ts), by name. */
const implementations = [DateTimeScalar, DateScalar];

/**
 * Gives the gateway's schema the subgraphs' own parsers for the custom scalars. The supergraph
 * declares `scalar DateTime` without an implementation, so the gateway took any value for one and
 * passed it on; the subgraph then refused the request as a whole (HTTP 400), which the gateway
 * reported as "the innovations service is unavailable" and counted as a subgraph failure
 * (issue 22). With the parsers, graphql-js refuses a malformed literal at validation (400
 * GRAPHQL_VALIDATION_FAILED) and a malformed variable before planning (400 BAD_USER_INPUT), as it
 * does for a built-in scalar, and no subgraph is called. Only parsing changes: the gateway passes
 * the client's variables on as they came, and serialising stays with the subgraphs.
 */
export function adoptScalarParsers(schema: GraphQLSchema): void {
  for (const implementation of implementations) {
    const declared = schema.getType(implementation.name);
    if (!isScalarType(declared)) continue;
    declared.parseValue = implementation.parseValue;
    declared.parseLiteral = implementation.parseLiteral;
  }
}
