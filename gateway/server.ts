import { HEALTH_CHECK_QUERY } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import type { GatewayConfig } from '../platform/config';
import { serveGraphQL } from '../platform/graphql-http';
import { subgraphNames, type SubgraphName } from '../platform/subgraph-names';
import type { RunningService } from '../platform/subgraph-server';
import { createAuthenticator, createHttpIdentityLookup, createTokenVerifier } from './authentication';
import { SubgraphHttpDataSource } from './data-sources';
import { addExplorerRoutes } from './explorer/routes';
import { createGatewayServer, readSupergraph } from './gateway';
import { addCalendarRoutes } from './routes/calendar';
import { addOcdsDownload } from './routes/ocds';

function isSubgraphName(name: string): name is SubgraphName {
  return (subgraphNames as readonly string[]).includes(name);
}

/** How long a readiness answer is reused, so probes do not fan out to every subgraph each time. */
const READINESS_CACHE_MS = 2_000;

/**
 * Ready once the supergraph is loaded and every subgraph that answers accepts the gateway's
 * credentials. A subgraph that is down degrades answers, not readiness; one that refuses the
 * gateway (a misconfigured secret) would fail every request, so the gateway is not ready.
 */
function subgraphReadiness(dataSources: Map<string, SubgraphHttpDataSource>): () => Promise<boolean> {
  let cached: { ready: boolean; at: number } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < READINESS_CACHE_MS) return cached.ready;
    const answers = await Promise.all(
      [...dataSources.values()].map(async (dataSource) => {
        await dataSource
          .process({
            kind: GraphQLDataSourceRequestKind.HEALTH_CHECK,
            request: { query: HEALTH_CHECK_QUERY, http: { url: dataSource.url!, method: 'POST', headers: new Headers() as never } },
            context: { viewer: null },
          })
          .catch(() => undefined);
        return !dataSource.refusedCredentials;
      }),
    );
    cached = { ready: answers.every(Boolean), at: Date.now() };
    return cached.ready;
  };
}

/** The gateway as a service: the supergraph over HTTP subgraphs, at the configured URLs. */
export async function startGatewayService(config: GatewayConfig): Promise<RunningService> {
  const dataSources = new Map<string, SubgraphHttpDataSource>();
  const apollo = createGatewayServer({
    supergraphSdl: readSupergraph(config.supergraphPath),
    // Configured URLs win over the routing URLs baked into the supergraph, so one file serves
    // every environment.
    dataSource: ({ name, url }) => {
      const dataSource = new SubgraphHttpDataSource(
        name,
        isSubgraphName(name) ? config.subgraphUrls[name] : url!,
        config.subgraphTimeoutMs,
        config.gatewaySecret,
        config.gatewayAssertionLifetimeMs,
      );
      dataSources.set(name, dataSource);
      return dataSource;
    },
    development: config.development,
    exposeStatementCount: config.exposeStatementCount,
    limits: config.limits,
  });
  await apollo.start();
  const authenticate = createAuthenticator(
    createTokenVerifier(config.authentication),
    createHttpIdentityLookup(config.subgraphUrls.members, config.gatewaySecret, config.gatewayAssertionLifetimeMs),
  );
  const listening = await serveGraphQL({
    apollo,
    host: config.host,
    port: config.port,
    isReady: subgraphReadiness(dataSources),
    authenticate: (request) => authenticate(request.get('authorization')),
    context: async (viewer) => ({ viewer }),
    http: config.http,
    maxResponseBytes: config.limits.maxResponseBytes,
    publicRoutes: (app) => {
      addExplorerRoutes(app, config);
      addOcdsDownload(app, {
        procurementUrl: config.subgraphUrls.procurement,
        secret: config.gatewaySecret,
        assertionLifetimeMs: config.gatewayAssertionLifetimeMs,
        timeoutMs: config.subgraphTimeoutMs,
      });
      addCalendarRoutes(app, {
        eventsUrl: config.subgraphUrls.events,
        gatewaySecret: config.gatewaySecret,
        assertionLifetimeMs: config.gatewayAssertionLifetimeMs,
        timeoutMs: config.subgraphTimeoutMs,
        authenticate,
      });
    },
  });
  return {
    url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${listening.port}/graphql`,
    port: listening.port,
    async stop() {
      await listening.close();
      await apollo.stop();
    },
  };
}
