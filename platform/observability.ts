import { context as otelContext, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import express, { type Express, type Request, type RequestHandler } from 'express';
import type { HttpLimits, ObservabilityConfig } from './config';
import { isKnownErrorCode, ErrorCode } from './errors';
import { createApp, listen, type Listening } from './http';
import { logger } from './logger';
import type { ServiceMetrics } from './metrics';
import {
  currentRequestContext,
  isWellFormedRequestId,
  newRequestId,
  requestIdHeader,
  traceIdOf,
  withRequestContext,
  type RequestContext,
} from './request-context';
import type { StatementCounter } from './statement-counter';

/** The per-request context's statement counter (set when the request is authenticated). */
const statementCounters = new WeakMap<RequestContext, StatementCounter>();

export function attachStatementCounter(counter: StatementCounter): void {
  const request = currentRequestContext();
  if (request) statementCounters.set(request, counter);
}

/** Routes as metric labels: the first path segment of the routes services serve, never ids. */
const knownRoutes = new Set(['graphql', 'internal', 'health', 'metrics', 'explorer', 'events', 'calendar', 'ocds']);
function routeLabel(path: string): string {
  const segment = path.split('/')[1] ?? '';
  return knownRoutes.has(segment) ? `/${segment}` : 'other';
}

/**
 * The first middleware of every service: gives the request its id (made here at the gateway, or
 * the trace id of a trusted `traceparent`; a subgraph adopts the gateway's after verifying its
 * assertion, see `adoptForwardedRequestId`), sends it back as `x-request-id`, and when the answer
 * is sent writes the request's one log line and counts it in the service's metrics.
 */
export function observeRequests(options: { service: string; metrics: ServiceMetrics; trustIncomingTraceparent: boolean }): RequestHandler {
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    // Read now: routers mounted under a prefix rewrite it while they handle the request.
    const path = request.path;
    const trusted = options.trustIncomingTraceparent ? traceIdOf(request.get('traceparent')) : undefined;
    const context: RequestContext = {
      service: options.service,
      requestId: trusted ?? newRequestId(),
      errorCodes: [],
      metrics: options.metrics,
    };
    response.setHeader(requestIdHeader, context.requestId);
    response.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(path);
      const operation = options.metrics.operationLabel(context.operationName);
      const status = response.writableFinished ? response.statusCode : 499;
      options.metrics.requests.inc({ route, operation, status: String(status) });
      options.metrics.requestDuration.observe({ route, operation }, seconds);
      for (const code of context.errorCodes) options.metrics.requestErrors.inc({ operation, code });
      // Probes and scrapes arrive every few seconds; they are logged only at debug level.
      const level = route === '/health' || route === '/metrics' ? 'debug' : 'info';
      withRequestContext(context, () =>
        logger()[level](
          {
            method: request.method,
            path: route === 'other' ? 'other' : path,
            status,
            durationMs: Math.round(seconds * 10_000) / 10,
            ...(context.operationName ? { operationName: context.operationName } : {}),
            ...(statementCounters.has(context) ? { statements: statementCounters.get(context)!.count } : {}),
            ...(context.personId ? { personId: context.personId } : {}),
            ...(context.errorCodes.length > 0 ? { errorCodes: [...new Set(context.errorCodes)] } : {}),
          },
          'request',
        ),
      );
    });
    withRequestContext(context, next);
  };
}

/**
 * A subgraph trusts the gateway's `x-request-id` only once the request's gateway assertion is
 * verified: anyone else could choose ids to muddle the logs.
 */
export function adoptForwardedRequestId(request: Request, response: express.Response): void {
  const context = currentRequestContext();
  const forwarded = request.get(requestIdHeader);
  if (!context || !isWellFormedRequestId(forwarded)) return;
  context.requestId = forwarded;
  if (!response.headersSent) response.setHeader(requestIdHeader, forwarded);
}

/**
 * Headers every call from the gateway to a subgraph carries: the request id, and the W3C trace
 * context of the current span when tracing is on (set explicitly, so traces connect whatever HTTP
 * client makes the call).
 */
export function forwardedHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const request = currentRequestContext();
  if (request) headers[requestIdHeader] = request.requestId;
  propagation.inject(otelContext.active(), headers);
  return headers;
}

/** Records the operation name and the error codes of each GraphQL request for the log line and metrics. */
export function observationPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName }) {
          const context = currentRequestContext();
          if (context && operationName) context.operationName = operationName;
          if (operationName) trace.getActiveSpan()?.setAttribute('graphql.operation.name', operationName);
        },
        async didEncounterErrors({ errors, request }) {
          const context = currentRequestContext();
          if (!context) return;
          context.operationName ??= request.operationName ?? undefined;
          for (const error of errors) {
            const code = error.extensions?.code;
            context.errorCodes.push(isKnownErrorCode(code) ? code : ErrorCode.INTERNAL_SERVER_ERROR);
          }
        },
      };
    },
  };
}

/**
 * `/metrics` on a separate listener (`<SERVICE>_METRICS_PORT`), for a scraper inside the
 * deployment; the public port never serves it in production.
 */
export function addMetricsRoute(app: Express, metrics: ServiceMetrics): void {
  app.get('/metrics', async (_request, response) => {
    const { contentType, body } = await metrics.render();
    response.type(contentType).send(body);
  });
}

export async function serveMetrics(metrics: ServiceMetrics, config: ObservabilityConfig, http: HttpLimits): Promise<Listening | undefined> {
  if (config.metricsPort === undefined) return undefined;
  const app = createApp();
  addMetricsRoute(app, metrics);
  return listen(app, config.metricsHost, config.metricsPort, http);
}

export const tracer = () => trace.getTracer('ips-graph');

/** Runs `work` in a client span (a subgraph fetch, an identity lookup), recording failure. */
export function inClientSpan<T>(name: string, attributes: Record<string, string>, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
