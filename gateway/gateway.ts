import { readFileSync } from 'node:fs';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import type { OperationLimits } from '../platform/config';
import { sharedApolloOptions } from '../platform/graphql-http';
import { supergraphPath } from '../platform/paths';
import { cacheGenerationPlugin, InMemoryCacheGeneration, type CacheGeneration } from './cache-generation';
import { collectingContents } from './answer-contents';
import { adoptScalarParsers } from './custom-scalars';
import type { GatewayContext } from './data-sources';
import { newcomerPlugin } from './newcomers';
import { operationLimitsPlugin } from './operation-limits';
import { operationResolutionPlugin } from './operation-resolution';
import { introspectionByRolePlugin } from './explorer/introspection-by-role';
import type { PublicResponseCache } from './public-response-cache';
import { sharedInFlightQueriesPlugin } from './shared-in-flight-queries';
import { reportOutagesAtFields } from './subgraph-outage';

export interface GatewayOptions {
  /** The composed supergraph (defaults to the committed `schema/supergraph.graphql`). */
  supergraphSdl?: string;
  /** How to reach each subgraph, by name as it appears in the supergraph. */
  dataSource: (subgraph: { name: string; url: string | undefined }) => GraphQLDataSource<GatewayContext>;
  development: boolean;
  exposeStatementCount: boolean;
  /** Depth, aliases, directives, repeats and cost, enforced before any subgraph call. */
  limits: OperationLimits;
  /**
   * Share anonymous query answers for a few seconds; off when absent. Built on `cacheGeneration`;
   * its express fast path (gateway/server.ts) answers hits in front of Apollo.
   */
  publicCache?: PublicResponseCache;
  /** What the cache and the in-flight sharing belong to (gateway/cache-generation.ts); in memory by default. */
  cacheGeneration?: CacheGeneration;
}

export function readSupergraph(path = supergraphPath): string {
  return readFileSync(path, 'utf8');
}

/**
 * The gateway serves the static, committed supergraph: it never introspects subgraphs at start-up,
 * so it starts, and serves the rest of the graph, while a subgraph is down. The same file runs
 * unchanged on Apollo Router or Hive Gateway.
 */
export function createGatewayServer(options: GatewayOptions): ApolloServer<GatewayContext> {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readSupergraph(),
    // A subgraph that is down fails its fields, each with its own error, not the whole answer.
    // Each fetch's report of what it contains is collected for the public cache (gateway/answer-contents.ts).
    buildService: ({ name, url }) => reportOutagesAtFields(collectingContents(options.dataSource({ name, url }))),
  });
  // Malformed DateTime and Date values are refused here, not by a subgraph (gateway/custom-scalars.ts).
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => adoptScalarParsers(apiSchema));
  const generation = options.cacheGeneration ?? options.publicCache?.generation ?? new InMemoryCacheGeneration();
  // A write must move on the very generation the cache catches up with, or it would drop nothing.
  if (options.publicCache && options.publicCache.generation !== generation) {
    throw new Error('The public cache must be built on the cache generation of the gateway.');
  }
  const shared = sharedApolloOptions(options);
  return new ApolloServer<GatewayContext>({
    gateway,
    // The gateway copies subgraph errors through verbatim, so it masks them too (shared formatter).
    ...shared,
    // Introspection is decided per caller by the plugin below; Apollo's landing page (which loads
    // from a CDN) is replaced by the explorer the gateway serves itself (gateway/explorer/).
    introspection: true,
    // Apollo's own token limit, at the gateway's: the backstop for requests that do not pass the
    // pre-validation middleware (gateway/operation-prevalidation.ts), e.g. the in-process graph.
    parseOptions: { maxTokens: options.limits.maxTokens },
    plugins: [
      ApolloServerPluginUsageReportingDisabled(),
      // First: no plugin below is handed a request whose operation could not be resolved.
      operationResolutionPlugin(),
      cacheGenerationPlugin(generation),
      // A newcomer (valid token, nobody registered yet) may only accept an invitation.
      newcomerPlugin(),
      operationLimitsPlugin(options.limits),
      ApolloServerPluginLandingPageDisabled(),
      introspectionByRolePlugin({ development: options.development }),
      // Before the shared plugins: its Cache-Control header must be set before noStorePlugin's default.
      ...(options.publicCache ? [options.publicCache.plugin()] : []),
      sharedInFlightQueriesPlugin(),
      ...shared.plugins,
    ],
  });
}
