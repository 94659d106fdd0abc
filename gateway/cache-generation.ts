import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type FormattedExecutionResult, type OperationDefinitionNode } from 'graphql';
import { ErrorCode, isKnownErrorCode } from '../platform/errors';
import { errorFields, logger } from '../platform/logger';
import { changedBy, startContents } from './answer-contents';
import type { GatewayContext } from './data-sources';

/**
 * The gateway's cache generation: a number that moves on whenever a write is applied, with what the
 * write changed (the tags of platform/entity-tags.ts). Queries in flight shared by
 * gateway/shared-in-flight-queries.ts and subgraph fetches in flight shared by
 * gateway/data-sources.ts belong to the generation their request started in, and are never given
 * to a request of a later one. Anonymous answers kept by gateway/public-response-cache.ts outlive a
 * write that changed nothing in them; those it changed are dropped before a request of the new
 * generation is looked up. Either way an answer that may predate a write is not served after that
 * write was answered.
 *
 * With several gateway replicas the generation and each write's changes live in the Redis they
 * share (`RedisCacheGeneration`, when REDIS_URL is set), so a write through one replica retires what
 * it changed from every replica at once; one replica keeps them in memory.
 */
export interface CacheGeneration {
  /** The generation now; undefined when it cannot be known (its shared store is away): then nothing is shared. */
  current(): Promise<number | undefined>;
  /**
   * A write was applied: what began before now is stale. `changed` names the entities it changed
   * (platform/entity-tags.ts); absent, it may have changed anything.
   */
  advance(changed?: Iterable<string>): Promise<void>;
  /**
   * What the writes that moved the generation on from `from` to `to` changed: their tags, or
   * `anything` when one of them could not say or is no longer remembered.
   */
  changesBetween(from: number, to: number): Promise<Changes>;
}

/** The tags a run of writes changed, or `anything`. */
export type Changes = ReadonlySet<string> | 'anything';

/**
 * How many writes' changes are remembered. A replica further behind than this (or a cached answer
 * computed that many writes ago) treats them as having changed anything.
 */
export const rememberedWrites = 1_000;

/** Adds one write's changes (its tags, or `anything`) to a union. */
function union(into: Set<string> | 'anything', changed: readonly string[] | 'anything'): Set<string> | 'anything' {
  if (into === 'anything' || changed === 'anything') return 'anything';
  for (const tag of changed) into.add(tag);
  return into;
}

export class InMemoryCacheGeneration implements CacheGeneration {
  private generation = 0;
  /** Each remembered write's changes, by the generation it moved on to. */
  private readonly writes = new Map<number, readonly string[] | 'anything'>();

  current(): Promise<number> {
    return Promise.resolve(this.generation);
  }

  advance(changed?: Iterable<string>): Promise<void> {
    this.generation += 1;
    this.writes.set(this.generation, changed === undefined ? 'anything' : [...changed]);
    this.writes.delete(this.generation - rememberedWrites);
    return Promise.resolve();
  }

  changesBetween(from: number, to: number): Promise<Changes> {
    let changes: Set<string> | 'anything' = new Set();
    for (let generation = from + 1; generation <= to && changes !== 'anything'; generation += 1) {
      changes = union(changes, this.writes.get(generation) ?? 'anything');
    }
    return Promise.resolve(changes);
  }
}

/** What `RedisCacheGeneration` needs of a Redis client (ioredis's `get`, `mget` and `eval`). */
export interface GenerationStore {
  get(key: string): Promise<string | null>;
  mget(...keys: string[]): Promise<(string | null)[]>;
  eval(script: string, numberOfKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/**
 * One write, atomically: the generation moves on and what the write changed is kept under
 * `<generation key>:<new generation>` for a while, so no reader sees the new generation without it.
 */
const advanceScript = `local generation = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[1] .. ':' .. generation, ARGV[1], 'PX', ARGV[2])
return generation`;

/** How long a write's changes are kept in Redis: far longer than any answer is cached. */
const writeMemoryMs = 10 * 60 * 1000;

/**
 * The generation in Redis, read at the start of every request (one GET, well under a millisecond
 * on the same network) so a write answered by any replica is seen by the next request of every
 * other; what each write changed is read (one MGET) only by a replica that has fallen behind.
 * Redis away: the generation is unknown, and the cache and the in-flight sharing are
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

  async advance(changed?: Iterable<string>): Promise<void> {
    try {
      await this.redis.eval(advanceScript, 1, this.key, changed === undefined ? '*' : JSON.stringify([...changed]), writeMemoryMs);
    } catch (error) {
      logger().error(
        errorFields(error),
        'cache generation: a write could not retire the shared caches (Redis away); they age out within their TTL',
      );
    }
  }

  async changesBetween(from: number, to: number): Promise<Changes> {
    if (to <= from) return new Set();
    if (to - from > rememberedWrites) return 'anything';
    try {
      const keys = Array.from({ length: to - from }, (_, index) => `${this.key}:${from + 1 + index}`);
      let changes: Set<string> | 'anything' = new Set();
      for (const kept of await this.redis.mget(...keys)) {
        changes = union(changes, kept === null || kept === '*' ? 'anything' : (JSON.parse(kept) as string[]));
        if (changes === 'anything') break;
      }
      return changes;
    } catch {
      return 'anything';
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
 * When in doubt, a write was applied: the cost of a wrong "applied" is some kept answers dropped once.
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
 * wrote something has been answered, with what its subgraphs say it changed, before its answer is
 * sent: a read that starts after the client has the mutation's answer starts in the new generation,
 * without the kept answers the write changed. Refused mutations (an anonymous caller's, a
 * validation error, a forbidden action) change nothing and leave it alone, so they cannot be used
 * to empty the cache.
 */
export function cacheGenerationPlugin(generation: CacheGeneration): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      contextValue.generation = await generation.current();
      return {
        // A mutation collects what its subgraphs say they changed (gateway/answer-contents.ts).
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'mutation') contextValue.contents = startContents('mutation');
        },
        async willSendResponse({ operation, response }) {
          if (operation?.operation !== 'mutation') return;
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          if (mutationWroteNothing(operation, result)) return;
          await generation.advance(changedBy(contextValue.contents));
        },
      };
    },
  };
}
