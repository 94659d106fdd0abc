import type { GatewayConfig } from '../platform/config';
import { serveGraphQL } from '../platform/graphql-http';
import { subgraphNames, type SubgraphName } from '../platform/subgraph-names';
import type { RunningService } from '../platform/subgraph-server';
import { createAuthenticator, createHttpIdentityLookup, createTokenVerifier } from './authentication';
import { SubgraphHttpDataSource } from './data-sources';
import { createGatewayServer, readSupergraph } from './gateway';
import { addOcdsDownload } from './routes/ocds';

function isSubgraphName(name: string): name is SubgraphName {
  return (subgraphNames as readonly string[]).includes(name);
}

/** The gateway as a service: the supergraph over HTTP subgraphs, at the configured URLs. */
export async function startGatewayService(config: GatewayConfig): Promise<RunningService> {
  const apollo = createGatewayServer({
    supergraphSdl: readSupergraph(config.supergraphPath),
    // Configured URLs win over the routing URLs baked into the supergraph, so one file serves
    // every environment.
    dataSource: ({ name, url }) =>
      new SubgraphHttpDataSource(
        name,
        isSubgraphName(name) ? config.subgraphUrls[name] : url!,
        config.subgraphTimeoutMs,
        config.gatewaySecret,
      ),
    development: config.development,
    exposeStatementCount: config.exposeStatementCount,
  });
  await apollo.start();
  const authenticate = createAuthenticator(
    createTokenVerifier(config.authentication),
    createHttpIdentityLookup(config.subgraphUrls.members, config.gatewaySecret),
  );
  const listening = await serveGraphQL({
    apollo,
    host: config.host,
    port: config.port,
    // Ready once the supergraph is loaded; a subgraph being down degrades answers, not readiness.
    isReady: async () => true,
    authenticate: (request) => authenticate(request.get('authorization')),
    context: async (viewer) => ({ viewer }),
    publicRoutes: [
      (app) => addOcdsDownload(app, { procurementUrl: config.subgraphUrls.procurement, secret: config.gatewaySecret, timeoutMs: config.subgraphTimeoutMs }),
    ],
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
