import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from './data-sources';

export interface PublicResponseCacheOptions {
  ttlSeconds: number;
  /** Total size of the kept answers, as serialised JSON. */
  maxBytes: number;
  /** Told of each lookup (`hit` or `miss`), for the gateway's metrics. */
  onLookup?: (outcome: 'hit' | 'miss') => void;
  /** The clock, for tests. */
  now?: () => number;
}

interface Kept {
  data: Record<string, unknown>;
  storedAt: number;
}

/**
 * Answers to anonymous queries, kept for a few seconds and shared by every anonymous caller.
 *
 * Why only anonymous: an anonymous caller sees the public catalogue (approved innovations, public
 * routes and events), the same for everyone, so one answer serves them all; a signed-in caller's
 * answer depends on who they are and is never kept (it still says `no-store`). Why it is safe:
 * - only queries, and only answers without errors (a partial answer while a subgraph is down is
 *   not kept to be served after it recovers);
 * - every mutation through this gateway empties the cache when it has been answered, and an answer
 *   computed while a mutation was in flight is not stored (the generation check below), so a
 *   write is visible to the next read through the same gateway;
 * - the time to live bounds everything else: writes through another gateway replica, and fields
 *   derived from the date (a route's status, an event being upcoming). That is also the
 *   `max-age` clients and CDNs are told, with `Vary: Authorization` so a signed-in request is never
 *   answered from a shared cache's anonymous copy.
 * Operation limits and introspection rules run before the cache is consulted
 * (`responseForOperation` comes after `didResolveOperation`), so a cached answer is no way around them.
 */
export function publicResponseCachePlugin(options: PublicResponseCacheOptions): ApolloServerPlugin<GatewayContext> {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlSeconds * 1000;
  // Least recently used answers go first when the size limit is reached; each is sized when stored.
  const answers = new LRUCache<string, Kept>({ maxSize: options.maxBytes });
  /** Bumped by every answered mutation: what was computed under an older generation is not kept. */
  let generation = 0;

  const publicHeaders = (ageMs: number) => {
    const headers = new HeaderMap();
    headers.set('cache-control', `public, max-age=${Math.max(0, Math.floor((ttlMs - ageMs) / 1000))}`);
    headers.set('vary', 'authorization');
    return headers;
  };

  return {
    async requestDidStart({ contextValue }) {
      const startedIn = generation;
      let key: string | undefined;
      let answeredFromCache = false;
      return {
        async responseForOperation({ operation, queryHash, request }) {
          if (operation.operation !== 'query' || contextValue.viewer !== null) return null;
          key = createHash('sha256')
            .update(`${queryHash}\n${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`)
            .digest('base64url');
          const kept = answers.get(key);
          const age = kept ? now() - kept.storedAt : 0;
          if (!kept || age >= ttlMs) {
            if (kept) answers.delete(key);
            options.onLookup?.('miss');
            return null;
          }
          options.onLookup?.('hit');
          answeredFromCache = true;
          return { body: { kind: 'single', singleResult: { data: kept.data } }, http: { headers: publicHeaders(age) } };
        },
        async willSendResponse({ operation, response }) {
          if (operation?.operation === 'mutation') {
            generation += 1;
            answers.clear();
            return;
          }
          if (key === undefined || answeredFromCache) return;
          const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
          if (!result?.data || result.errors?.length || generation !== startedIn) return;
          answers.set(key, { data: result.data, storedAt: now() }, { size: Buffer.byteLength(JSON.stringify(result.data)) });
          for (const [name, value] of publicHeaders(0)) response.http.headers.set(name, value);
        },
      };
    },
  };
}
