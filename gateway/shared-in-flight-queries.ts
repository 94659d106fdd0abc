import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import type { FormattedExecutionResult } from 'graphql';
import type { AnswerContents } from './answer-contents';
import type { CacheGeneration } from './cache-generation';
import type { GatewayContext } from './data-sources';
import { noteAnsweredInFrontOfApollo } from './public-response-cache';

/** A first run's answer, and what it contains when the subgraphs said (gateway/answer-contents.ts). */
interface Shared {
  result: FormattedExecutionResult;
  contents: AnswerContents | undefined;
}

/**
 * Identical queries from the same caller in flight at once are executed once: the first runs, the
 * others wait for its answer. A dashboard's widgets, a page opened in several tabs, or a client
 * retrying impatiently send the same operation several times; each would otherwise fan out to the
 * subgraphs again.
 *
 * The key holds the caller's whole identity (as the subgraph-fetch deduplication in
 * data-sources.ts does), the document, the operation name and the variables, so two callers never
 * share an answer, and the cache generation the request started in (gateway/cache-generation.ts), so
 * a request that starts after a write was answered never gets an answer begun before it. Only
 * queries, never mutations. Nothing is kept once the answer is sent. Each
 * waiting request has still passed its own sign-in, operation limits and introspection rules
 * (`responseForOperation` comes after `didResolveOperation`). Only an answer without errors is
 * shared: errors carry the request id of the request that met them, so after a failed first run
 * each waiting request runs on its own.
 */
export function sharedInFlightQueriesPlugin(): ApolloServerPlugin<GatewayContext> {
  const running = new Map<string, Promise<Shared | undefined>>();
  return {
    async requestDidStart({ contextValue }) {
      let leading: { key: string; settle: (shared: Shared | undefined) => void } | undefined;
      // Leading a flight of the fast path below: it learns here whether its answer may be shared.
      const flight = leadingFlight.getStore();
      return {
        async responseForOperation({ operation, queryHash, request }) {
          // No operation (an operationName the document lacks) is refused before this; never read it.
          // An unknown generation (its shared store is away) shares nothing.
          if (operation?.operation !== 'query' || contextValue.generation === undefined) return null;
          // The generation the request started in is part of the key: a request that starts after
          // a write was answered never joins a flight that began before it (gateway/cache-generation.ts).
          const key = `${contextValue.generation}\n${JSON.stringify(contextValue.viewer)}\n${queryHash}\n${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`;
          const first = running.get(key);
          if (first) {
            const shared = await first;
            if (!shared) return null;
            // What the answer contains comes with it, so the public cache can keep it (gateway/answer-contents.ts).
            if (contextValue.contents) {
              for (const tag of shared.contents?.tags ?? []) contextValue.contents.tags.add(tag);
              contextValue.contents.complete &&= shared.contents?.complete ?? false;
            }
            return { body: { kind: 'single', singleResult: shared.result }, http: { headers: new HeaderMap() } };
          }
          let settle!: (shared: Shared | undefined) => void;
          running.set(key, new Promise((resolve) => (settle = resolve)));
          leading = { key, settle };
          return null;
        },
        // Errors settle waiting requests at once (they run on their own); so does the answer.
        async didEncounterErrors() {
          if (!leading) return;
          running.delete(leading.key);
          leading.settle(undefined);
        },
        async willSendResponse({ response, operation, operationName }) {
          const single = response.body.kind === 'single' ? response.body.singleResult : undefined;
          // Only `{ data }` of a query: errors and extensions may belong to this one request (its request id, its cost).
          if (flight && operation?.operation === 'query' && (response.http.status ?? 200) === 200) {
            if (single?.data && !single.errors?.length && !single.extensions)
              flight.shareable = { operationName: operationName ?? undefined };
          }
          if (!leading) return;
          running.delete(leading.key);
          leading.settle(
            single?.data && !single.errors?.length ? { result: { data: single.data }, contents: contextValue.contents } : undefined,
          );
        },
      };
    },
  };
}

/** A request leading a flight of the fast path, and whether Apollo found its answer shareable. */
interface Flight {
  shareable?: { operationName: string | undefined };
}
const leadingFlight = new AsyncLocalStorage<Flight>();

/** A leader's answer as it was sent, for the requests that waited for it. */
interface SentAnswer {
  status: number;
  headers: [string, string][];
  body: string | Buffer;
  operationName: string | undefined;
}

/** What a shared answer takes from the leader's headers: what Apollo and the public cache set for the answer itself, nothing of the leader's own request. */
const sharedHeaders = ['content-type', 'cache-control', 'vary'];

/**
 * The same sharing in front of Apollo, as express middleware on `/graphql` after sign-in, the rate
 * limit, the pre-validation and the public cache's fast path: a POST whose raw body, caller and
 * Accept header are those of a request already in flight waits for that request's answer and is
 * sent its bytes, without Apollo's request pipeline (parsing, validation, the operation limits,
 * plugins, serialising the answer again: about as much gateway CPU as the shared run saved, issue
 * 27). The first request leads: it goes through all of Apollo, whose plugin above says whether its
 * answer may be shared (a query, status 200, `{ data }` alone); if not, each waiting request goes
 * through Apollo itself. So a mutation is never shared: the requests after it run in turn.
 *
 * Why skipping Apollo is safe for those that waited: the key binds the caller (the whole identity
 * sign-in established), the exact bytes of the request (query, operation name, variables,
 * extensions) and the Accept header Apollo negotiates by, and every check Apollo would make depends
 * on nothing else, so each would have passed them and been answered the same. The cache generation
 * is part of the key, as in the plugin: a request that starts after a write was answered never
 * joins a flight that began before it. GETs, and anything but a JSON object body, go to Apollo.
 */
export function sharedInFlightQueriesFastPath(options: {
  generation: CacheGeneration;
  /** Whether the request may share at all: a newcomer (gateway/newcomers.ts) may not. */
  mayShare: (request: Request, response: Response) => boolean;
  /** Add the request's SQL statement count, as platform/graphql-http.ts's statementCountPlugin does. */
  exposeStatementCount: boolean;
}): RequestHandler {
  const flights = new Map<string, Promise<SentAnswer | undefined>>();
  return (request, response, next) => {
    const rawBody = (request as unknown as { rawBody?: Buffer }).rawBody;
    const body: unknown = request.body;
    if (request.method !== 'POST' || !rawBody || typeof body !== 'object' || body === null || Array.isArray(body)) return next();
    if (!options.mayShare(request, response)) return next();
    options.generation.current().then(
      (generation) => {
        // An unknown generation (its shared store is away) shares nothing.
        if (generation === undefined) return next();
        const key = `${generation}\n${JSON.stringify(response.locals.viewer ?? null)}\n${request.get('accept') ?? ''}\n${createHash('sha256').update(rawBody).digest('base64url')}`;
        const first = flights.get(key);
        if (first) {
          first.then(
            (answer) => (answer && !response.headersSent ? sendShared(response, answer, options.exposeStatementCount) : next()),
            () => next(),
          );
          return;
        }
        lead(key, response, next);
      },
      () => next(),
    );
  };

  function lead(key: string, response: Response, next: () => void): void {
    let settle!: (answer: SentAnswer | undefined) => void;
    const sent = new Promise<SentAnswer | undefined>((resolve) => (settle = resolve));
    flights.set(key, sent);
    const flight: Flight = {};
    const finish = (answer: SentAnswer | undefined) => {
      if (flights.get(key) === sent) flights.delete(key);
      settle(answer);
    };
    // Apollo's express integration sends a complete answer with one `send`; whatever else ends the
    // response (an error page, a closed connection) shares nothing.
    const send = response.send.bind(response);
    response.send = (answerBody?: unknown) => {
      const shareable = flight.shareable && response.statusCode === 200 && (typeof answerBody === 'string' || Buffer.isBuffer(answerBody));
      finish(
        shareable
          ? {
              status: response.statusCode,
              headers: sharedHeaders.flatMap((name) => {
                const value = response.getHeader(name);
                return value === undefined ? [] : [[name, String(value)] as [string, string]];
              }),
              body: answerBody as string | Buffer,
              operationName: flight.shareable!.operationName,
            }
          : undefined,
      );
      return send(answerBody);
    };
    response.once('close', () => finish(undefined));
    leadingFlight.run(flight, next);
  }
}

function sendShared(response: Response, answer: SentAnswer, exposeStatementCount: boolean): void {
  for (const [name, value] of answer.headers) response.setHeader(name, value);
  noteAnsweredInFrontOfApollo(response, answer.operationName, exposeStatementCount);
  response.status(answer.status).send(answer.body);
}
