import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getNullableType,
  isObjectType,
  Kind,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ResponsePath,
} from 'graphql';

/**
 * The response extension in which a subgraph says what its answer contains (issue 27 item 3), so
 * the gateway can keep an anonymous answer until something in it changes instead of emptying its
 * whole cache on every write (gateway/public-response-cache.ts). The gateway asks for it, with the
 * request extension of the same name set to `true`, only when it will use it (an anonymous query the
 * cache may keep, or a mutation): other answers cost no tagging and carry no tags. Its value is a list of tags:
 * - `Typename:key` for every entity (a type with a single-field `@key`) the answer holds, by the
 *   key the subgraph resolved it with (the object's own `id`, or the representation it was asked for);
 * - `subgraph:*` for everything whose membership cannot be told by ids: an entity in a list (a
 *   write can add to or drop from the list), any object that is not an entity (a connection with
 *   its `totalCount`, statistics, a payload), a root field that is not a lookup of one entity, and a
 *   lookup that found nothing (the write may create or reveal it).
 * - `subgraph` (the bare name) on every answer: it holds something this subgraph resolved.
 * A mutation's answer carries `subgraph:*` always (a write may change any list or count of its
 * subgraph) and the entities its payload returns, as the client selected them. A client that selects
 * no entity of the payload (only its `refusal`, or a non-entity part) leaves the subgraph unable to
 * say which it changed: the answer then names the bare `subgraph`, which drops every answer holding
 * anything from it. What a write changes without returning it (a side effect on another entity of
 * the same subgraph, outside any list) is not named: the cache's time to live bounds that. Subgraphs
 * never read each other's tables, so a write in one subgraph changes only what that subgraph
 * answers (domain events handled later are writes of their own, also bounded by the time to live).
 */
export const entityTagsExtension = 'entityTags';

/** The tag for everything in `subgraph` that ids cannot name. */
export function subgraphWideTag(subgraph: string): string {
  return `${subgraph}:*`;
}

/** The single key field of an entity type (`@key(fields: "id")`), or undefined for other types. */
function singleKeyField(type: GraphQLObjectType): string | undefined {
  for (const node of [type.astNode, ...(type.extensionASTNodes ?? [])]) {
    for (const directive of node?.directives ?? []) {
      if (directive.name.value !== 'key') continue;
      const fields = directive.arguments?.find((argument) => argument.name.value === 'fields')?.value;
      if (fields?.kind === Kind.STRING && /^\s*\w+\s*$/.test(fields.value)) return fields.value.trim();
    }
  }
  return undefined;
}

/** Whether the object at `path` is an element of a list (an `_entities` answer is not: it is one entity per representation). */
function inList(path: ResponsePath): boolean {
  for (let at: ResponsePath | undefined = path; at; at = at.prev) {
    if (typeof at.key === 'number' && !(at.prev?.key === '_entities' && at.prev.prev === undefined)) return true;
  }
  return false;
}

/**
 * Makes `schema` (a subgraph's, from buildSubgraphSchema) report what each answer contains, and
 * returns the plugin that puts the report in the answer's extensions. The objects are noted where
 * graphql-js completes them (each object type's `isTypeOf`, called once per object with the
 * request's context): no walk of the answer afterwards, no work per field.
 */
export function entityTagsPlugin(schema: GraphQLSchema, subgraph: string): ApolloServerPlugin<BaseContext> {
  const wide = subgraphWideTag(subgraph);
  const collected = new WeakMap<object, Set<string>>();
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  const keyFields = new Map<string, string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || roots.has(type) || type.name === '_Service') continue;
    const keyField = singleKeyField(type);
    if (keyField) keyFields.set(type.name, keyField);
    const original = type.isTypeOf;
    const name = type.name;
    // graphql-js asks isTypeOf to confirm each object it completes. Abstract types here resolve by
    // `__resolveType` or `__typename` (refusals, `_Entity`), so answering "yes" picks no type.
    type.isTypeOf = (value: unknown, context: unknown, info) => {
      const tags = collected.get(context as object);
      if (tags) {
        const key = keyField === undefined ? undefined : (value as Record<string, unknown> | null)?.[keyField];
        if (key === undefined || key === null) tags.add(wide);
        else {
          tags.add(`${name}:${String(key)}`);
          if (inList(info.path)) tags.add(wide);
        }
      }
      return original ? original(value, context, info) : true;
    };
  }
  const queryFields = schema.getQueryType()?.getFields() ?? {};

  /** Tags the operation's root fields call for, and the response keys of single-entity lookups. */
  const rootTags = (operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, tags: Set<string>) => {
    const lookups: string[] = [];
    if (operation.operation !== 'query') {
      tags.add(wide);
      return lookups;
    }
    for (const selection of operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) {
        tags.add(wide);
        continue;
      }
      const name = selection.name.value;
      if (name === '__typename' || name === '_service') continue;
      if (name === '_entities') {
        // Each representation names an entity even when the subgraph finds nothing for it.
        const argument = selection.arguments?.find((a) => a.name.value === 'representations')?.value;
        const representations = argument?.kind === Kind.VARIABLE ? variables?.[argument.name.value] : undefined;
        for (const representation of Array.isArray(representations) ? representations : [undefined]) {
          const { __typename: typename, ...keys } = (representation ?? {}) as Record<string, unknown>;
          const keyField = typeof typename === 'string' ? keyFields.get(typename) : undefined;
          const key = keyField === undefined ? undefined : keys[keyField];
          tags.add(key === undefined || key === null || typeof key === 'object' ? wide : `${typename as string}:${String(key)}`);
        }
        continue;
      }
      const type = queryFields[name] && getNullableType(queryFields[name].type);
      if (type && isObjectType(type) && keyFields.has(type.name)) lookups.push((selection.alias ?? selection.name).value);
      else tags.add(wide);
    }
    return lookups;
  };

  return {
    async requestDidStart({ contextValue, request }) {
      // Not asked for (gateway/answer-contents.ts): the objects are not noted, nothing is added.
      if ((request.extensions as Record<string, unknown> | undefined)?.[entityTagsExtension] !== true) return {};
      const tags = new Set<string>();
      collected.set(contextValue, tags);
      let lookups: string[] = [];
      let mutation = false;
      return {
        async didResolveOperation({ operation, request }) {
          mutation = operation?.operation === 'mutation';
          if (operation) lookups = rootTags(operation, request.variables, tags);
          else tags.add(wide);
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const data = result.data as Record<string, unknown> | null | undefined;
          if (lookups.some((key) => data?.[key] === null || data?.[key] === undefined)) tags.add(wide);
          if (!mutation) tags.add(subgraph);
          else if (![...tags].some((tag) => tag.includes(':') && tag !== wide)) tags.add(subgraph);
          result.extensions = { ...result.extensions, [entityTagsExtension]: [...tags] };
        },
      };
    },
  };
}
