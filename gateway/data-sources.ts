import { AsyncLocalStorage } from 'node:async_hooks';
import { RemoteGraphQLDataSource, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { ApolloServer, BaseContext, GraphQLResponse } from '@apollo/server';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../platform/errors';
import { createGatewayAssertion, defaultGatewayAssertionLifetimeMs, gatewayAssertionHeader } from '../platform/gateway-assertion';
import type { Identity } from '../platform/identity';
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
 * on every call (@apollo/gateway has none, federation#2647), a SERVICE_UNAVAILABLE error a client
 * can branch on when the subgraph is down, and the subgraph's SQL statement count added to the
 * gateway request's own.
 */
export class SubgraphHttpDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    name: string,
    url: string,
    timeoutMs: number,
    secret: string,
    assertionLifetimeMs = defaultGatewayAssertionLifetimeMs,
  ) {
    super({
      url,
      fetcher: async (input, init) => {
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
          return await fetch(input, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) } as RequestInit);
        } catch (error) {
          throw new GraphQLError(`The ${name} service is unavailable; the rest of the answer is still returned.`, {
            extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, serviceName: name },
            originalError: error instanceof Error ? error : undefined,
          });
        }
      },
    });
  }

  override process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    return fetchingFor.run(options.context.viewer ?? null, () => super.process(options));
  }

  override async didReceiveResponse({
    response,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
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
