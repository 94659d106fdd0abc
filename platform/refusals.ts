import type { GraphQLFieldResolver } from 'graphql';
import { databaseErrorFor, DomainError, ErrorCode } from './errors';

/**
 * Expected refusals are results, not errors (issue 23). Services keep saying "no" the one way they
 * always have, by throwing a `DomainError` (inside their transaction, so nothing is written);
 * `answerRefusalsInPayloads` wraps every `Mutation` resolver of a subgraph and turns such an error
 * into the payload's `refusal` (schema/refusals.graphql). Anything else, an anonymous caller
 * (UNAUTHENTICATED), an unavailable service or a bug, stays a GraphQL error.
 */

/** The codes a payload's `refusal` can carry: the RefusalCode enum. */
const refusalCodes: ReadonlySet<string> = new Set([
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.NOT_FOUND,
  ErrorCode.FORBIDDEN,
  ErrorCode.CONFLICT,
  ErrorCode.EMAIL_DOMAIN_NOT_ALLOWED,
]);

/** The refusal type each code is answered with, unless the error names a more specific one (`refusalType`). */
const refusalTypeByCode: Record<string, string> = {
  [ErrorCode.BAD_USER_INPUT]: 'InvalidInput',
  [ErrorCode.NOT_FOUND]: 'NotFound',
  [ErrorCode.FORBIDDEN]: 'NotAllowed',
  [ErrorCode.CONFLICT]: 'StateConflict',
  [ErrorCode.EMAIL_DOMAIN_NOT_ALLOWED]: 'EmailDomainNotAllowed',
};

/** What a `Refusal` field resolves from: the type to answer as, and the error's facts as fields. */
export interface RefusalModel {
  __typename: string;
  code: string;
  message: string;
  field: string | null;
  [fact: string]: unknown;
}

/** The refusal an error stands for, or undefined when it is not an expected refusal. */
export function refusalFor(error: unknown): RefusalModel | undefined {
  if (error instanceof DomainError) {
    const { code, refusalType, argument, field, ...facts } = error.extensions as Record<string, unknown>;
    if (typeof code !== 'string' || !refusalCodes.has(code)) return undefined;
    const typename = typeof refusalType === 'string' ? refusalType : refusalTypeByCode[code]!;
    const named = typeof field === 'string' ? field : typeof argument === 'string' ? argument : null;
    return { ...facts, __typename: typename, code, message: error.message, field: named };
  }
  // A constraint the input broke (a duplicate, a value out of range) is the caller's to fix too.
  const database = databaseErrorFor(error);
  if (database && refusalCodes.has(database.code)) {
    return { __typename: refusalTypeByCode[database.code]!, code: database.code, message: database.message, field: null };
  }
  return undefined;
}

type ResolverMap = Record<string, unknown>;

/**
 * The subgraph's resolvers with every `Mutation` field answering an expected refusal as
 * `{ refusal }`, plus the type resolution of the `Refusal` and `Conflict` interfaces. Applied by
 * platform/subgraph-server.ts to every subgraph, outside every other mutation rule (the
 * active-membership refusal included), so no mutation can answer a refusal the other way.
 */
export function answerRefusalsInPayloads<T extends object>(resolvers: T): T {
  const map = resolvers as ResolverMap;
  const mutation = map.Mutation as Record<string, unknown> | undefined;
  const wrapped: Record<string, unknown> = {};
  for (const [field, resolver] of Object.entries(mutation ?? {})) {
    const resolve = (typeof resolver === 'function' ? resolver : (resolver as { resolve?: unknown }).resolve) as
      GraphQLFieldResolver<unknown, unknown> | undefined;
    if (!resolve) {
      wrapped[field] = resolver;
      continue;
    }
    const answering: GraphQLFieldResolver<unknown, unknown> = async (source, args, context, info) => {
      try {
        return await resolve(source, args, context, info);
      } catch (error) {
        const refusal = refusalFor(error);
        if (!refusal) throw error;
        return { refusal };
      }
    };
    wrapped[field] = answering;
  }
  return {
    ...resolvers,
    ...(mutation ? { Mutation: wrapped } : {}),
    Refusal: { __resolveType: (refusal: RefusalModel) => refusal.__typename },
    Conflict: { __resolveType: (refusal: RefusalModel) => refusal.__typename },
  } as T;
}
