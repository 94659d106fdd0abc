import { AsyncLocalStorage } from 'node:async_hooks';
import { RemoteGraphQLDataSource, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { ApolloServer, BaseContext, GraphQLResponse } from '@apollo/server';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { ErrorCode } from '../platform/errors';
import { createGatewayAssertion, defaultGatewayAssertionLifetimeMs, gatewayAssertionHeader } from '../platform/gateway-assertion';
import type { Identity, SignInClaims } from '../platform/identity';
import { logger } from '../platform/logger';
import { forwardedHeaders } from '../platform/observability';
import { currentRequestBudget, type RequestBudget } from '../platform/request-budget';
import { currentStatementCounter, statementCountHeader } from '../platform/statement-counter';
import type { AnswerContents } from './answer-contents';
import { fetcherResponse, SubgraphClient, type SubgraphAnswer } from './subgraph-client';

/** What the gateway knows about a request: who is asking, established from the bearer token. */
export interface GatewayContext {
  viewer: Identity;
  /** A verified token naming nobody registered yet: its claims (gateway/newcomers.ts); null or absent otherwise. */
  newcomer?: SignInClaims | null;
  /**
   * The cache generation the request started in (gateway/cache-generation.ts): nothing shared with
   * other requests (kept answers, queries or fetches in flight) crosses generations.
   */
  generation?: number;
  /**
   * What the answer contains (an anonymous query the public cache may keep) or what the mutation
   * changed, as the subgraphs report it (gateway/answer-contents.ts); absent when nobody needs it.
   */
  contents?: AnswerContents;
}

/**
 * The caller of the subgraph fetch in progress, and whether the fetch may be shared (a query, never
 * a mutation). The fetcher is where the exact body is known (the assertion binds its digest) but it
 * gets no context, so `process` hands both down.
 */
const fetchingFor = new AsyncLocalStorage<{ identity: Identity; newcomer: SignInClaims | null; shareable: boolean; generation?: number }>();

/** One subgraph fetch in progress, shared by identical concurrent queries of the same caller. */
interface Flight {
  /** Read whole, so every caller waiting on the same fetch gets its own response. */
  answer: Promise<SubgraphAnswer>;
  /** Aborted when every caller waiting on the fetch has gone, so the subgraph stops its work. */
  controller: AbortController;
  timeout: AbortSignal;
  waiters: number;
}

/**
 * A subgraph reached over HTTP, as in production. Adds what the stock data source lacks: a timeout
 * on every call (@apollo/gateway has none, federation#2647) tied to the client's request, so a
 * client that goes away or a spent time budget cancels the call and the subgraph stops its work;
 * a cap on the bytes a request may gather from subgraphs; a SERVICE_UNAVAILABLE error a client
 * can branch on when the subgraph is down, hung or refuses the gateway (never the subgraph's URL
 * or answer); and the subgraph's SQL statement count added to the gateway request's own.
 */
export class SubgraphHttpDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  /** The subgraph's last answer was 401/403: it does not accept this gateway's credentials. */
  refusedCredentials = false;

  constructor(
    private readonly name: string,
    url: string,
    timeoutMs: number,
    secret: string,
    assertionLifetimeMs = defaultGatewayAssertionLifetimeMs,
    /** Keep-alive connections to the subgraph (gateway/subgraph-client.ts); one per data source by default. */
    private readonly client = new SubgraphClient(),
  ) {
    super({
      url,
      fetcher: async (input, init) => {
        const budget = currentRequestBudget();
        // A subgraph that already hung once in this request is not waited for again.
        if (budget?.timedOutSubgraphs.has(name)) throw unavailable(name);
        const caller = fetchingFor.getStore();
        const body = (init?.body as string | undefined) ?? '';
        // Identical queries in flight at once for the SAME caller are sent once: the key holds the
        // whole identity, so two personas never share an answer, and mutations are never shared.
        // The request's cache generation too: a fetch begun before a write was answered is not
        // joined by a request that started after it (gateway/cache-generation.ts).
        // An unknown generation (its shared store is away) shares nothing.
        const key =
          caller?.shareable && caller.generation !== undefined
            ? `${caller.generation}\n${JSON.stringify(caller.identity ?? caller.newcomer)}\n${body}`
            : undefined;
        let flight = key === undefined ? undefined : this.inFlight.get(key);
        if (!flight) {
          const controller = new AbortController();
          const timeout = AbortSignal.timeout(timeoutMs);
          // Identity travels only as the gateway's assertion, made for this subgraph and this body;
          // no client header is passed on.
          const headers = {
            ...(init?.headers as Record<string, string>),
            [gatewayAssertionHeader]: createGatewayAssertion({
              subgraph: name,
              body,
              identity: caller?.identity ?? null,
              newcomer: caller?.newcomer ?? null,
              secret,
              lifetimeMs: assertionLifetimeMs,
            }),
          };
          const signal = AbortSignal.any([timeout, controller.signal]);
          const started: Flight = {
            controller,
            timeout,
            waiters: 0,
            // The first caller's response budget bounds the read; the others are charged below.
            answer: this.client.post({ url: input, headers, body, signal, onChunk: (bytes) => charge(budget, bytes, name) }),
          };
          flight = started;
          if (key !== undefined) {
            this.inFlight.set(key, started);
            void started.answer.then(
              () => this.inFlight.delete(key),
              () => this.inFlight.delete(key),
            );
          }
        }
        const leader = flight.waiters === 0;
        flight.waiters += 1;
        const shared = flight;
        const leave = () => {
          shared.waiters -= 1;
          if (shared.waiters === 0) shared.controller.abort(budget?.signal.reason);
        };
        budget?.signal.addEventListener('abort', leave, { once: true });
        try {
          const answer = await (budget ? untilAborted(shared.answer, budget.signal) : shared.answer);
          if (!leader && budget) {
            budget.responseBytesLeft -= answer.body.byteLength;
            if (budget.responseBytesLeft < 0) throw tooLarge(name);
          }
          return fetcherResponse(answer, input);
        } catch (error) {
          if (error instanceof GraphQLError) throw error;
          if (shared.timeout.aborted) budget?.timedOutSubgraphs.add(name);
          throw unavailable(name, error);
        } finally {
          budget?.signal.removeEventListener('abort', leave);
        }
      },
    });
  }

  /** Fetches in flight, by caller and exact body (queries only). */
  private readonly inFlight = new Map<string, Flight>();

  override process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const shareable = isQuery(options.request.query);
    const caller = {
      identity: options.context.viewer ?? null,
      newcomer: options.context.newcomer ?? null,
      shareable,
      generation: options.context.generation,
    };
    return fetchingFor.run(caller, async () => {
      const representations = options.request.variables?.representations;
      if (!shareable || !Array.isArray(representations)) return super.process(options);
      // The gateway sends one representation per occurrence (50 innovations of 13 suppliers make 50
      // supplier representations); each distinct one is resolved once and fanned back out in order.
      const distinct = dedupeRepresentations(representations);
      if (distinct.unique.length === representations.length) return super.process(options);
      const request = { ...options.request, variables: { ...options.request.variables, representations: distinct.unique } };
      const response = await super.process({ ...options, request } as GraphQLDataSourceProcessOptions<GatewayContext>);
      return expandEntities(response, distinct.positions);
    });
  }

  /** The request id and trace context travel with every fetch (platform/observability.ts). */
  override willSendRequest({ request }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    for (const [name, value] of Object.entries(forwardedHeaders())) request.http?.headers.set(name, value);
  }

  /**
   * A subgraph that answers with an HTTP error (e.g. 401 because the gateway's secret is wrong)
   * is unavailable as far as clients are concerned; its URL and body go to the log only.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    this.refusedCredentials = response.status === 401 || response.status === 403;
    logger().error(
      { subgraph: this.name, status: response.status, body: (await response.text()).slice(0, 500) },
      'subgraph answered with an HTTP error',
    );
    return unavailable(this.name);
  }

  override async didReceiveResponse({
    response,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    this.refusedCredentials = false;
    const counted = Number(response.http?.headers.get(statementCountHeader));
    const counter = currentStatementCounter();
    if (counter && Number.isFinite(counted)) counter.count += counted;
    return response;
  }
}

/**
 * A subgraph executed in the gateway's own process: the same plan, the subgraph's full request
 * pipeline (context, loaders, error masking), no HTTP hop. Tests use it to run the whole graph in
 * one process; the benchmark uses it as the lower bound for the HTTP deployment. Unlike Apollo's
 * LocalGraphQLDataSource, it builds the subgraph's own per-request context.
 */
export class InProcessDataSource<TContext extends BaseContext> implements GraphQLDataSource<GatewayContext> {
  constructor(
    private readonly server: ApolloServer<TContext>,
    private readonly createContext: (viewer: Identity, newcomer: SignInClaims | null) => TContext,
  ) {}

  async process({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const response: GraphQLResponse = await this.server.executeOperation(
      { query: request.query, variables: request.variables, operationName: request.operationName, extensions: request.extensions },
      { contextValue: this.createContext(context.viewer ?? null, context.newcomer ?? null) },
    );
    if (response.body.kind !== 'single') throw new Error('Subgraphs do not stream responses');
    const { data, errors, extensions } = response.body.singleResult;
    return { data, errors, extensions } as GatewayGraphQLResponse;
  }
}

function unavailable(name: string, cause?: unknown): GraphQLError {
  return new GraphQLError(`The ${name} service is unavailable; the rest of the answer is still returned.`, {
    extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, serviceName: name },
    originalError: cause instanceof Error ? cause : undefined,
  });
}

/** A subgraph operation that only reads (the gateway writes `query …` or a bare selection set). */
export function isQuery(query: string | undefined): boolean {
  return query !== undefined && /^\s*(query\b|\{)/.test(query);
}

/** Distinct representations in first-seen order, and for each original position its distinct index. */
export function dedupeRepresentations(representations: unknown[]): { unique: unknown[]; positions: number[] } {
  const indexByKey = new Map<string, number>();
  const unique: unknown[] = [];
  const positions = representations.map((representation) => {
    const key = JSON.stringify(representation);
    let index = indexByKey.get(key);
    if (index === undefined) {
      index = unique.length;
      indexByKey.set(key, index);
      unique.push(representation);
    }
    return index;
  });
  return { unique, positions };
}

/**
 * Puts the answers for distinct representations back at every original position, as the gateway
 * expects. Repeats are copies, because the gateway merges later fetches into each entity in place;
 * an error about one distinct entity is reported at each of its positions.
 */
export function expandEntities(response: GatewayGraphQLResponse, positions: number[]): GatewayGraphQLResponse {
  const entities = (response.data as { _entities?: unknown[] } | null | undefined)?._entities;
  const seen = new Set<number>();
  const expanded = Array.isArray(entities)
    ? positions.map((index) => {
        const entity = entities[index] ?? null;
        if (seen.has(index)) return entity === null ? null : structuredClone(entity);
        seen.add(index);
        return entity;
      })
    : entities;
  const errors = response.errors?.flatMap((error) => {
    const path = error.path;
    if (!path || path[0] !== '_entities' || typeof path[1] !== 'number') return [error];
    return positions.flatMap((index, position) =>
      index === path[1] ? [{ ...error, path: ['_entities', position, ...path.slice(2)] }] : [],
    );
  });
  return {
    ...response,
    ...(response.data ? { data: { ...response.data, _entities: expanded } } : {}),
    ...(errors ? { errors } : {}),
  } as GatewayGraphQLResponse;
}

/** Waits for `promise` unless `signal` aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function tooLarge(name: string): GraphQLError {
  return new GraphQLError(`The answer grew past the response size limit while reading from the ${name} service; ask for less.`, {
    extensions: { code: ErrorCode.RESPONSE_TOO_LARGE, serviceName: name },
  });
}

/** Counts a chunk of a subgraph's answer against the request's response budget; throws once it is spent. */
function charge(budget: RequestBudget | undefined, bytes: number, name: string): void {
  if (!budget) return;
  budget.responseBytesLeft -= bytes;
  if (budget.responseBytesLeft < 0) throw tooLarge(name);
}
