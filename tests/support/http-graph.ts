import {
  gatewayVariableNames,
  loadGatewayConfig,
  loadSubgraphConfig,
  subgraphVariableNames,
  type Environment,
} from '../../platform/config';
import { startGatewayService } from '../../gateway/server';
import { demoExplorerPersonas } from '../../scripts/explorer-personas';
import { subgraphNames, type SubgraphName } from '../../platform/subgraph-names';
import { startSubgraphService, type RunningService } from '../../platform/subgraph-server';
import { subgraphModules } from '../../subgraphs';
import { testPool } from './subgraph-harness';
import { createTestDatabase } from './test-database';

/**
 * The four subgraphs as HTTP services on free ports, in this process, over one test database
 * (each in its own schema, seeded with the demo data), and optionally our gateway in front.
 * For tests that need real HTTP between services without spawning five processes.
 */
export interface HttpGraph {
  subgraphUrls: Record<SubgraphName, string>;
  /** Our gateway's `/graphql` URL, when one was started. */
  gatewayUrl: string | undefined;
  stop(): Promise<void>;
}

export async function startHttpGraph(options: {
  nodeEnv: 'development' | 'test' | 'production';
  gateway: boolean;
  /** More environment for the gateway (e.g. GATEWAY_PUBLIC_CACHE_SECONDS). */
  gatewayEnv?: Environment;
}): Promise<HttpGraph> {
  const database = await createTestDatabase();
  const services: RunningService[] = [];
  const subgraphUrls = {} as Record<SubgraphName, string>;
  try {
    // One after the other: migrations and seeds of four services in one embedded database.
    for (const name of subgraphNames) {
      const names = subgraphVariableNames(name);
      const config = loadSubgraphConfig(name, {
        NODE_ENV: options.nodeEnv === 'production' ? 'test' : options.nodeEnv,
        // The committed development secrets: only the test's own processes share them.
        IPS_PROFILE: 'development',
        [names.port]: '0',
        [names.databaseUrl]: database.url,
        SEED_DEMO_DATA: 'true',
        DB_POOL_MAX: '4',
        DB_POOL_MODE: testPool.poolMode,
      });
      const service = await startSubgraphService(subgraphModules[name], config);
      services.push(service);
      subgraphUrls[name] = service.url;
    }
    let gatewayUrl: string | undefined;
    if (options.gateway) {
      const env: Environment = {
        NODE_ENV: options.nodeEnv,
        IPS_PROFILE: 'development',
        [gatewayVariableNames().port]: '0',
        // Every request here comes from one address: tests that want the rate limit set it themselves.
        GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
        ...options.gatewayEnv,
      };
      for (const name of subgraphNames) env[gatewayVariableNames().subgraphUrl(name)] = subgraphUrls[name];
      if (options.nodeEnv === 'production') {
        throw new Error('A production gateway needs an OIDC issuer; use "test" for HTTP tests.');
      }
      // As `npm start` runs it (scripts/development-gateway.ts): the demo personas for the explorer's sign-in.
      const gateway = await startGatewayService(loadGatewayConfig(env, subgraphNames), { explorerPersonas: demoExplorerPersonas });
      services.push(gateway);
      gatewayUrl = gateway.url;
    }
    return {
      subgraphUrls,
      gatewayUrl,
      async stop() {
        for (const service of services.reverse()) await service.stop();
        await database.drop();
      },
    };
  } catch (error) {
    for (const service of services.reverse()) await service.stop();
    await database.drop();
    throw error;
  }
}
