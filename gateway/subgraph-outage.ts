import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import {
  GraphQLError,
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode } from '../platform/errors';
import type { GatewayContext } from './data-sources';

/**
 * A subgraph that is down, hung or refusing the gateway fails a whole fetch. @apollo/gateway then
 * reports one error with no path and leaves every field the fetch would have filled missing, so a
 * client cannot tell which nulls the outage caused. This wrapper answers such a fetch as the
 * subgraph would have had each of those fields failed: one SERVICE_UNAVAILABLE error per field the
 * fetch asked for (each root field, or each field asked of each entity), which the gateway moves
 * to the field's place in the client's answer. The schema keeps those fields nullable (see the
 * README, "When a subgraph is down"), so each null stops at the field the subgraph owns.
 */
export function reportOutagesAtFields(dataSource: GraphQLDataSource<GatewayContext>): GraphQLDataSource<GatewayContext> {
  return {
    async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
      try {
        return await dataSource.process(options);
      } catch (error) {
        if (options.kind !== GraphQLDataSourceRequestKind.INCOMING_OPERATION || !isOutage(error)) throw error;
        const errors = outageErrorsAtFields(error, options.request.query, options.request.variables);
        if (errors.length === 0) throw error;
        return { errors } as GatewayGraphQLResponse;
      }
    },
  };
}

function isOutage(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && error.extensions.code === ErrorCode.SERVICE_UNAVAILABLE;
}

/**
 * The outage as errors at each field a subgraph fetch asked for, with subgraph-relative paths:
 * `[rootField]` for a root fetch, `['_entities', i, field]` for each representation of an entity
 * fetch (the gateway turns those into paths in the client's answer). `__typename` is left out: the
 * gateway knows it already.
 */
export function outageErrorsAtFields(
  outage: GraphQLError,
  query: string | undefined,
  variables: Record<string, unknown> | undefined,
): GraphQLFormattedError[] {
  if (!query) return [];
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return [];
  }
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return [];
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const error = (path: (string | number)[]): GraphQLFormattedError => ({ message: outage.message, path, extensions: outage.extensions });
  const entities = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  if (!entities || entities.kind !== Kind.FIELD || !entities.selectionSet) {
    return responseNames(operation.selectionSet, fragments, undefined).map((name) => error([name]));
  }
  const representations = Array.isArray(variables?.representations) ? (variables.representations as unknown[]) : [];
  return representations.flatMap((representation, index) => {
    const typename = (representation as { __typename?: unknown } | null)?.__typename;
    const fields = responseNames(entities.selectionSet!, fragments, typeof typename === 'string' ? typename : undefined);
    return fields.map((name) => error(['_entities', index, name]));
  });
}

/** Response names (aliases included) selected on `typename`, through fragments, without `__typename`. */
function responseNames(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  typename: string | undefined,
): string[] {
  const names = new Set<string>();
  const applies = (condition: string | undefined) => condition === undefined || typename === undefined || condition === typename;
  const collect = (selections: SelectionSetNode) => {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = (selection.alias ?? selection.name).value;
        if (selection.name.value !== '__typename') names.add(name);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value)) collect(selection.selectionSet);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && applies(fragment.typeCondition.name.value)) collect(fragment.selectionSet);
      }
    }
  };
  collect(selectionSet);
  return [...names];
}
