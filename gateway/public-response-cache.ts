import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';
import { startContents } from './answer-contents';
import { rememberedWrites, type CacheGeneration, type Changes } from './cache-generation';
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
  /** What the answer contains, as its subgraphs said (platform/entity-tags.ts): a write changing one drops it. */
  tags: readonly string[];
}

/**
 * What an answer costs beyond its bytes: the key (a 43-character digest), the entry and the LRU's
 * bookkeeping. Without it a flood of tiny answers would hold far more than `maxBytes`.
 */
const entryOverheadBytes = 256;
/** What each of an answer's tags costs beyond its characters: its place in the answer and in the index by tag. */
const tagOverheadBytes = 64;

/** Writes the cache has applied: what changed between two generations. */
interface AppliedWrites {
  from: number;
  to: number;
  changes: Changes;
}

/**
 * Answers to anonymous queries, kept for a few seconds and shared by every anonymous caller.
 *
 * Why only anonymous: an anonymous caller sees the public catalogue (approved innovations, public
 * routes and events), the same for everyone, so one answer serves them all; a signed-in caller's
 * answer depends on who they are and is never kept (it still says `no-store`). Why it is safe:
 * - only queries, and only answers without errors (a partial answer while a subgraph is down is
 *   not kept to be served after it recovers);
 * - only answers that can say what they contain: every subgraph fetch behind them reported its
 *   entities (platform/entity-tags.ts, collected by gateway/answer-contents.ts);
 * - a mutation that wrote something moves the cache generation on (gateway/cache-generation.ts)
 *   with what its subgraphs say it changed. Before the next request is looked up, the answers
 *   that contain one of those entities (or, for a write that cannot say, all answers) are dropped;
 *   an answer computed while such a write was answered is sent but not kept. The mutation's own
 *   response is sent only after the generation moved on, so a write is visible to the next read
 *   through any gateway replica sharing the generation. An unrelated write leaves the rest in place
 *   (issue 27 item 3; before, any write emptied everything). A refused mutation drops nothing;
 * - the time to live bounds everything else: writes the gateway does not see (a domain event
 *   handled later), and fields derived from the date (a route's status, an event being upcoming).
 *   That is also the `max-age` clients and CDNs are told, with `Vary: Authorization` so a
 *   signed-in request is never answered from a shared cache's anonymous copy.
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
  /** The keys of the kept answers that contain each tag. */
  const keysByTag = new Map<string, Set<string>>();
  // Least recently used answers go first when the size limit is reached; each is sized when stored.
  const answers = new LRUCache<string, Kept>({
    maxSize: options.maxBytes,
    // However an answer goes (dropped, evicted, replaced), its tags no longer lead to it.
    dispose: (kept, key) => {
      for (const tag of kept.tags) {
        const keys = keysByTag.get(tag);
        keys?.delete(key);
        if (keys?.size === 0) keysByTag.delete(tag);
      }
    },
  });
  /** The generation whose writes have been applied to what is kept; undefined before the first request. */
  let applied: number | undefined;
  /** The writes applied lately, oldest first, to judge an answer computed while they were answered. */
  const recent: AppliedWrites[] = [];
  /** Catching up with the generation, one request at a time. */
  let catchingUp: Promise<void> = Promise.resolve();

  const drop = (changes: Changes) => {
    if (changes === 'anything') return answers.clear();
    for (const tag of changes) for (const key of [...(keysByTag.get(tag) ?? [])]) answers.delete(key);
  };

  /** Applies the writes up to `generation` to what is kept: after it, nothing kept predates one of them. */
  const catchUp = (generation: number): Promise<void> => {
    // Nearly every request: nothing was written since the last one. A catch-up still under way
    // (to a later generation) cannot make what is kept older than `generation`.
    if (generation === applied) return Promise.resolve();
    catchingUp = catchingUp.then(async () => {
      if (applied === undefined || generation < applied) {
        // The first request, or the shared generation started again (its store was emptied): keep nothing older.
        answers.clear();
        recent.length = 0;
        applied = generation;
        return;
      }
      if (generation === applied) return;
      const changes = await options.generation.changesBetween(applied, generation);
      drop(changes);
      recent.push({ from: applied, to: generation, changes });
      if (recent.length > rememberedWrites) recent.shift();
      applied = generation;
    });
    return catchingUp;
  };

  /** Whether a write applied after `generation` may have changed an answer containing `tags`. */
  const changedSince = (generation: number, tags: ReadonlySet<string>): boolean => {
    if (applied === undefined || generation > applied) return true;
    if (generation === applied) return false;
    if (recent.length === 0 || recent[0]!.from > generation) return true;
    return recent.some(({ to, changes }) => to > generation && (changes === 'anything' || [...changes].some((tag) => tags.has(tag))));
  };

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
          // Every write answered before this request began is applied before anything is served.
          await catchUp(contextValue.generation);
          key = createHash('sha256')
            .update(`${queryHash}\n${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`)
            .digest('base64url');
          const kept = answers.get(key);
          const age = kept ? now() - kept.storedAt : 0;
          if (!kept || age >= ttlMs) {
            if (kept) answers.delete(key);
            options.onLookup?.('miss');
            // The subgraphs' reports of what the answer contains are collected as it is computed.
            contextValue.contents = startContents('query');
            return null;
          }
          options.onLookup?.('hit');
          answeredFromCache = true;
          const data = JSON.parse(kept.json.toString('utf8')) as FormattedExecutionResult['data'];
          return { body: { kind: 'single', singleResult: { data } }, http: { headers: publicHeaders(age) } };
        },
        async willSendResponse({ response }) {
          const startedIn = contextValue.generation;
          if (key === undefined || answeredFromCache || startedIn === undefined) return;
          const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
          if (!result?.data || result.errors?.length) return;
          // An answer that cannot say what it contains could not be dropped when that changes.
          const contents = contextValue.contents;
          if (contents?.of !== 'query' || !contents.complete) return;
          const generation = await options.generation.current();
          if (generation === undefined) return;
          await catchUp(generation);
          // Computed while a write that changed something in it was answered: it may predate the
          // write, so it is sent (the request began before the write was answered) but not kept.
          if (changedSince(startedIn, contents.tags)) return;
          const json = Buffer.from(JSON.stringify(result.data), 'utf8');
          const tags = [...contents.tags];
          const size = json.byteLength + entryOverheadBytes + tags.reduce((sum, tag) => sum + tag.length + tagOverheadBytes, 0);
          answers.set(key, { json, storedAt: now(), tags }, { size });
          // Indexed only if it was kept (an answer larger than the whole cache is not).
          if (answers.has(key)) {
            for (const tag of tags) {
              let keys = keysByTag.get(tag);
              if (!keys) keysByTag.set(tag, (keys = new Set()));
              keys.add(key);
            }
          }
          for (const [name, value] of publicHeaders(0)) response.http.headers.set(name, value);
        },
      };
    },
  };
}
