import { HEALTH_CHECK_QUERY, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import type { Request } from 'express';
import type { GatewayConfig } from '../platform/config';
import { createGatewayAssertion, gatewayAssertionHeader } from '../platform/gateway-assertion';
import { serveGraphQL } from '../platform/graphql-http';
import type { Readiness } from '../platform/http';
import type { SignInClaims } from '../platform/identity';
import { GatewayMetrics } from '../platform/metrics';
import { inClientSpan } from '../platform/observability';
import { subgraphNames, type SubgraphName } from '../platform/subgraph-names';
import type { RunningService } from '../platform/subgraph-server';
import {
  createAuthenticator,
  createCallerAuthenticator,
  createHttpIdentityLookup,
  createHttpPersonIdentityLookup,
  createTokenVerifier,
  type IdentityLookup,
} from './authentication';
import { SubgraphHttpDataSource, type GatewayContext } from './data-sources';
import type { MailboxSource } from './explorer/mailbox';
import { addExplorerRoutes, type ExplorerPersona } from './explorer/routes';
import { OperationPrevalidation, prevalidationMiddleware } from './operation-prevalidation';
import { createRateLimiter } from './rate-limit';
import type { Redis } from 'ioredis';
import { InMemoryCacheGeneration, RedisCacheGeneration } from './cache-generation';
import { sharedInFlightQueriesFastPath } from './shared-in-flight-queries';
import { connectRedis, redisSettled, redisUnavailability } from '../platform/redis';
import { createGatewayServer, readSupergraph } from './gateway';
import { PublicResponseCache } from './public-response-cache';
import { addCalendarRoutes } from './routes/calendar';
import { addDocumentRoutes } from './routes/documents';
import { addOcdsDownload } from './routes/ocds';
import { addUnsubscribeRoutes } from './routes/unsubscribe';

function isSubgraphName(name: string): name is SubgraphName {
  return (subgraphNames as readonly string[]).includes(name);
}

/** How long a readiness answer is reused, so probes do not fan out to every subgraph each time. */
const READINESS_CACHE_MS = 2_000;

type CheckOutcome = 'ok' | 'unreachable' | 'credentials refused';

/**
 * Asks members' identity route about a person nobody is (`.invalid` is reserved): 404 says members
 * is up, its database answers and it accepts this gateway's assertion; 401/403 says the secret is
 * wrong; anything else, or no answer, says signed-in callers cannot be served.
 */
function identityProbe(config: GatewayConfig): () => Promise<CheckOutcome> {
  const url = config.subgraphUrls.members.replace(/\/graphql\/?$/, '/internal/identity');
  return async () => {
    const body = JSON.stringify({ email: 'readiness-probe@ips-graph.invalid', issuer: 'ips-graph-readiness', subject: 'readiness-probe' });
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [gatewayAssertionHeader]: createGatewayAssertion({
            subgraph: 'members',
            body,
            identity: null,
            secret: config.gatewaySecret,
            lifetimeMs: config.gatewayAssertionLifetimeMs,
          }),
        },
        body,
        signal: AbortSignal.timeout(config.subgraphTimeoutMs),
      });
      await response.arrayBuffer();
      if (response.status === 401 || response.status === 403) return 'credentials refused';
      return [200, 404, 409].includes(response.status) ? 'ok' : 'unreachable';
    } catch {
      return 'unreachable';
    }
  };
}

/**
 * Ready once members can sign callers in (reachable, database up, accepting the gateway's
 * credentials) and no subgraph refuses the gateway's credentials (a misconfigured secret would fail
 * every request). Another subgraph being down degrades answers, not readiness: it is reported in
 * `checks` but the gateway still serves the rest of the graph.
 */
function gatewayReadiness(
  dataSources: Map<string, SubgraphHttpDataSource>,
  probeIdentity: () => Promise<CheckOutcome>,
  sharedState: Redis | undefined,
): () => Promise<Readiness> {
  let cached: { answer: Readiness; at: number } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < READINESS_CACHE_MS) return cached.answer;
    const [identity, ...subgraphs] = await Promise.all([
      probeIdentity(),
      ...[...dataSources.entries()].map(async ([name, dataSource]): Promise<[string, CheckOutcome]> => {
        const answered = await dataSource
          .process({
            kind: GraphQLDataSourceRequestKind.HEALTH_CHECK,
            request: { query: HEALTH_CHECK_QUERY, http: { url: dataSource.url!, method: 'POST', headers: new Headers() as never } },
            context: { viewer: null },
          })
          .then(
            () => true,
            () => false,
          );
        return [name, dataSource.refusedCredentials ? 'credentials refused' : answered ? 'ok' : 'unreachable'];
      }),
    ]);
    const checks: Record<string, string> = { identity: identity!, ...Object.fromEntries(subgraphs as [string, CheckOutcome][]) };
    // Redis away leaves the gateway serving (the cache bypassed, rate limits in memory): ready, and says so.
    if (sharedState) checks.sharedState = redisUnavailability(sharedState) ?? 'ok';
    const ready = identity === 'ok' && !(subgraphs as [string, CheckOutcome][]).some(([, outcome]) => outcome === 'credentials refused');
    cached = { answer: { ready, checks }, at: Date.now() };
    return cached.answer;
  };
}

/**
 * A subgraph fetch as the operator sees it: a client span (whose context the data source sends as
 * `traceparent`), and its latency and failure in the gateway's metrics. Wraps the data source so
 * the HTTP client inside can change freely.
 */
class ObservedDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(
    private readonly name: string,
    private readonly inner: GraphQLDataSource<GatewayContext>,
    private readonly metrics: GatewayMetrics,
  ) {}

  process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const end = this.metrics.subgraphFetchDuration.startTimer({ subgraph: this.name });
    return inClientSpan(`subgraph ${this.name}`, { 'ips.subgraph': this.name }, async () => {
      try {
        const response = await this.inner.process(options);
        end({ outcome: 'ok' });
        return response;
      } catch (error) {
        end({ outcome: 'failed' });
        this.metrics.subgraphFetchFailures.inc({ subgraph: this.name });
        throw error;
      }
    });
  }
}

/** Identity lookups counted and timed (there is no identity cache to report hits of). */
function observedIdentityLookup(lookup: IdentityLookup, metrics: GatewayMetrics): IdentityLookup {
  return (claims) =>
    inClientSpan('identity lookup', { 'ips.subgraph': 'members' }, async () => {
      const end = metrics.identityLookupDuration.startTimer();
      try {
        const result = await lookup(claims);
        metrics.identityLookups.inc({ outcome: result.status });
        return result;
      } catch (error) {
        metrics.identityLookups.inc({ outcome: 'failed' });
        throw error;
      } finally {
        end();
      }
    });
}

/** What a launcher may hand the gateway beyond its configuration. */
export interface GatewayServiceOptions {
  /**
   * Personas for the explorer's one-click sign-in, offered only under the development profile
   * (`personaSignInEnabled`). The development launcher passes the demo personas; gateway/main.ts
   * passes none, so the production gateway never loads demo data.
   */
  explorerPersonas?: readonly ExplorerPersona[];
  /**
   * The GOV.UK Notify stand-in whose emails the explorer's mailbox lists, under the development
   * profile only (gateway/explorer/mailbox.ts); the development launcher passes it when `npm start`
   * runs the stand-in.
   */
  notifyMailbox?: MailboxSource;
}

/** The gateway as a service: the supergraph over HTTP subgraphs, at the configured URLs. */
export async function startGatewayService(config: GatewayConfig, options: GatewayServiceOptions = {}): Promise<RunningService> {
  const dataSources = new Map<string, SubgraphHttpDataSource>();
  const metrics = new GatewayMetrics();
  // Several replicas share the cache generation through Redis, so a write answered by one retires
  // what every replica keeps (issue 26); one replica keeps it in memory.
  const { redisUrl, keyPrefix } = config.sharedState;
  const redis = redisUrl ? connectRedis(redisUrl, 'cache generation', 'the public cache and in-flight sharing are bypassed') : undefined;
  if (redis) await redisSettled(redis);
  const cacheGeneration = redis ? new RedisCacheGeneration(redis, `${keyPrefix}:cache-generation`) : new InMemoryCacheGeneration();
  const publicCache = config.publicCache
    ? new PublicResponseCache({
        ...config.publicCache,
        generation: cacheGeneration,
        onLookup: (outcome) => metrics.publicCacheLookups.inc({ outcome }),
      })
    : undefined;
  const apollo = createGatewayServer({
    cacheGeneration,
    ...(publicCache ? { publicCache } : {}),
    supergraphSdl: readSupergraph(config.supergraphPath),
    // Configured URLs win over the routing URLs baked into the supergraph, so one file serves
    // every environment.
    dataSource: ({ name, url }) => {
      const dataSource = new SubgraphHttpDataSource(
        name,
        isSubgraphName(name) ? config.subgraphUrls[name] : url!,
        config.subgraphTimeoutMs,
        config.gatewaySecret,
        config.gatewayAssertionLifetimeMs,
      );
      dataSources.set(name, dataSource);
      return new ObservedDataSource(name, dataSource, metrics);
    },
    development: config.development,
    exposeStatementCount: config.exposeStatementCount,
    limits: config.limits,
  });
  await apollo.start();
  // The gateway's own address, known once it listens (port 0 lets the system choose). The
  // development profile builds links on it when PUBLIC_BASE_URL is not set; nothing builds links on
  // a request's Host header, which the client writes.
  const ownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
  let ownOrigin: string | undefined;
  const publicBaseUrl = () => config.publicBaseUrl ?? (config.developmentProfile ? ownOrigin : undefined);
  const verifyToken = createTokenVerifier(config.authentication);
  const lookupIdentity = observedIdentityLookup(
    createHttpIdentityLookup(config.subgraphUrls.members, config.gatewaySecret, config.gatewayAssertionLifetimeMs),
    metrics,
  );
  const authenticate = createAuthenticator(verifyToken, lookupIdentity);
  // `/graphql` also admits newcomers (a valid token naming nobody registered yet), for accepting
  // an invitation only (gateway/newcomers.ts); their claims reach the context through this map.
  const authenticateCaller = createCallerAuthenticator(verifyToken, lookupIdentity);
  const newcomers = new WeakMap<Request, SignInClaims>();
  // The rate limit first (a client out of points costs nothing more), then the operation limits
  // that refuse by counts before Apollo validates; a refused document is charged extra.
  const rateLimiter = createRateLimiter(config.rateLimit);
  await rateLimiter?.ready();
  const prevalidation = new OperationPrevalidation(config.limits);
  const listening = await serveGraphQL({
    apollo,
    host: config.host,
    port: config.port,
    isReady: gatewayReadiness(dataSources, identityProbe(config), redis),
    beforeBody: rateLimiter ? [rateLimiter.anonymousMiddleware] : [],
    beforeGraphQL: [
      ...(rateLimiter ? [rateLimiter.middleware] : []),
      prevalidationMiddleware(prevalidation, rateLimiter ? (request, response) => rateLimiter.chargeRefusal(request, response) : undefined),
      // Last: a hit is answered with the kept bytes, once the client was charged and its document
      // passed pre-validation, without Apollo's request pipeline (gateway/public-response-cache.ts).
      ...(publicCache
        ? [
            publicCache.fastPath({
              isAnonymous: (request, response) => response.locals.viewer === null && !newcomers.has(request),
              exposeStatementCount: config.exposeStatementCount,
            }),
          ]
        : []),
      // Then a request identical to one of the caller's already in flight waits for its answer (gateway/shared-in-flight-queries.ts).
      sharedInFlightQueriesFastPath({
        generation: cacheGeneration,
        mayShare: (request) => !newcomers.has(request),
        exposeStatementCount: config.exposeStatementCount,
      }),
    ],
    service: 'gateway',
    metrics,
    observability: config.observability,
    authenticate: async (request) => {
      const caller = await authenticateCaller(request.get('authorization'));
      if (caller.newcomer) newcomers.set(request, caller.newcomer);
      return caller.viewer;
    },
    context: async (viewer, request) => ({ viewer, newcomer: newcomers.get(request) ?? null }),
    http: config.http,
    maxResponseBytes: config.limits.maxResponseBytes,
    publicRoutes: (app) => {
      addExplorerRoutes(app, config, options.explorerPersonas, options.notifyMailbox);
      addOcdsDownload(app, {
        procurementUrl: config.subgraphUrls.procurement,
        secret: config.gatewaySecret,
        assertionLifetimeMs: config.gatewayAssertionLifetimeMs,
        timeoutMs: config.subgraphTimeoutMs,
        publicBaseUrl,
      });
      addUnsubscribeRoutes(app, {
        notificationsUrl: config.subgraphUrls.notifications,
        gatewaySecret: config.gatewaySecret,
        assertionLifetimeMs: config.gatewayAssertionLifetimeMs,
        timeoutMs: config.subgraphTimeoutMs,
      });
      addDocumentRoutes(app, {
        subgraphUrls: { innovations: config.subgraphUrls.innovations, procurement: config.subgraphUrls.procurement },
        gatewaySecret: config.gatewaySecret,
        assertionLifetimeMs: config.gatewayAssertionLifetimeMs,
        limits: config.documents,
        authenticate,
      });
      addCalendarRoutes(app, {
        eventsUrl: config.subgraphUrls.events,
        gatewaySecret: config.gatewaySecret,
        assertionLifetimeMs: config.gatewayAssertionLifetimeMs,
        timeoutMs: config.subgraphTimeoutMs,
        authenticate,
        identityOfPerson: createHttpPersonIdentityLookup(
          config.subgraphUrls.members,
          config.gatewaySecret,
          config.gatewayAssertionLifetimeMs,
        ),
      });
    },
  });
  ownOrigin = `http://${ownHost}:${listening.port}`;
  return {
    url: `${ownOrigin}/graphql`,
    port: listening.port,
    ...(listening.metricsPort !== undefined
      ? { metricsUrl: `http://${config.observability.metricsHost}:${listening.metricsPort}/metrics` }
      : {}),
    async stop() {
      await listening.close();
      await apollo.stop();
      await rateLimiter?.close();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
