import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type FormattedExecutionResult, type OperationDefinitionNode } from 'graphql';
import { ErrorCode, isKnownErrorCode } from '../platform/errors';
import { errorFields, logger } from '../platform/logger';
import type { GatewayContext } from './data-sources';

/**
 * The gateway's cache generation: a number that moves on whenever a write is applied. Everything
 * the gateway shares between requests (anonymous answers kept by gateway/public-response-cache.ts,
 * queries in flight shared by gateway/shared-in-flight-queries.ts, subgraph fetches in flight
 * shared by gateway/data-sources.ts) belongs to the generation its request started in, and is
 * never given to a request of a later one: an answer that may predate a write is not served
 * after that write was answered.
 *
 * With several gateway replicas the generation lives in the Redis they share (`RedisCacheGeneration`,
 * when REDIS_URL is set), so a write through one replica retires what every replica keeps at once;
 * one replica keeps it in memory.
 */
export interface CacheGeneration {
  /** The generation now; undefined when it cannot be known (its shared store is away): then nothing is shared. */
  current(): Promise<number | undefined>;
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

/** What `RedisCacheGeneration` needs of a Redis client (ioredis's `get` and `incr`). */
export interface GenerationStore {
  get(key: string): Promise<string | null>;
  incr(key: string): Promise<number>;
}

/**
 * The generation in Redis, read at the start of every request (one GET, well under a millisecond
 * on the same network) so a write answered by any replica is seen by the next request of every
 * other. Redis away: the generation is unknown, and the cache and the in-flight sharing are
 * bypassed (every request computes its own answer) until it is back; a write that cannot move the
 * generation on is logged, and each replica's kept answers still age out within the cache's TTL.
 */
export class RedisCacheGeneration implements CacheGeneration {
  constructor(
    private readonly redis: GenerationStore,
    private readonly key: string,
  ) {}

  async current(): Promise<number | undefined> {
    try {
      return Number((await this.redis.get(this.key)) ?? 0);
    } catch {
      return undefined;
    }
  }

  async advance(): Promise<void> {
    try {
      await this.redis.incr(this.key);
    } catch (error) {
      logger().error(
        errorFields(error),
        'cache generation: a write could not retire the shared caches (Redis away); they age out within their TTL',
      );
    }
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
 * - otherwise, every root field of the operation was refused: its payload carries a `refusal`
 *   (schema/refusals.graphql; a payload read without its `refusal` cannot say, so counts as
 *   written), or an error whose path is exactly that field's response key has a refusal code (an
 *   anonymous caller's). A field that answered, an error deeper in a field's answer (the write
 *   happened, reading it back failed), a fragment or a skipped field at the root: something may
 *   have been written.
 * When in doubt, a write was applied: the cost of a wrong "applied" is a cache emptied once.
 */
export function mutationWroteNothing(operation: OperationDefinitionNode, result: FormattedExecutionResult | undefined): boolean {
  if (!result) return false;
  const errors = result.errors ?? [];
  if (result.data === undefined) return errors.length > 0 && errors.every((error) => isRefusal(error.extensions?.code));
  const refusedFields = new Set(
    errors.filter((error) => error.path?.length === 1 && isRefusal(error.extensions?.code)).map((error) => error.path![0]),
  );
  const payloads = (result.data ?? {}) as Record<string, { refusal?: unknown } | null>;
  return operation.selectionSet.selections.every((selection) => {
    if (selection.kind !== Kind.FIELD) return false;
    const key = (selection.alias ?? selection.name).value;
    return refusedFields.has(key) || (payloads[key]?.refusal ?? null) !== null;
  });
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
