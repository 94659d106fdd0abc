import { AsyncLocalStorage } from 'node:async_hooks';
import { RemoteGraphQLDataSource, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { ApolloServer, BaseContext, GraphQLResponse } from '@apollo/server';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { ErrorCode } from '../platform/errors';
import { createGatewayAssertion, defaultGatewayAssertionLifetimeMs, gatewayAssertionHeader } from '../platform/gateway-assertion';
import type { Identity } from '../platform/identity';
import { currentRequestBudget, type RequestBudget } from '../platform/request-budget';
import { currentStatementCounter, statementCountHeader } from '../platform/statement-counter';

/** What the gateway knows about a request: who is asking, established from the bearer token. */
export interface GatewayContext {
  viewer: Identity;
}

/**
 * The caller of the subgraph fetch in progress. The fetcher is where the exact body is known (the
 * assertion binds its digest) but it gets no context, so `process` hands the identity down.
 */
const fetchingFor = new AsyncLocalStorage<Identity>();

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
  ) {
    super({
      url,
      fetcher: async (input, init) => {
        const budget = currentRequestBudget();
        // A subgraph that already hung once in this request is not waited for again.
        if (budget?.timedOutSubgraphs.has(name)) throw unavailable(name);
        const timeout = AbortSignal.timeout(timeoutMs);
        const signal = budget ? AbortSignal.any([timeout, budget.signal]) : timeout;
        // Identity travels only as the gateway's assertion, made for this subgraph and this body;
        // no client header is passed on.
        const headers = {
          ...(init?.headers as Record<string, string>),
          [gatewayAssertionHeader]: createGatewayAssertion({
            subgraph: name,
            body: (init?.body as string | undefined) ?? '',
            identity: fetchingFor.getStore() ?? null,
            secret,
            lifetimeMs: assertionLifetimeMs,
          }),
        };
        try {
          const response = await fetch(input, { ...init, headers, signal } as RequestInit);
          return await withLimitedBody(response, budget, name);
        } catch (error) {
          if (error instanceof GraphQLError) throw error;
          if (timeout.aborted) budget?.timedOutSubgraphs.add(name);
          throw unavailable(name, error);
        }
      },
    });
  }

  override process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    return fetchingFor.run(options.context.viewer ?? null, () => super.process(options));
  }

  /**
   * A subgraph that answers with an HTTP error (e.g. 401 because the gateway's secret is wrong)
   * is unavailable as far as clients are concerned; its URL and body go to the log only.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    this.refusedCredentials = response.status === 401 || response.status === 403;
    console.error(`[gateway] the ${this.name} subgraph answered HTTP ${response.status}: ${(await response.text()).slice(0, 500)}`);
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
    private readonly createContext: (viewer: Identity) => TContext,
  ) {}

  async process({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const response: GraphQLResponse = await this.server.executeOperation(
      { query: request.query, variables: request.variables, operationName: request.operationName },
      { contextValue: this.createContext(context.viewer ?? null) },
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

/**
 * Reads a subgraph's body while counting it against the request's response budget, and stops
 * reading (RESPONSE_TOO_LARGE) as soon as the budget is spent, so an oversized answer never sits
 * whole in the gateway's memory.
 */
async function withLimitedBody(response: Response, budget: RequestBudget | undefined, name: string): Promise<Response> {
  if (!budget || !response.body) return response;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    budget.responseBytesLeft -= value.byteLength;
    if (budget.responseBytesLeft < 0) {
      await reader.cancel();
      throw new GraphQLError(`The answer grew past the response size limit while reading from the ${name} service; ask for less.`, {
        extensions: { code: ErrorCode.RESPONSE_TOO_LARGE, serviceName: name },
      });
    }
    chunks.push(value);
  }
  return new Response(Buffer.concat(chunks), { status: response.status, statusText: response.statusText, headers: response.headers });
}
