import { createHash } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import type { FormattedExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';
import { currentRequestContext } from '../platform/request-context';
import { currentStatementCounter, statementCountHeader } from '../platform/statement-counter';
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
  /**
   * The response body exactly as Apollo writes it for `{ data }` (`{"data":…}` and a newline):
   * bytes outside the JS heap, counted exactly, and written as they are by the fast path.
   */
  body: Buffer;
  storedAt: number;
  /** What the answer contains, as its subgraphs said (platform/entity-tags.ts): a write changing one drops it. */
  tags: readonly string[];
  /** The operation's name as Apollo resolved it, for the request's log line and metrics label. */
  operationName: string | undefined;
  /** The body's ETag as Express computes it, worked out by the first hit that sends it. */
  etag?: string | false;
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
 *
 * A hit is answered in front of Apollo (`fastPath`, express middleware on `/graphql`): a hit cost
 * about 1.2 ms of gateway CPU through Apollo's request pipeline (context, plugins, the operation
 * cost counted again, the kept JSON parsed and serialised again, its ETag hashed again) against
 * 0.9 ms for Hive Gateway's response cache (issue 27 item 2). What Apollo would refuse, or answer
 * otherwise, is handed on to it; so is every miss.
 */
export class PublicResponseCache {
  private readonly now: () => number;
  private readonly ttlMs: number;
  /** The keys of the kept answers that contain each tag. */
  private readonly keysByTag = new Map<string, Set<string>>();
  /** Least recently used answers go first when the size limit is reached; each is sized when stored. */
  private readonly answers: LRUCache<string, Kept>;
  /** The generation whose writes have been applied to what is kept; undefined before the first request. */
  private applied: number | undefined;
  /** The writes applied lately, oldest first, to judge an answer computed while they were answered. */
  private readonly recent: AppliedWrites[] = [];
  /** Catching up with the generation, one request at a time. */
  private catchingUp: Promise<void> = Promise.resolve();

  constructor(private readonly options: PublicResponseCacheOptions & { generation: CacheGeneration }) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlSeconds * 1000;
    this.answers = new LRUCache<string, Kept>({
      maxSize: options.maxBytes,
      // However an answer goes (dropped, evicted, replaced), its tags no longer lead to it.
      dispose: (kept, key) => {
        for (const tag of kept.tags) {
          const keys = this.keysByTag.get(tag);
          keys?.delete(key);
          if (keys?.size === 0) this.keysByTag.delete(tag);
        }
      },
    });
  }

  /** The generation the cache belongs to: the gateway's cacheGenerationPlugin must move this one on. */
  get generation(): CacheGeneration {
    return this.options.generation;
  }

  private drop(changes: Changes): void {
    if (changes === 'anything') return this.answers.clear();
    for (const tag of changes) for (const key of [...(this.keysByTag.get(tag) ?? [])]) this.answers.delete(key);
  }

  /** Applies the writes up to `generation` to what is kept: after it, nothing kept predates one of them. */
  private catchUp(generation: number): Promise<void> {
    // Nearly every request: nothing was written since the last one. A catch-up still under way
    // (to a later generation) cannot make what is kept older than `generation`.
    if (generation === this.applied) return Promise.resolve();
    this.catchingUp = this.catchingUp.then(async () => {
      if (this.applied === undefined || generation < this.applied) {
        // The first request, or the shared generation started again (its store was emptied): keep nothing older.
        this.answers.clear();
        this.recent.length = 0;
        this.applied = generation;
        return;
      }
      if (generation === this.applied) return;
      const changes = await this.options.generation.changesBetween(this.applied, generation);
      this.drop(changes);
      this.recent.push({ from: this.applied, to: generation, changes });
      if (this.recent.length > rememberedWrites) this.recent.shift();
      this.applied = generation;
    });
    return this.catchingUp;
  }

  /** Whether a write applied after `generation` may have changed an answer containing `tags`. */
  private changedSince(generation: number, tags: ReadonlySet<string>): boolean {
    if (this.applied === undefined || generation > this.applied) return true;
    if (generation === this.applied) return false;
    if (this.recent.length === 0 || this.recent[0]!.from > generation) return true;
    return this.recent.some(({ to, changes }) => to > generation && (changes === 'anything' || [...changes].some((tag) => tags.has(tag))));
  }

  /**
   * The kept answer for `key`, fresh, once every write answered before `generation` was sampled
   * has been applied; undefined on a miss (an answer past its time to live is dropped).
   */
  private async lookUp(generation: number, key: string): Promise<{ kept: Kept; age: number } | undefined> {
    // Every write answered before this request began is applied before anything is served.
    await this.catchUp(generation);
    const kept = this.answers.get(key);
    const age = kept ? this.now() - kept.storedAt : 0;
    if (!kept || age >= this.ttlMs) {
      if (kept) this.answers.delete(key);
      return undefined;
    }
    return { kept, age };
  }

  private maxAge(ageMs: number): string {
    return `public, max-age=${Math.max(0, Math.floor((this.ttlMs - ageMs) / 1000))}`;
  }

  private publicHeaders(ageMs: number): HeaderMap {
    const headers = new HeaderMap();
    headers.set('cache-control', this.maxAge(ageMs));
    headers.set('vary', 'authorization');
    return headers;
  }

  /** The Apollo plugin: looks answers up after the operation limits, and keeps what it may. */
  plugin(): ApolloServerPlugin<GatewayContext> {
    return {
      requestDidStart: async ({ contextValue }) => {
        let key: string | undefined;
        let answeredFromCache = false;
        return {
          responseForOperation: async ({ operation, queryHash, request }) => {
            // No operation (an operationName the document lacks) is refused before this; never read it.
            if (operation?.operation !== 'query' || contextValue.viewer !== null || contextValue.generation === undefined) return null;
            // Apollo hashes every document it resolved an operation of; without a hash, nothing to key by.
            if (queryHash === undefined) return null;
            key = cacheKey(queryHash, request.operationName, request.variables);
            const found = await this.lookUp(contextValue.generation, key);
            if (!found) {
              this.options.onLookup?.('miss');
              // The subgraphs' reports of what the answer contains are collected as it is computed.
              contextValue.contents = startContents('query');
              return null;
            }
            this.options.onLookup?.('hit');
            answeredFromCache = true;
            const { data } = JSON.parse(found.kept.body.toString('utf8')) as FormattedExecutionResult;
            return { body: { kind: 'single', singleResult: { data } }, http: { headers: this.publicHeaders(found.age) } };
          },
          willSendResponse: async ({ response, operationName }) => {
            const startedIn = contextValue.generation;
            if (key === undefined || answeredFromCache || startedIn === undefined) return;
            const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
            if (!result?.data || result.errors?.length) return;
            // An answer that cannot say what it contains could not be dropped when that changes.
            const contents = contextValue.contents;
            if (contents?.of !== 'query' || !contents.complete) return;
            const generation = await this.options.generation.current();
            if (generation === undefined) return;
            await this.catchUp(generation);
            // Computed while a write that changed something in it was answered: it may predate the
            // write, so it is sent (the request began before the write was answered) but not kept.
            if (this.changedSince(startedIn, contents.tags)) return;
            // What Apollo's default stringifyResult writes for `{ data }`.
            const body = Buffer.from(`${JSON.stringify({ data: result.data })}\n`, 'utf8');
            const tags = [...contents.tags];
            const size = body.byteLength + entryOverheadBytes + tags.reduce((sum, tag) => sum + tag.length + tagOverheadBytes, 0);
            this.answers.set(key, { body, storedAt: this.now(), tags, operationName: operationName ?? undefined }, { size });
            // Indexed only if it was kept (an answer larger than the whole cache is not).
            if (this.answers.has(key)) {
              for (const tag of tags) {
                let keys = this.keysByTag.get(tag);
                if (!keys) this.keysByTag.set(tag, (keys = new Set()));
                keys.add(key);
              }
            }
            for (const [name, value] of this.publicHeaders(0)) response.http.headers.set(name, value);
          },
        };
      },
    };
  }

  /**
   * Express middleware on `/graphql`, after sign-in, the rate limit and the pre-validation, just
   * before Apollo: answers an anonymous hit with the kept bytes, as Apollo would have answered it
   * (the same body, status and headers, the same ETag and 304 for a GET whose If-None-Match names
   * it), and hands everything else on to Apollo untouched.
   *
   * Why skipping Apollo is safe: a key is kept only for an anonymous query that went through all of
   * Apollo (parsing, validation, the operation limits and introspection rules, variable coercion)
   * and was answered without errors; the key binds the query text, the operation name and the
   * variables, and for an anonymous caller none of those checks depends on anything else, so the
   * same request would pass them again and be answered from the cache. The generation is sampled
   * and its writes applied exactly as the plugin does, so a write answered before this request
   * began has dropped what it changed. Whatever Apollo might answer otherwise goes on to it: a
   * batch, a persisted query or any `extensions`, an empty operation name, an `Accept` header it
   * would refuse or answer with its callback type, a GET its CSRF prevention would refuse.
   */
  fastPath(options: {
    /** Whether the request is anonymous: nobody signed in, and no newcomer (gateway/newcomers.ts). */
    isAnonymous: (request: Request, response: Response) => boolean;
    /** Add the request's SQL statement count, as platform/graphql-http.ts's statementCountPlugin does. */
    exposeStatementCount: boolean;
  }): RequestHandler {
    return (request, response, next) => {
      const asked = options.isAnonymous(request, response) ? askedOf(request) : undefined;
      const contentType = asked && contentTypeFor(request);
      if (!asked || !contentType) return next();
      // A lookup that fails (not expected: the generation's own reads fail soft) leaves the request to Apollo.
      this.answerFromCache(request, response, asked, contentType, options.exposeStatementCount).then(
        (answered) => answered || next(),
        () => response.headersSent || next(),
      );
    };
  }

  private async answerFromCache(
    request: Request,
    response: Response,
    asked: Asked,
    contentType: string,
    exposeStatementCount: boolean,
  ): Promise<boolean> {
    const generation = await this.options.generation.current();
    if (generation === undefined) return false;
    const key = cacheKey(createHash('sha256').update(asked.query).digest('hex'), asked.operationName, asked.variables);
    const found = await this.lookUp(generation, key);
    if (!found || response.headersSent) return false;
    const { kept, age } = found;
    this.options.onLookup?.('hit');
    // What observationPlugin notes once Apollo has resolved the operation.
    noteAnsweredInFrontOfApollo(response, kept.operationName, exposeStatementCount);
    // Express's own ETag of these bytes (what `send` would hash on every answer), once per kept answer.
    kept.etag ??= (request.app.get('etag fn') as ((body: Buffer, encoding: string) => string) | undefined)?.(kept.body, 'utf8') ?? false;
    if (kept.etag) response.setHeader('etag', kept.etag);
    response.setHeader('cache-control', this.maxAge(age));
    response.setHeader('vary', 'authorization');
    response.setHeader('content-type', contentType);
    // `send` answers 304 to a GET whose If-None-Match names the ETag, as for an answer through Apollo.
    response.status(200).send(kept.body);
    return true;
  }
}

/**
 * What a request answered in front of Apollo (a cache hit, an answer shared in flight) still records
 * as one through Apollo would: the operation's name for its log line, metrics and trace (as
 * observationPlugin notes once Apollo has resolved the operation), and, when exposed, its SQL
 * statement count header (as platform/graphql-http.ts's statementCountPlugin adds).
 */
export function noteAnsweredInFrontOfApollo(response: Response, operationName: string | undefined, exposeStatementCount: boolean): void {
  if (operationName !== undefined) {
    const context = currentRequestContext();
    if (context) context.operationName = operationName;
    trace.getActiveSpan()?.setAttribute('graphql.operation.name', operationName);
  }
  if (exposeStatementCount) {
    const counter = currentStatementCounter();
    if (counter) response.setHeader(statementCountHeader, String(counter.count));
  }
}

/** What the cache keys an answer by: Apollo's hash of the query text, the operation name and the variables. */
function cacheKey(queryHash: string, operationName: string | undefined, variables: Record<string, unknown> | undefined): string {
  return createHash('sha256')
    .update(`${queryHash}\n${operationName ?? ''}\n${JSON.stringify(variables ?? {})}`)
    .digest('base64url');
}

/** A request's operation, read as Apollo reads it (runHttpQuery.ts). */
interface Asked {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/**
 * One operation with its query text, as Apollo would accept it, and nothing for Apollo to do first:
 * a POST of one JSON object, or a GET whose parameters each appear once and that Apollo's CSRF
 * prevention lets through (`content-type: application/json`, or a non-empty
 * `x-apollo-operation-name` or `apollo-require-preflight`); no `extensions` (a persisted query is
 * Apollo's to resolve). Anything else: undefined, and Apollo answers it.
 */
function askedOf(request: Request): Asked | undefined {
  if (request.method === 'POST') {
    const body: unknown = request.body;
    // A body at all means express.json parsed it: the content type was application/json, which
    // Apollo's CSRF prevention lets through.
    if (!isRecord(body)) return undefined;
    const { query, operationName, variables, extensions } = body;
    if (typeof query !== 'string' || query === '' || extensions !== undefined) return undefined;
    // An empty name is keyed like no name, but Apollo looks for an operation called "" and refuses.
    if (operationName !== undefined && operationName !== null && (typeof operationName !== 'string' || operationName === ''))
      return undefined;
    if (variables !== undefined && variables !== null && !isRecord(variables)) return undefined;
    return { query, operationName: operationName ?? undefined, variables: variables ?? undefined };
  }
  if (request.method !== 'GET') return undefined;
  const type = request.get('content-type');
  const preflighted =
    type === undefined ? request.get('x-apollo-operation-name') || request.get('apollo-require-preflight') : type === 'application/json';
  if (!preflighted) return undefined;
  const search = request.originalUrl.indexOf('?');
  const parameters = new URLSearchParams(search < 0 ? '' : request.originalUrl.slice(search));
  const once = (name: string): string | undefined | null => {
    const values = parameters.getAll(name);
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : null;
  };
  const [query, operationName, variablesText] = [once('query'), once('operationName'), once('variables')];
  if (!query || operationName === null || operationName === '' || variablesText === null || parameters.has('extensions')) return undefined;
  let variables: unknown;
  try {
    variables = variablesText === undefined ? undefined : (JSON.parse(variablesText) as unknown);
  } catch {
    return undefined;
  }
  if (variables !== undefined && !isRecord(variables)) return undefined;
  return { query, operationName, variables };
}

/** Apollo's media types for a single result (MEDIA_TYPES in @apollo/server). */
const applicationJson = 'application/json; charset=utf-8';
const graphqlResponseJson = 'application/graphql-response+json; charset=utf-8';

/**
 * The content type Apollo would answer with (chooseContentTypeForSingleResultResponse): JSON
 * without an Accept header, else what the client prefers of Apollo's three (Express negotiates with
 * the same `negotiator`). Undefined when Apollo would answer otherwise (406, or its callback type).
 */
function contentTypeFor(request: Request): string | undefined {
  if (!request.get('accept')) return applicationJson;
  const preferred = request.accepts([applicationJson, graphqlResponseJson, 'application/json; callback']);
  return preferred === applicationJson || preferred === graphqlResponseJson ? preferred : undefined;
}

/** The cache as an Apollo plugin alone (tests, and a gateway without the express fast path). */
export function publicResponseCachePlugin(
  options: PublicResponseCacheOptions & { generation: CacheGeneration },
): ApolloServerPlugin<GatewayContext> {
  return new PublicResponseCache(options).plugin();
}
