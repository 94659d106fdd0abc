import path from 'node:path';
import autocannon from 'autocannon';
import { GatewayMetrics } from '../platform/metrics';
import { createAuthenticator, createTokenVerifier } from '../gateway/authentication';
import { startInProcessGraph } from '../gateway/in-process';
import { loadBenchConfig, loadGatewayConfig, loadHttpLimits, loadSubgraphConfig, type BenchConfig, type Environment } from '../platform/config';
import { openConfiguredDatabase, type SubgraphDatabase } from '../platform/database';
import { serveGraphQL } from '../platform/graphql-http';
import { defaultDataDirectory } from '../platform/paths';
import { statementCountHeader } from '../platform/statement-counter';
import { subgraphNames, type SubgraphName } from '../platform/subgraph-names';
import { subgraphModules } from '../subgraphs';
import { runSearchBenchmark } from './bench-search';
import { startStack } from './stack';

/**
 * `npm run bench`: one cross-subgraph query (approved innovations with their supplier from
 * members and their routes from procurement, via @requires) at fixed concurrency, against
 *   1. the production shape: gateway and four subgraphs as separate processes over HTTP, and
 *   2. the same gateway executing the same plan in-process (no subgraph HTTP hops): the lower bound.
 * Figures are printed, never asserted. Uses the PostgreSQL server when <SUBGRAPH>_DATABASE_URL
 * variables are set, else embedded databases under data/bench.
 */
const benchQuery = `query BenchInnovations {
  innovations(first: 50, filter: { statuses: [APPROVED] }) {
    totalCount
    edges { node { id title category trl supplier { name nation } availableVia { reference name } } }
  }
}`;

interface Figures {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  statementsPerRequest: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function probe(url: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: benchQuery }),
  });
  const body = (await response.json()) as { data?: { innovations?: { edges: unknown[] } }; errors?: unknown[] };
  if (body.errors || !body.data?.innovations?.edges.length) {
    throw new Error(`The benchmark query failed: ${JSON.stringify(body).slice(0, 500)}`);
  }
  return Number(response.headers.get(statementCountHeader));
}

async function load(url: string, config: BenchConfig, durationSeconds: number) {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: benchQuery }),
        connections: config.connections,
        duration: durationSeconds,
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    // autocannon reports p97.5 but not p95; keep every latency and compute the percentiles asked for.
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  return { result, latencies: latencies.sort((a, b) => a - b) };
}

async function measure(label: string, url: string, config: BenchConfig): Promise<Figures> {
  const statementsPerRequest = await probe(url);
  if (config.warmupSeconds > 0) await load(url, config, config.warmupSeconds);
  const { result, latencies } = await load(url, config, config.durationSeconds);
  // autocannon drops its sockets at the deadline; let the requests it abandoned finish before the
  // caller closes the databases under them.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return {
    label,
    requestsPerSecond: result.requests.average,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: result.errors + result.non2xx,
    statementsPerRequest,
  };
}

function print(config: BenchConfig, rows: Figures[], startupMs: number, databases: string): void {
  const fmt = (n: number) => n.toFixed(1).padStart(9);
  console.log(`\nIPS Graph benchmark — ${config.connections} connections, ${config.durationSeconds} s each, ${databases}`);
  console.log(`Stack (4 subgraphs + gateway) ready after ${(startupMs / 1000).toFixed(1)} s\n`);
  console.log(`${'mode'.padEnd(34)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(9)}${'SQL/req'.padStart(9)}`);
  for (const row of rows) {
    console.log(
      `${row.label.padEnd(34)}${fmt(row.requestsPerSecond)}${fmt(row.p50)}${fmt(row.p95)}${fmt(row.p99)}${String(row.errors).padStart(9)}${String(row.statementsPerRequest).padStart(9)}`,
    );
  }
  console.log('');
}

async function main(): Promise<void> {
  const config = loadBenchConfig(process.env);
  // `npm run bench -- --search`: the catalogue search at 1,000 and 100,000 innovations instead.
  if (process.argv.includes('--search')) return runSearchBenchmark(config);
  const env: Environment = {
    DATA_DIR: path.join(defaultDataDirectory, 'bench'),
    ...process.env,
    NODE_ENV: 'test',
    IPS_PROFILE: 'development',
    SEED_DEMO_DATA: 'true',
  };
  const subgraphConfigs = subgraphNames.map((name) => loadSubgraphConfig(name, env));
  const databasesLabel = subgraphConfigs.every((c) => c.database.url) ? 'PostgreSQL server' : 'embedded PGlite';

  const stack = await startStack({ env, log: () => {} });
  let overHttp: Figures;
  try {
    overHttp = await measure('gateway + subgraphs over HTTP', stack.gatewayUrl, config);
  } finally {
    await stack.stop();
  }

  // The same databases, now opened in this process (embedded ones cannot be open in two at once).
  const databases = {} as Record<SubgraphName, SubgraphDatabase>;
  for (const subgraph of subgraphConfigs) {
    const module = subgraphModules[subgraph.name];
    databases[subgraph.name] = await openConfiguredDatabase(subgraph.database, {
      schema: subgraph.name,
      entities: module.entities,
      migrations: module.migrations,
      logErrors: false,
    });
  }
  const graph = await startInProcessGraph(databases, { development: false });
  const authenticate = createAuthenticator(
    createTokenVerifier(loadGatewayConfig(env, subgraphNames).authentication),
    graph.lookupIdentity,
  );
  const listening = await serveGraphQL({
    apollo: graph.gateway,
    host: '127.0.0.1',
    port: 0,
    isReady: async () => true,
    authenticate: (request) => authenticate(request.get('authorization')),
    context: async (viewer) => ({ viewer }),
    http: loadHttpLimits(env),
    service: 'gateway',
    metrics: new GatewayMetrics(),
    observability: loadGatewayConfig(env, subgraphNames).observability,
  });
  try {
    const inProcess = await measure('gateway, subgraphs in-process', `http://127.0.0.1:${listening.port}/graphql`, config);
    print(config, [overHttp, inProcess], stack.readyAfterMs, databasesLabel);
  } finally {
    await listening.close();
    await graph.stop();
    for (const database of Object.values(databases)) await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
