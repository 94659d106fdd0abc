import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { CacheGeneration } from './cache-generation';
import type { GatewayContext } from './data-sources';

export interface PublicResponseCacheOptions {
  ttlSeconds: number;
  /** Total size of the kept answers: their serialised bytes plus a fixed allowance per answer. */
  maxBytes: number;
  /** Told of each lookup (`hit` or `miss`), for the gateway's metrics. */
  onLookup?: (outcome: 'hit' | 'miss') => void;
  /** The clock, for tests. */
  now?: () => number;
}

interface Kept {
  /** The answer's `data`, serialised: bytes outside the JS heap, counted exactly. */
  json: Buffer;
  storedAt: number;
  /** The cache generation the answer was computed in (gateway/cache-generation.ts). */
  generation: number;
}

/**
 * What an answer costs beyond its bytes: the key (a 43-character digest), the entry and the LRU's
 * bookkeeping. Without it a flood of tiny answers would hold far more than `maxBytes`.
 */
const entryOverheadBytes = 256;

/**
 * Answers to anonymous queries, kept for a few seconds and shared by every anonymous caller.
 *
 * Why only anonymous: an anonymous caller sees the public catalogue (approved innovations, public
 * routes and events), the same for everyone, so one answer serves them all; a signed-in caller's
 * answer depends on who they are and is never kept (it still says `no-store`). Why it is safe:
 * - only queries, and only answers without errors (a partial answer while a subgraph is down is
 *   not kept to be served after it recovers);
 * - answers belong to the cache generation their request started in (gateway/cache-generation.ts),
 *   which moves on when a mutation that wrote something has been answered: an answer of an older
 *   generation is never served, and one whose generation has passed by the time it is computed is
 *   not stored, so a write is visible to the next read through the same gateway. A refused
 *   mutation writes nothing and empties nothing;
 * - the time to live bounds everything else: writes through another gateway replica, and fields
 *   derived from the date (a route's status, an event being upcoming). That is also the
 *   `max-age` clients and CDNs are told, with `Vary: Authorization` so a signed-in request is never
 *   answered from a shared cache's anonymous copy.
 * Operation limits and introspection rules run before the cache is consulted
 * (`responseForOperation` comes after `didResolveOperation`), so a cached answer is no way around them.
 *
 * Answers are kept serialised (a Buffer of JSON, outside the heap) and the size limit counts those
 * bytes: kept as objects, a full cache of "64 MB" of JSON held about twice that in heap (issue 22).
 */
export function publicResponseCachePlugin(
  options: PublicResponseCacheOptions & { generation: CacheGeneration },
): ApolloServerPlugin<GatewayContext> {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlSeconds * 1000;
  // Least recently used answers go first when the size limit is reached; each is sized when stored.
  const answers = new LRUCache<string, Kept>({ maxSize: options.maxBytes });
  /** The newest generation seen: answers of older ones can never be served, so they are dropped. */
  let newest = 0;

  const publicHeaders = (ageMs: number) => {
    const headers = new HeaderMap();
    headers.set('cache-control', `public, max-age=${Math.max(0, Math.floor((ttlMs - ageMs) / 1000))}`);
    headers.set('vary', 'authorization');
    return headers;
  };

  return {
    async requestDidStart({ contextValue }) {
      let key: string | undefined;
      let answeredFromCache = false;
      return {
        async responseForOperation({ operation, queryHash, request }) {
          // No operation (an operationName the document lacks) is refused before this; never read it.
          if (operation?.operation !== 'query' || contextValue.viewer !== null || contextValue.generation === undefined) return null;
          const startedIn = contextValue.generation;
          if (startedIn > newest) {
            newest = startedIn;
            answers.clear();
          }
          key = createHash('sha256')
            .update(`${queryHash}\n${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`)
            .digest('base64url');
          const kept = answers.get(key);
          const age = kept ? now() - kept.storedAt : 0;
          if (!kept || age >= ttlMs || kept.generation !== startedIn) {
            if (kept) answers.delete(key);
            options.onLookup?.('miss');
            return null;
          }
          options.onLookup?.('hit');
          answeredFromCache = true;
          const data = JSON.parse(kept.json.toString('utf8')) as FormattedExecutionResult['data'];
          return { body: { kind: 'single', singleResult: { data } }, http: { headers: publicHeaders(age) } };
        },
        async willSendResponse({ response }) {
          if (key === undefined || answeredFromCache || contextValue.generation === undefined) return;
          const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
          if (!result?.data || result.errors?.length) return;
          // Computed in a generation that has since passed: it may predate a write, so it is sent
          // (the request began before the write was answered) but not kept.
          if ((await options.generation.current()) !== contextValue.generation) return;
          const json = Buffer.from(JSON.stringify(result.data), 'utf8');
          answers.set(key, { json, storedAt: now(), generation: contextValue.generation }, { size: json.byteLength + entryOverheadBytes });
          for (const [name, value] of publicHeaders(0)) response.http.headers.set(name, value);
        },
      };
    },
  };
}
