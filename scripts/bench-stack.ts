import { randomBytes } from 'node:crypto';
import { gatewayVariableNames, subgraphVariableNames, type Environment } from '../platform/config';
import { openDatabase } from '../platform/database';
import { subgraphNames } from '../platform/subgraph-names';
import { subgraphModules } from '../subgraphs';
import { freePort, type BenchIssuer } from './bench-identity';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';

/**
 * What the benchmarks (scripts/bench*.ts) share to start the graph as production runs it: a
 * scratch database with every subgraph migrated and seeded, and the environment of a stack on it.
 */

/** A scratch database on the server, every subgraph's schema migrated and the demo data seeded (production never seeds). */
export async function seededScratchDatabase(
  serverUrl: string,
  name: string,
  { statementTimeoutMs = 10_000 }: { statementTimeoutMs?: number } = {},
): Promise<ScratchDatabase> {
  const database = await createScratchDatabase(serverUrl, name);
  try {
    for (const subgraph of subgraphNames) {
      const module = subgraphModules[subgraph];
      const opened = await openDatabase({
        schema: subgraph,
        url: database.url,
        pool: { poolMax: 2, statementTimeoutMs, connectionTimeoutMs: 5_000 },
        entities: module.entities,
        migrations: module.migrations,
        logErrors: false,
      });
      try {
        await opened.migrate();
        await module.seedDemoData(opened.dataSource);
      } finally {
        await opened.close();
      }
    }
    return database;
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/**
 * The environment of a production stack (scripts/stack.ts) on `databaseUrl`: NODE_ENV=production
 * (graphql-js without its development checks), sign-in by the benchmark's issuer, a fresh
 * gateway↔subgraph secret, every service on a free port of 127.0.0.1, then `settings` (Notify's,
 * the broker's, anything a benchmark changes) over those.
 */
export async function productionStackEnvironment(issuer: BenchIssuer, databaseUrl: string, settings: Environment): Promise<Environment> {
  const env: Environment = {
    ...process.env,
    NODE_ENV: 'production',
    IPS_PROFILE: undefined,
    SEED_DEMO_DATA: undefined,
    AUTH_DEV_SECRET: undefined,
    APOLLO_TELEMETRY_DISABLED: '1',
    // autocannon writes its next request before it reads the `Connection: close` a server sends
    // with a socket's last allowed answer, so our per-socket limit (1,000) shows up as errors at
    // a few thousand req/s that no keep-alive client honouring the header would meet (Hive has
    // no such limit). The benchmarks lift it; production keeps it.
    HTTP_MAX_REQUESTS_PER_SOCKET: '100000000',
    // Thousands of requests a second from one address and a few people: the per-client rate
    // limit would measure itself. Off unless `settings` turn it on (`--validation-attack` does).
    GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
    GATEWAY_SUBGRAPH_SECRET: randomBytes(48).toString('base64url'),
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    ...settings,
    [gatewayVariableNames().port]: String(await freePort()),
  };
  for (const name of subgraphNames) {
    const variables = subgraphVariableNames(name);
    env[variables.port] = String(await freePort());
    env[variables.databaseUrl] = databaseUrl;
    env[gatewayVariableNames().subgraphUrl(name)] = `http://127.0.0.1:${env[variables.port]}/graphql`;
  }
  env.PROCUREMENT_INNOVATIONS_URL = env[gatewayVariableNames().subgraphUrl('innovations')];
  return env;
}
