import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { startTracing } from '../platform/tracing';

/**
 * Tracing self-check: starts the four subgraphs and the gateway in this process, each on its own
 * loopback port and talking real HTTP, over an in-memory embedded database, with tracing into
 * memory; sends one signed-in query that spans innovations and members; prints the spans it
 * produced as one JSON line. tests/tracing.test.ts checks they form one connected trace
 * (gateway → subgraph → pg). Run after `npm run build`: `node dist/scripts/trace-check.js`.
 */
const exporter = new InMemorySpanExporter();
// Before anything loads http or pg, as in every service's main.ts.
const tracing = startTracing('trace-check', {}, { exporter })!;

interface PrintedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Record<string, unknown>;
}

function printable(span: ReadableSpan): PrintedSpan {
  const parent = (span as ReadableSpan & { parentSpanContext?: { spanId: string }; parentSpanId?: string }).parentSpanContext?.spanId;
  return {
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: parent ?? (span as unknown as { parentSpanId?: string }).parentSpanId,
    attributes: Object.fromEntries(
      Object.entries(span.attributes).filter(([key]) =>
        /^(ips\.|graphql\.|db\.system|db\.statement|http\.(route|target|method)|url\.path)/.test(key),
      ),
    ),
  };
}

async function main(): Promise<void> {
  const [
    { startEmbeddedPostgres },
    config,
    { startSubgraphService },
    { startGatewayService },
    { subgraphModules },
    { subgraphNames },
    { mintDevelopmentToken },
    { demoPersona },
  ] = await Promise.all([
    import('../platform/embedded-postgres'),
    import('../platform/config'),
    import('../platform/subgraph-server'),
    import('../gateway/server'),
    import('../subgraphs'),
    import('../platform/subgraph-names'),
    import('../gateway/development-tokens'),
    import('../demo-data/personas'),
  ]);
  // Only the span report goes to stdout.
  (await import('../platform/logger')).configureLogging({ level: 'silent', format: 'json' });
  const database = await startEmbeddedPostgres({ maxConnections: 20 });
  const services: { stop(): Promise<void> }[] = [];
  try {
    const gatewayEnv: Record<string, string> = { NODE_ENV: 'test', IPS_PROFILE: 'development', GATEWAY_PORT: '0' };
    for (const name of subgraphNames) {
      const names = config.subgraphVariableNames(name);
      const subgraphConfig = config.loadSubgraphConfig(name, {
        NODE_ENV: 'test',
        IPS_PROFILE: 'development',
        [names.port]: '0',
        [names.databaseUrl]: database.url,
        SEED_DEMO_DATA: 'true',
        DB_POOL_MAX: '4',
      });
      const service = await startSubgraphService(subgraphModules[name], subgraphConfig);
      services.push(service);
      gatewayEnv[config.gatewayVariableNames().subgraphUrl(name)] = service.url;
    }
    const gatewayConfig = config.loadGatewayConfig(gatewayEnv, subgraphNames);
    const gateway = await startGatewayService(gatewayConfig);
    services.push(gateway);
    exporter.reset();
    const token = await mintDevelopmentToken(gatewayConfig.authentication, demoPersona('kent-buyer').email);
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'query TracedSuppliers { innovations(first: 2) { edges { node { title supplier { name } } } } }' }),
    });
    const body = (await response.json()) as { errors?: unknown };
    // Server spans end when the response is written; give the last one a moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.stdout.write(
      `${JSON.stringify({ status: response.status, errors: body.errors ?? null, requestId: response.headers.get('x-request-id'), spans: exporter.getFinishedSpans().map(printable) })}\n`,
    );
  } finally {
    for (const service of services.reverse()) await service.stop();
    await database.stop();
    await tracing.shutdown();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
