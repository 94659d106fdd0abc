import type { ApolloServer, ApolloServerOptions, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import type { HttpLimits, ObservabilityConfig } from './config';
import { createErrorFormatter, ErrorCode } from './errors';
import { addHealthRoutes, createApp, listen, type Listening, type Readiness } from './http';
import type { Identity } from './identity';
import { errorFields, logger } from './logger';
import type { ServiceMetrics } from './metrics';
import {
  addMetricsRoute,
  adoptForwardedRequestId,
  attachStatementCounter,
  observationPlugin,
  observeRequests,
  serveMetrics,
} from './observability';
import { uploadTicketHeader } from './documents/document-routes';
import { currentRequestContext } from './request-context';
import { abandonedRequests, withRequestBudget, type RequestBudget } from './request-budget';
import { currentStatementCounter, statementCountHeader, withStatementCounter } from './statement-counter';

/** Adds the request's SQL statement count to the response, for the gateway and the tests. */
export function statementCountPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const counter = currentStatementCounter();
          if (counter) response.http.headers.set(statementCountHeader, String(counter.count));
        },
      };
    },
  };
}

/**
 * No schema here declares cache hints, so Apollo's cache-control plugin (on by default) would only
 * wrap every resolver to compute "uncacheable" (≈5% of a subgraph's CPU, issue 10). It is switched
 * off, and every answer still says `no-store` as that plugin did, so no shared cache keeps one
 * caller's data for another.
 */
export function noStorePlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}

/**
 * ApolloServer settings every service shares: errors masked through the one formatter, schema
 * details and stack traces only in development, and shutdown left to platform/process.ts, which
 * stops HTTP, then Apollo, then the database, in that order.
 */
export function sharedApolloOptions(options: { development: boolean; exposeStatementCount: boolean }) {
  return {
    formatError: createErrorFormatter({ development: options.development }),
    includeStacktraceInErrorResponses: options.development,
    introspection: options.development,
    hideSchemaDetailsFromClientErrors: !options.development,
    // Apollo derives its remaining defaults (landing page, stack traces) from process.env.NODE_ENV,
    // which may be unset on a real deployment: decide them by the profile instead.
    nodeEnv: options.development ? 'development' : 'production',
    // Apollo's own token limit rejects oversized documents with a proper 400, unlike some plugins.
    parseOptions: { maxTokens: 10_000 },
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
      observationPlugin(),
      ...(options.exposeStatementCount ? [statementCountPlugin()] : []),
    ],
  } satisfies Partial<ApolloServerOptions<BaseContext>>;
}

/** Thrown by an `authenticate` function: the request is answered 401 with no data. */
export class AuthenticationError extends Error {}

export interface ServeOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  host: string;
  port: number;
  isReady: () => Promise<Readiness>;
  /** Names the service in log lines and metrics. */
  service: string;
  metrics: ServiceMetrics;
  observability: ObservabilityConfig;
  /** Subgraphs adopt the gateway's request id once its assertion is verified. */
  adoptForwardedRequestId?: boolean;
  /** Establishes who is asking, before any resolver runs; throws AuthenticationError to refuse. */
  authenticate: (request: Request) => Promise<Identity>;
  /** The request too, for what authentication established beyond the viewer (a newcomer's claims). */
  context: (viewer: Identity, request: Request) => Promise<TContext>;
  /** Further routes behind the same authentication (e.g. members' identity lookup). */
  internalRoutes?: (router: express.Router) => void;
  http: HttpLimits;
  /** Subgraph response bytes one request may gather (the gateway); unlimited when absent. */
  maxResponseBytes?: number;
  /** Public routes beside /graphql that authenticate for themselves (the explorer, calendar files). */
  publicRoutes?: (app: Express) => void;
  /**
   * Run on `/graphql` after authentication and before Apollo (the gateway's rate limit and its
   * operation limits counted before validation); each may answer the request itself.
   */
  beforeGraphQL?: express.RequestHandler[];
  /** Run on `/graphql` before the body is read (the gateway's rate limit of anonymous clients). */
  beforeBody?: express.RequestHandler[];
}

/**
 * A streamed internal request (a document upload, `application/octet-stream`) cannot have its body
 * hashed before it is read, so the gateway signs its ticket header instead: here the ticket's bytes
 * stand where the body's would be for the assertion's digest (platform/documents/document-routes.ts).
 * A JSON request keeps its body bound as ever.
 */
const bindStreamedRequestTicket: express.RequestHandler = (request, _response, next) => {
  const ticket = request.get(uploadTicketHeader);
  if (ticket && !request.is('application/json')) (request as Request & { rawBody?: Buffer }).rawBody = Buffer.from(ticket, 'utf8');
  next();
};

/** The body bytes exactly as received, kept for the gateway assertion's digest (empty if none). */
export function rawBodyOf(request: Request): Buffer {
  return (request as Request & { rawBody?: Buffer }).rawBody ?? emptyBody;
}
const emptyBody = Buffer.alloc(0);

/**
 * A request's budget: aborted when the client goes away before its answer is sent, or when the
 * time budget is spent. Everything the request started (subgraph calls, SQL) watches the signal.
 */
function startBudget(response: Response, limits: HttpLimits, maxResponseBytes: number): RequestBudget {
  const controller = new AbortController();
  controller.signal.addEventListener('abort', () => (abandonedRequests.count += 1), { once: true });
  const timer = setTimeout(() => controller.abort(new Error('The request time budget was spent.')), limits.requestTimeBudgetMs);
  response.on('close', () => {
    clearTimeout(timer);
    if (!response.writableFinished) controller.abort(new Error('The client went away.'));
  });
  return { signal: controller.signal, responseBytesLeft: maxResponseBytes, timedOutSubgraphs: new Set() };
}

/**
 * Malformed or oversized bodies get a GraphQL-shaped JSON error in every profile, never Express's
 * HTML error page (which, in development, carries a stack trace).
 */
const jsonErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, _request, response, next) => {
  if (response.headersSent) return next(error);
  const [status, message] =
    error.type === 'entity.parse.failed'
      ? [400, 'The request body is not valid JSON.']
      : error.type === 'entity.too.large'
        ? [413, 'The request body is too large.']
        : error.status && error.status >= 400 && error.status < 500
          ? [error.status, 'The request is malformed.']
          : [500, 'Internal server error'];
  if (status === 500) logger().error(errorFields(error), 'unhandled error');
  const requestId = currentRequestContext()?.requestId;
  response.status(status).json({
    errors: [
      {
        message,
        extensions: { code: status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_REQUEST, ...(requestId ? { requestId } : {}) },
      },
    ],
  });
};

/**
 * How deeply a request's JSON may nest. Input objects here nest a few levels; a body nested 10,000
 * deep overflowed the stack of code that walks variables and answered 500 (issue 22).
 */
export const maxRequestNesting = 64;

/** Whether `value` nests deeper than `limit` (walked without recursion, stopping at the first too deep). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [next, depth] = pending.pop()!;
    if (typeof next !== 'object' || next === null) continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(next) ? next : Object.values(next)) pending.push([child, depth + 1]);
  }
  return false;
}

const persistedQueryShape = '`extensions.persistedQuery` must be { "version": 1, "sha256Hash": "<64 hexadecimal characters>" }.';

/** What is wrong with one operation's `extensions.persistedQuery` (automatic persisted queries), if anything. */
function malformedPersistedQuery(extensions: unknown): string | undefined {
  if (typeof extensions !== 'object' || extensions === null || !('persistedQuery' in extensions)) return undefined;
  const persisted = (extensions as { persistedQuery: unknown }).persistedQuery;
  if (typeof persisted !== 'object' || persisted === null || Array.isArray(persisted)) return persistedQueryShape;
  const { version, sha256Hash } = persisted as { version?: unknown; sha256Hash?: unknown };
  return version === 1 && typeof sha256Hash === 'string' && /^[0-9a-fA-F]{64}$/.test(sha256Hash) ? undefined : persistedQueryShape;
}

/** A GET parameter holding JSON, parsed; anything unparsable is left for Apollo to refuse. */
function jsonParameter(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Refuses, with 400 BAD_REQUEST before authentication or Apollo, request shapes that Apollo or our
 * plugins would otherwise meet with an exception: JSON nested deeper than `maxRequestNesting`, and
 * a malformed persisted-query extension (Apollo reads `persistedQuery.version` and `sha256Hash`
 * of whatever it is given). A POST body may be one operation or a batch; a GET carries
 * `variables` and `extensions` as JSON parameters.
 */
const refuseMalformedRequests: express.RequestHandler = (request, response, next) => {
  const operations: unknown[] =
    request.method === 'GET'
      ? [{ variables: jsonParameter(request.query.variables), extensions: jsonParameter(request.query.extensions) }]
      : Array.isArray(request.body)
        ? request.body
        : [request.body];
  let problem: string | undefined;
  if (operations.some((operation) => nestsDeeperThan(operation, maxRequestNesting))) {
    problem = `The request nests deeper than the ${maxRequestNesting} levels allowed.`;
  } else {
    for (const operation of operations) {
      problem ??= malformedPersistedQuery((operation as { extensions?: unknown } | null)?.extensions);
    }
  }
  if (!problem) return next();
  const requestId = currentRequestContext()?.requestId;
  response
    .status(400)
    .json({ errors: [{ message: problem, extensions: { code: ErrorCode.BAD_REQUEST, ...(requestId ? { requestId } : {}) } }] });
};

function refuse(response: Response, message: string): void {
  response.status(401).json({ errors: [{ message, extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
}

/**
 * Serves a started ApolloServer at `/graphql`, with the health routes beside it. Each request is
 * authenticated first, then runs inside its own statement counter, so the gateway and every
 * subgraph can report what it cost.
 */
export async function serveGraphQL<TContext extends BaseContext>(
  options: ServeOptions<TContext>,
): Promise<Listening & { metricsPort?: number }> {
  const app: Express = createApp();
  // Who the client is behind a load balancer (HTTP_TRUST_PROXY): `request.ip`, which the rate limits count by.
  app.set('trust proxy', options.http.trustProxy);
  const maxResponseBytes = options.maxResponseBytes ?? Number.POSITIVE_INFINITY;
  app.use(
    observeRequests({
      service: options.service,
      metrics: options.metrics,
      trustIncomingTraceparent: options.observability.trustIncomingTraceparent,
    }),
  );
  addHealthRoutes(app, options.isReady);
  if (options.observability.metricsOnPublicPort) addMetricsRoute(app, options.metrics);
  app.get('/', (_request, response) => response.redirect('/graphql'));
  options.publicRoutes?.(app);
  const authenticate: express.RequestHandler = (request, response, next) => {
    const budget = startBudget(response, options.http, maxResponseBytes);
    options.authenticate(request).then(
      (viewer) => {
        response.locals.viewer = viewer;
        if (options.adoptForwardedRequestId) adoptForwardedRequestId(request, response);
        const context = currentRequestContext();
        if (context && viewer) context.personId = viewer.personId;
        const counter = { count: 0 };
        attachStatementCounter(counter);
        withStatementCounter(counter, () => withRequestBudget(budget, next));
      },
      (error: unknown) => {
        if (error instanceof AuthenticationError) return refuse(response, error.message);
        // Identity could not be established (e.g. members unreachable): fail closed, retryably.
        logger().error(errorFields(error), 'sign-in failed: identity could not be established');
        const requestId = currentRequestContext()?.requestId;
        response.status(503).json({
          errors: [
            {
              message: 'Sign-in is temporarily unavailable.',
              extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, ...(requestId ? { requestId } : {}) },
            },
          ],
        });
      },
    );
  };
  // Parsed before authentication, keeping the raw bytes: the gateway assertion binds their digest.
  const json = express.json({
    limit: '1mb',
    verify: (request, _response, body) => {
      (request as unknown as { rawBody: Buffer }).rawBody = body;
    },
  });
  if (options.internalRoutes) {
    const router = express.Router();
    options.internalRoutes(router);
    app.use('/internal', json, bindStreamedRequestTicket, authenticate, router);
  }
  app.use(
    '/graphql',
    ...(options.beforeBody ?? []),
    json,
    refuseMalformedRequests,
    authenticate,
    ...(options.beforeGraphQL ?? []),
    expressMiddleware(options.apollo, {
      context: async ({ req, res }) => options.context((res.locals.viewer ?? null) as Identity, req),
    }),
  );
  app.use(jsonErrors);
  const listening = await listen(app, options.host, options.port, options.http, (limit) =>
    options.metrics.connectionsRefused.inc({ limit }),
  );
  let metrics: Listening | undefined;
  try {
    metrics = await serveMetrics(options.metrics, options.observability, options.http);
  } catch (error) {
    await listening.close();
    throw error;
  }
  return {
    ...listening,
    metricsPort: metrics?.port,
    async close() {
      await Promise.all([listening.close(), metrics?.close()]);
    },
  };
}
