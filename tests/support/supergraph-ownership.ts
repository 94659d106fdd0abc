import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type TypeNode,
} from 'graphql';

/**
 * Which subgraph resolves which field, read from the composed supergraph's federation directives
 * (`@join__type` on each type, `@join__field` on fields that only some of them resolve), so tests
 * about outages follow the schema instead of a hand-kept list.
 */
export interface SupergraphOwnership {
  /** Subgraphs that resolve `Type.field` (external declarations left out). */
  resolvers(type: string, field: string): string[];
  /** Object types with fields, by name, with each field's type as written in the SDL. */
  types: Map<string, { fields: Map<string, TypeNode>; subgraphs: string[]; entity: boolean }>;
  /**
   * The subgraph an entity belongs to: the one resolving most of the fields no other subgraph
   * also resolves (members for Organisation, innovations for Innovation). Other subgraphs hold
   * references to it or contribute fields of their own.
   */
  owner(type: string): string | undefined;
}

const argument = (directive: ConstDirectiveNode, name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;

export function readOwnership(supergraphSdl: string): SupergraphOwnership {
  const document = parse(supergraphSdl);
  // join__Graph enum values (MEMBERS) to subgraph names (members).
  const graphNames = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const name = value.directives?.find((d) => d.name.value === 'join__graph');
      const named = name && argument(name, 'name');
      if (named?.kind === Kind.STRING) graphNames.set(value.name.value, named.value);
    }
  }
  const graphOf = (directive: ConstDirectiveNode) => {
    const graph = argument(directive, 'graph');
    return graph?.kind === Kind.ENUM ? graphNames.get(graph.value) : undefined;
  };

  const types: SupergraphOwnership['types'] = new Map();
  const fieldResolvers = new Map<string, string[]>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const joinTypes = (definition.directives ?? []).filter((d) => d.name.value === 'join__type');
    const subgraphs = joinTypes.map(graphOf).filter((g): g is string => g !== undefined);
    const entity = joinTypes.some((d) => argument(d, 'key') !== undefined);
    const fields = new Map<string, TypeNode>();
    for (const field of definition.fields ?? []) {
      fields.set(field.name.value, field.type);
      const joinFields = (field.directives ?? []).filter((d) => d.name.value === 'join__field');
      // Without @join__field every subgraph that defines the type resolves the field.
      const resolvedBy =
        joinFields.length === 0
          ? subgraphs
          : joinFields
              .filter((d) => {
                const external = argument(d, 'external');
                return !(external?.kind === Kind.BOOLEAN && external.value);
              })
              .map(graphOf)
              .filter((g): g is string => g !== undefined);
      fieldResolvers.set(`${definition.name.value}.${field.name.value}`, resolvedBy);
    }
    types.set(definition.name.value, { fields, subgraphs, entity });
  }

  const resolvers = (type: string, field: string) => fieldResolvers.get(`${type}.${field}`) ?? [];
  const owner = (type: string) => {
    const described = types.get(type);
    if (!described) return undefined;
    const counts = new Map<string, number>();
    for (const field of described.fields.keys()) {
      const by = resolvers(type, field);
      if (by.length === 1) counts.set(by[0]!, (counts.get(by[0]!) ?? 0) + 1);
    }
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    return ranked[0]?.[0] ?? described.subgraphs[0];
  };
  return { resolvers, types, owner };
}

export const namedType = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type));

/**
 * The schema fields a response path points at in an operation, as `Type.field` pairs: each string
 * segment is matched by response name (aliases included) through fragments; list indexes are
 * skipped. Several pairs when fragments on different types share a response name.
 */
export function fieldsAtPath(
  ownership: SupergraphOwnership,
  document: DocumentNode,
  path: readonly (string | number)[],
): { type: string; field: string }[] {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const rootType = operation.operation === 'mutation' ? 'Mutation' : 'Query';
  let scopes: { type: string; selectionSet: SelectionSetNode }[] = [{ type: rootType, selectionSet: operation.selectionSet }];
  let found: { type: string; field: string }[] = [];
  for (const segment of path) {
    if (typeof segment === 'number') continue;
    const matches: { type: string; node: FieldNode }[] = [];
    const collect = (type: string, selectionSet: SelectionSetNode) => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD && (selection.alias ?? selection.name).value === segment) matches.push({ type, node: selection });
        else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.typeCondition?.name.value ?? type, selection.selectionSet);
        else if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const fragment = fragments.get(selection.name.value);
          if (fragment) collect(fragment.typeCondition.name.value, fragment.selectionSet);
        }
      }
    };
    for (const scope of scopes) collect(scope.type, scope.selectionSet);
    found = matches.map(({ type, node }) => ({ type, field: node.name.value }));
    scopes = matches.flatMap(({ type, node }) => {
      const fieldType = ownership.types.get(type)?.fields.get(node.name.value);
      return node.selectionSet && fieldType ? [{ type: namedType(fieldType), selectionSet: node.selectionSet }] : [];
    });
  }
  return found;
}
