import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { SpanKind } from '@opentelemetry/api';
import { loadTracingConfig } from '../platform/config';

/**
 * Issue 13, item 3: one request makes one connected trace across the services it touched. The
 * check runs in a process of its own (scripts/trace-check.ts, compiled by `npm test`'s build), as
 * a service's main does: tracing must start before http and pg load, which jest's module loader
 * would hide. Inside it the gateway and the subgraphs talk real HTTP, so the trace context crosses
 * the wire as it does between processes.
 */
jest.setTimeout(240_000);

interface PrintedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

const script = path.resolve(__dirname, '..', 'dist', 'scripts', 'trace-check.js');

describe('tracing', () => {
  it('is off by default and on with the standard OTEL_* variables', () => {
    expect(loadTracingConfig({}, 'gateway').exporter).toBeUndefined();
    expect(
      loadTracingConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, 'gateway').exporter,
    ).toBeUndefined();
    expect(loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, 'gateway')).toEqual({
      exporter: 'otlp',
      serviceName: 'ips-graph-gateway',
    });
    expect(loadTracingConfig({ OTEL_TRACES_EXPORTER: 'console', OTEL_SERVICE_NAME: 'edge' }, 'members')).toEqual({
      exporter: 'console',
      serviceName: 'edge',
    });
    expect(loadTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }, 'members').exporter).toBeUndefined();
  });

  it('connects the gateway, the subgraphs it fetched from and their SQL in one trace', async () => {
    if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build first (npm test does)`);
    const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 200_000, maxBuffer: 16 * 1024 * 1024 });
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as {
      status: number;
      errors: unknown;
      requestId: string;
      spans: PrintedSpan[];
    };
    expect(report.status).toBe(200);
    expect(report.errors).toBeNull();

    const gatewayServer = report.spans.find((span) => span.kind === SpanKind.SERVER && span.parentSpanId === undefined);
    expect(gatewayServer).toBeDefined();
    const traceId = gatewayServer!.traceId;
    // Everything the request caused is in its trace, and every span's parent is in it too.
    const trace = report.spans.filter((span) => span.traceId === traceId);
    expect(trace).toHaveLength(report.spans.length);
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const roots = trace.filter((span) => span.parentSpanId === undefined);
    expect(roots).toEqual([gatewayServer]);
    for (const span of trace) if (span.parentSpanId !== undefined) expect(byId.has(span.parentSpanId)).toBe(true);

    const ancestors = (span: PrintedSpan): PrintedSpan[] => {
      const chain: PrintedSpan[] = [];
      for (
        let parent = span.parentSpanId && byId.get(span.parentSpanId);
        parent;
        parent = parent.parentSpanId && byId.get(parent.parentSpanId)
      ) {
        chain.push(parent);
      }
      return chain;
    };
    for (const subgraph of ['innovations', 'members']) {
      // gateway → subgraph fetch (client) → the subgraph's HTTP server span → its pg queries
      const fetch = trace.find((span) => span.name === `subgraph ${subgraph}`);
      expect(fetch?.kind).toBe(SpanKind.CLIENT);
      expect(ancestors(fetch!)).toContain(gatewayServer);
      const server = trace.find((span) => span.kind === SpanKind.SERVER && span.parentSpanId === fetch!.spanId);
      expect(server?.attributes['graphql.operation.name']).toMatch(new RegExp(`__${subgraph}__`));
      const queries = trace.filter((span) => span.name.startsWith('pg.query') && ancestors(span).includes(server!));
      expect(queries.length).toBeGreaterThan(0);
    }
    // Sign-in: the identity lookup in members belongs to the same trace.
    const lookup = trace.find((span) => span.name === 'identity lookup');
    expect(trace.some((span) => span.kind === SpanKind.SERVER && span.parentSpanId === lookup?.spanId)).toBe(true);
  });
});
