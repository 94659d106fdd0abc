import { randomBytes } from 'node:crypto';
import {
  gatewayVariableNames,
  loadGatewayConfig,
  loadSubgraphConfig,
  subgraphVariableNames,
  type Environment,
} from '../../platform/config';
import { openDatabase, type SubgraphDatabase } from '../../platform/database';
import { subgraphNames, type SubgraphName } from '../../platform/subgraph-names';
import { serveSubgraph, type RunningService } from '../../platform/subgraph-server';
import { startGatewayService } from '../../gateway/server';
import { demoExplorerPersonas } from '../../scripts/explorer-personas';
import { subgraphModules } from '../../subgraphs';
import { testPool } from './subgraph-harness';
import { createTestDatabase, type TestDatabase } from './test-database';

/**
 * The graph as production runs it, inside the test process: every subgraph served over HTTP with
 * its production configuration (NODE_ENV=production, a strong random gateway secret, a database
 * URL), and gateways over HTTP with production configuration in front of them. Tests start extra
 * gateways with other settings (a wrong secret, a hung subgraph, small limits) over the same
 * subgraphs.
 */
export interface ProductionGraph {
  databases: Record<SubgraphName, SubgraphDatabase>;
  subgraphUrls: Record<SubgraphName, string>;
  /** The production environment every service here was configured from. */
  env: Environment;
  gatewayUrl: string;
  /** Starts another production gateway; `overrides` change or add environment variables. */
  startGateway(overrides?: Environment): Promise<RunningService>;
  stop(): Promise<void>;
}

export async function startProductionGraph(overrides: Environment = {}): Promise<ProductionGraph> {
  const database: TestDatabase = await createTestDatabase();
  const env: Environment = {
    NODE_ENV: 'production',
    GATEWAY_SUBGRAPH_SECRET: randomBytes(48).toString('base64url'),
    // Anonymous probes never fetch the key set; it only has to be a well-formed production issuer.
    AUTH_JWKS_URL: 'https://id.ips-graph.example/.well-known/jwks.json',
    AUTH_ISSUER: 'https://id.ips-graph.example/',
    AUTH_AUDIENCE: 'ips-graph',
    DB_POOL_MAX: String(testPool.poolMax),
    DB_POOL_MODE: testPool.poolMode,
    // Every request here comes from one address: tests that want the rate limit set it themselves.
    GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
    ...overrides,
  };
  const databases = {} as Record<SubgraphName, SubgraphDatabase>;
  const services: RunningService[] = [];
  const subgraphUrls = {} as Record<SubgraphName, string>;
  for (const name of subgraphNames) {
    const module = subgraphModules[name];
    databases[name] = await openDatabase({
      schema: name,
      url: database.url,
      pool: testPool,
      entities: module.entities,
      migrations: module.migrations,
      logErrors: false,
    });
    await databases[name].migrate();
    await module.seedDemoData(databases[name].dataSource);
    const variables = subgraphVariableNames(name);
    const config = loadSubgraphConfig(name, { ...env, [variables.port]: '0', [variables.databaseUrl]: database.url });
    const service = await serveSubgraph(module, config, databases[name]);
    services.push(service);
    subgraphUrls[name] = service.url;
  }
  const startGateway = async (more: Environment = {}) => {
    const urls = Object.fromEntries(subgraphNames.map((name) => [gatewayVariableNames().subgraphUrl(name), subgraphUrls[name]]));
    // Handed the demo personas as the development launcher does; only a development-profile gateway offers them.
    const service = await startGatewayService(loadGatewayConfig({ ...env, ...urls, GATEWAY_PORT: '0', ...more }, subgraphNames), {
      explorerPersonas: demoExplorerPersonas,
    });
    services.push(service);
    return service;
  };
  const gateway = await startGateway();
  return {
    databases,
    subgraphUrls,
    env,
    gatewayUrl: gateway.url,
    startGateway,
    async stop() {
      for (const service of services.reverse()) await service.stop();
      for (const db of Object.values(databases)) await db.close();
      await database.drop();
    },
  };
}
