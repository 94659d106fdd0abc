import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLArmorCallbackConfiguration } from '@escape.tech/graphql-armor-types';
import {
  GraphQLError,
  Kind,
  validate,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { OperationLimits } from '../platform/config';
import { ErrorCode } from '../platform/errors';
import { checkCostLimit } from './operation-cost';

/** Which limit an operation broke: the value of `extensions.limit` on the error. */
export type OperationLimit =
  | 'depth'
  | 'aliases'
  | 'directives'
  | 'fieldRepeats'
  | 'cost'
  // Counted before validation only (gateway/operation-prevalidation.ts).
  | 'tokens'
  | 'fields'
  | 'fragments';

export class OperationLimitError extends GraphQLError {
  constructor(limit: OperationLimit, maximum: number, message: string) {
    super(message, {
      // 400: the client must change the operation; retrying it as is will not help.
      extensions: { code: ErrorCode.OPERATION_LIMIT_EXCEEDED, limit, maximum, http: { status: 400 } },
    });
  }
}

/**
 * Apollo and graphql-armor turn a broken rule into a validation error with their own code; the
 * armor rules report through `onReject` instead, so each refusal gets OPERATION_LIMIT_EXCEEDED
 * and names its limit.
 */
function armor(
  limit: OperationLimit,
  maximum: number,
  found: OperationLimitError[],
  what: string,
): GraphQLArmorCallbackConfiguration & { n: number; exposeLimits: boolean } {
  return {
    n: maximum,
    exposeLimits: false,
    propagateOnRejection: false,
    onReject: [() => found.push(new OperationLimitError(limit, maximum, `The operation has more ${what} than the ${maximum} allowed.`))],
  };
}

/** graphql-cop's field duplication: `{ __typename __typename … }` repeated hundreds of times. */
function maxFieldRepeatsRule(maximum: number, found: OperationLimitError[]): ValidationRule {
  return (context: ValidationContext) => ({
    SelectionSet(node: SelectionSetNode) {
      const seen = new Map<string, number>();
      for (const selection of node.selections) {
        if (selection.kind !== Kind.FIELD) continue;
        const key = selection.alias?.value ?? selection.name.value;
        const times = (seen.get(key) ?? 0) + 1;
        seen.set(key, times);
        if (times === maximum + 1) {
          found.push(
            new OperationLimitError('fieldRepeats', maximum, `The field "${key}" is selected more than ${maximum} times in one place.`),
          );
        }
      }
      void context;
    },
  });
}

/**
 * The limits a document breaks by its shape alone (depth, aliases, directives, field repeats), if
 * any. Only these four linear rules run (none of graphql-js's own), so it is also safe, and cheap,
 * on a document that has not been validated (gateway/operation-prevalidation.ts).
 */
export function checkShapeLimits(limits: OperationLimits, schema: GraphQLSchema, document: DocumentNode): OperationLimitError | undefined {
  const found: OperationLimitError[] = [];
  validate(schema, document, [
    maxDepthRule(armor('depth', limits.maxDepth, found, 'levels of nesting')),
    // armor exempts aliases of __typename by default; graphql-cop's alias probe uses exactly those.
    maxAliasesRule({ ...armor('aliases', limits.maxAliases, found, 'aliases'), allowList: [] }),
    maxDirectivesRule(armor('directives', limits.maxDirectives, found, 'directives')),
    maxFieldRepeatsRule(limits.maxFieldRepeats, found),
  ]);
  return found[0];
}

/** `where` (an argument, a variable) refused for holding a string longer than `maxStringLength`. */
function oversized(maxStringLength: number, where: string): GraphQLError {
  return new GraphQLError(`${where} is longer than the ${maxStringLength} characters any input may have.`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, argument: where, http: { status: 400 } },
  });
}

/**
 * A backstop for every string input, present and future: no variable (here) or literal (below) may
 * be longer than `maxStringLength` (each service keeps its own, tighter, per-field limits).
 */
function findOversizedVariable(maxStringLength: number, variables: Record<string, unknown> | undefined): GraphQLError | undefined {
  const longIn = (value: unknown): boolean =>
    typeof value === 'string'
      ? value.length > maxStringLength
      : Array.isArray(value)
        ? value.some(longIn)
        : typeof value === 'object' && value !== null && Object.values(value).some(longIn);
  for (const [name, value] of Object.entries(variables ?? {})) if (longIn(value)) return oversized(maxStringLength, `$${name}`);
  return undefined;
}

/** The first string literal in the document longer than `maxStringLength`. */
function findOversizedLiteral(maxStringLength: number, document: DocumentNode): GraphQLError | undefined {
  let found: GraphQLError | undefined;
  visit(document, {
    // A variable's default value is a literal too (`query ($s: String = "…")`).
    VariableDefinition(node) {
      if (!found && node.defaultValue?.kind === Kind.STRING && node.defaultValue.value.length > maxStringLength) {
        found = oversized(maxStringLength, `$${node.variable.name.value}`);
      }
    },
    Argument(node) {
      if (!found && node.value.kind === Kind.STRING && node.value.value.length > maxStringLength)
        found = oversized(maxStringLength, node.name.value);
    },
    ObjectField(node) {
      if (!found && node.value.kind === Kind.STRING && node.value.value.length > maxStringLength)
        found = oversized(maxStringLength, node.name.value);
    },
    ListValue(node) {
      if (!found && node.values.some((v) => v.kind === Kind.STRING && v.value.length > maxStringLength))
        found = oversized(maxStringLength, 'a list');
    },
  });
  return found;
}

/**
 * Enforces the operation limits at the gateway after the operation is parsed and validated and
 * before the query plan calls any subgraph. Over HTTP the cheap counts (tokens, fields, fragments
 * and the shape limits) have already refused what they can before Apollo's validation
 * (gateway/operation-prevalidation.ts); this stays the backstop for every other path, and the only
 * place that sees variables and the schema (the string backstop, the cost).
 */
export function operationLimitsPlugin(limits: OperationLimits): ApolloServerPlugin<BaseContext> {
  // What the document alone decides (its shape and its string literals) is worked out once per
  // document: Apollo keeps each parsed, validated document and hands every request for the same
  // query text that same object, and under load these walks over the document were about a tenth
  // of the gateway's CPU. Only a pass is remembered (a refused document is checked again, and gets
  // an error of its own each time), per schema as validation is; variables are checked every time.
  const passed = new WeakMap<DocumentNode, GraphQLSchema>();
  const documentRefusal = (schema: GraphQLSchema, document: DocumentNode): GraphQLError | undefined => {
    if (passed.get(document) === schema) return undefined;
    const refusal = findOversizedLiteral(limits.maxStringLength, document) ?? checkShapeLimits(limits, schema, document);
    if (!refusal) passed.set(document, schema);
    return refusal;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          const broken =
            findOversizedVariable(limits.maxStringLength, request.variables) ??
            documentRefusal(schema, document) ??
            checkCostLimit(limits, schema, document, request.operationName ?? undefined, request.variables);
          if (broken) throw broken;
        },
      };
    },
  };
}
