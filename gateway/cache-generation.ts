import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type FormattedExecutionResult, type OperationDefinitionNode } from 'graphql';
import { ErrorCode, isKnownErrorCode } from '../platform/errors';
import type { GatewayContext } from './data-sources';

/**
 * The gateway's cache generation: a number that moves on whenever a write is applied. Everything
 * the gateway shares between requests (anonymous answers kept by gateway/public-response-cache.ts,
 * queries in flight shared by gateway/shared-in-flight-queries.ts, subgraph fetches in flight
 * shared by gateway/data-sources.ts) belongs to the generation its request started in, and is
 * never given to a request of a later one: an answer that may predate a write is not served
 * after that write was answered.
 *
 * An interface because one process is not the end of it: with several gateway replicas the
 * generation belongs in a store they share (Redis), so a write through one replica retires what
 * the others keep. In memory meanwhile.
 */
export interface CacheGeneration {
  /** The generation now. */
  current(): Promise<number>;
  /** A write was applied: what began before now is stale. */
  advance(): Promise<void>;
}

export class InMemoryCacheGeneration implements CacheGeneration {
  private generation = 0;

  current(): Promise<number> {
    return Promise.resolve(this.generation);
  }

  advance(): Promise<void> {
    this.generation += 1;
    return Promise.resolve();
  }
}

/**
 * Codes of errors that say a write was refused and rolled back (each mutation field is one
 * transaction). SERVICE_UNAVAILABLE (a subgraph that timed out may have committed), RESPONSE_TOO_LARGE
 * (committed, then the answer overflowed) and INTERNAL_SERVER_ERROR (anything) say nothing of the
 * sort: a write may have been applied.
 */
function isRefusal(code: unknown): boolean {
  return (
    isKnownErrorCode(code) &&
    code !== ErrorCode.SERVICE_UNAVAILABLE &&
    code !== ErrorCode.RESPONSE_TOO_LARGE &&
    code !== ErrorCode.INTERNAL_SERVER_ERROR
  );
}

/**
 * Whether a mutation's answer shows that nothing was written. Precisely:
 * - no `data` at all: the operation was refused before it ran (validation, operation limits,
 *   sign-in, variables) and only if every error is a refusal;
 * - otherwise, every root field of the operation was refused by its own resolver: an error whose
 *   path is exactly that field's response key, with a refusal code. A field that answered, an
 *   error deeper in a field's answer (the write happened, reading it back failed), a fragment or
 *   a skipped field at the root: something may have been written.
 * When in doubt, a write was applied: the cost of a wrong "applied" is a cache emptied once.
 */
export function mutationWroteNothing(operation: OperationDefinitionNode, result: FormattedExecutionResult | undefined): boolean {
  if (!result) return false;
  const errors = result.errors ?? [];
  if (result.data === undefined) return errors.length > 0 && errors.every((error) => isRefusal(error.extensions?.code));
  const refusedFields = new Set(
    errors.filter((error) => error.path?.length === 1 && isRefusal(error.extensions?.code)).map((error) => error.path![0]),
  );
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && refusedFields.has((selection.alias ?? selection.name).value),
  );
}

/**
 * Samples the generation when a request starts (into `contextValue.generation`, where the cache,
 * the in-flight sharing and the subgraph fetches read it) and moves it on once a mutation that
 * wrote something has been answered, before its answer is sent: a read that starts after the
 * client has the mutation's answer starts in the new generation. Refused mutations (an anonymous
 * caller's, a validation error, a forbidden action) change nothing and leave it alone, so they
 * cannot be used to empty the cache.
 */
export function cacheGenerationPlugin(generation: CacheGeneration): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      contextValue.generation = await generation.current();
      return {
        async willSendResponse({ operation, response }) {
          if (operation?.operation !== 'mutation') return;
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          if (!mutationWroteNothing(operation, result)) await generation.advance();
        },
      };
    },
  };
}
