import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { loadTracingConfig, type Environment } from './config';

/**
 * OpenTelemetry tracing of a service: HTTP in and out (the gateway's fetches to subgraphs carry
 * `traceparent`, set explicitly in the data source), GraphQL operations (a span per subgraph fetch
 * at the gateway, the operation name on the server span) and every `pg` query. Off unless the
 * standard `OTEL_*` variables turn it on (platform/config.ts `loadTracingConfig`); when off, the
 * API calls elsewhere are no-ops.
 *
 * Must run before `http` and `pg` are first loaded (each `main.ts` calls it first), so their
 * instrumentation can wrap them.
 */
export interface Tracing {
  /** Sends the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

export function startTracing(service: string, env: Environment, options: { exporter?: SpanExporter } = {}): Tracing | undefined {
  const config = loadTracingConfig(env, service);
  if (!options.exporter && !config.exporter) return undefined;
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(config.exporter === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter());
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [processor],
  });
  // Registers the W3C trace-context propagator and the AsyncLocalStorage context manager.
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Probes and scrapes would be most of the spans and say nothing.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => /^\/(health|metrics)\b/.test(request.url ?? '') }),
      // The statement text only (parameters carry personal data); spans only inside a request.
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    ],
  });
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}
