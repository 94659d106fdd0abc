import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { Request, Router } from 'express';

import type { DataSource } from 'typeorm';
import { requireActiveMembership } from './active-membership';
import type { SubgraphConfig } from './config';
import { openConfiguredDatabase, type EntityList, type MigrationList, type SubgraphDatabase } from './database';
import {
  admitGatewayAssertion,
  gatewayAssertionHeader,
  InMemoryReplayGuard,
  RedisReplayGuard,
  type ReplayGuard,
} from './gateway-assertion';
import { AuthenticationError, rawBodyOf, serveGraphQL, sharedApolloOptions } from './graphql-http';
import { ServiceMetrics, type PoolStatistics } from './metrics';
import { keepsOutbox } from './outbox';
import { configuredEventTransport, createOutboxRelay, isEmbeddedDatabase, type OutboxRelay } from './outbox-relay';
import { connectRedis, redisSettled, redisUnavailability } from './redis';
import { answerRefusalsInPayloads } from './refusals';
import { entityTagsPlugin } from './entity-tags';
import type { ScheduledJob } from './scheduled-job';
import { loadSubgraphTypeDefs } from './subgraph-schema';
import type { Caller, Identity, SignInClaims } from './identity';
import type { SubgraphName } from './subgraph-names';

/** What a subgraph knows about one request: its database and who is asking. */
export interface RequestScope {
  dataSource: DataSource;
  viewer: Identity;
  /**
   * A caller whose verified token names nobody registered yet (`viewer` is null): the token's
   * claims, which members reads to accept an invitation sent to that address. Absent otherwise.
   */
  newcomer?: SignInClaims | null;
}

/**
 * Everything that makes one subgraph what it is. The bootstrap below turns a module into a
 * running service, and tests and the in-process gateway turn it into an ApolloServer, so every
 * subgraph runs through the same plumbing.
 */
export interface SubgraphModule<TContext extends BaseContext> {
  name: SubgraphName;
  resolvers: object;
  entities: EntityList;
  migrations: MigrationList;
  /** Called once per request: a fresh set of DataLoaders, so nothing is cached across requests. */
  createContext(request: RequestScope): TContext;
  /** Inserts the demo data set when the subgraph's tables are empty; a no-op otherwise. */
  seedDemoData(dataSource: DataSource): Promise<void>;
  /** Routes under `/internal`, for the gateway only (members: identity lookup). */
  internalRoutes?(router: Router, dataSource: DataSource): void;
  /**
   * The subgraph's scheduled jobs (platform/scheduled-job.ts), on its database: started when it is
   * served, stopped before the database closes. Every replica runs them; each tick runs once.
   */
  scheduledJobs?(dataSource: DataSource): ScheduledJob[];
}

export function createSubgraphServer<TContext extends BaseContext>(
  module: SubgraphModule<TContext>,
  options: { development: boolean; exposeStatementCount: boolean },
): ApolloServer<TContext> {
  const shared = sharedApolloOptions(options);
  const schema = buildSubgraphSchema({
    typeDefs: loadSubgraphTypeDefs(module.name),
    // Every mutation of every subgraph refuses people whose organisation is not an active member
    // (platform/active-membership.ts): one rule, applied here so no subgraph can forget it. Outside
    // it, every expected refusal becomes the payload's `refusal` (platform/refusals.ts).
    resolvers: answerRefusalsInPayloads(requireActiveMembership(module.resolvers)) as GraphQLResolverMap<unknown>,
  });
  return new ApolloServer<TContext>({
    schema,
    ...shared,
    // Traces are only useful to Apollo usage reporting, which nothing here consumes. Every answer
    // says which entities it contains, for the gateway's public cache (platform/entity-tags.ts).
    plugins: [ApolloServerPluginInlineTraceDisabled(), entityTagsPlugin(schema, module.name), ...shared.plugins],
  });
}

/**
 * Subgraphs serve only the gateway: every request, `_entities` and `_service` included, must be a
 * POST carrying a valid gateway assertion made for this subgraph and this exact body, which also
 * says who the caller is. (GET is refused: its operation is in the URL, which the assertion does
 * not cover.)
 */
async function authenticateGatewayRequest(
  request: Request,
  verification: { subgraph: SubgraphName; secret: string; maxLifetimeMs: number; replayGuard: ReplayGuard; now: () => number },
): Promise<Caller> {
  try {
    if (request.method !== 'POST') throw new Error('only POST is accepted');
    return await admitGatewayAssertion({
      assertion: request.get(gatewayAssertionHeader),
      subgraph: verification.subgraph,
      body: rawBodyOf(request),
      secret: verification.secret,
      maxLifetimeMs: verification.maxLifetimeMs,
      replayGuard: verification.replayGuard,
      now: verification.now(),
    });
  } catch {
    // A replay, or a replay guard that cannot tell (Redis away): refused either way (fail closed).
    throw new AuthenticationError('This service accepts requests only from the IPS gateway.');
  }
}

export interface RunningService {
  url: string;
  port: number;
  /** The separate `/metrics` listener, when one is configured (`<SERVICE>_METRICS_PORT`). */
  metricsUrl?: string;
  stop(): Promise<void>;
}

export interface SubgraphServiceOptions {
  /** The clock gateway assertions are checked against (tests move it). */
  now?: () => number;
}

/** Opens the database, migrates, seeds if asked, and serves `/graphql` plus the health routes. */
export async function startSubgraphService<TContext extends BaseContext>(
  module: SubgraphModule<TContext>,
  config: SubgraphConfig,
  options: SubgraphServiceOptions = {},
): Promise<RunningService> {
  const database = await openConfiguredDatabase(config.database, {
    schema: module.name,
    entities: module.entities,
    migrations: module.migrations,
    logErrors: config.development,
  });
  try {
    await database.migrate();
    if (config.seedDemoData) await module.seedDemoData(database.dataSource);
    const serving = await serveSubgraph(module, config, database, options);
    return {
      ...serving,
      async stop() {
        await serving.stop();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Serves a subgraph over an open, migrated database; `stop` leaves the database open. */
export async function serveSubgraph<TContext extends BaseContext>(
  module: SubgraphModule<TContext>,
  config: SubgraphConfig,
  database: SubgraphDatabase,
  options: SubgraphServiceOptions = {},
): Promise<RunningService> {
  const apollo = createSubgraphServer(module, config);
  await apollo.start();
  const metrics = new ServiceMetrics(module.name);
  // node-postgres's pool behind TypeORM: connections in use, idle and waited for.
  metrics.observeDatabasePool(() => (database.dataSource.driver as unknown as { master?: PoolStatistics }).master);
  // Several replicas of a subgraph share one replay guard in Redis, or an assertion refused by one
  // is accepted by another (issue 26); one replica keeps it in memory.
  const { redisUrl, keyPrefix } = config.sharedState;
  const redis = redisUrl ? connectRedis(redisUrl, `${module.name}: replay guard`, 'requests are refused (fail closed)') : undefined;
  if (redis) await redisSettled(redis);
  const verification = {
    subgraph: module.name,
    secret: config.gatewaySecret,
    maxLifetimeMs: config.gatewayAssertionLifetimeMs,
    replayGuard: redis ? new RedisReplayGuard(redis, `${keyPrefix}:replay:${module.name}`) : new InMemoryReplayGuard(),
    now: options.now ?? Date.now,
  };
  const isReady = async () => {
    const databaseReady = await database.isReady();
    if (!redis) return databaseReady;
    const redisProblem = redisUnavailability(redis);
    return {
      ready: databaseReady && redisProblem === null,
      checks: { database: databaseReady ? 'ready' : 'not ready', replayGuard: redisProblem ?? 'ready' },
    };
  };
  // A newcomer's claims, from the assertion to the request's context (serveGraphQL passes the viewer only).
  const newcomers = new WeakMap<Request, SignInClaims>();
  try {
    const listening = await serveGraphQL({
      apollo,
      host: config.host,
      port: config.port,
      isReady,
      service: module.name,
      metrics,
      observability: config.observability,
      adoptForwardedRequestId: true,
      authenticate: async (request) => {
        const caller = await authenticateGatewayRequest(request, verification);
        if (caller.newcomer) newcomers.set(request, caller.newcomer);
        return caller.viewer;
      },
      context: async (viewer, request) =>
        module.createContext({ dataSource: database.dataSource, viewer, newcomer: newcomers.get(request) ?? null }),
      internalRoutes: module.internalRoutes && ((router) => module.internalRoutes!(router, database.dataSource)),
      http: config.http,
    });
    const relay = await startOutboxRelay(module.name, config, database);
    const jobs = module.scheduledJobs?.(database.dataSource) ?? [];
    for (const job of jobs) job.start();
    return {
      url: `http://${config.host}:${listening.port}/graphql`,
      port: listening.port,
      ...(listening.metricsPort !== undefined
        ? { metricsUrl: `http://${config.observability.metricsHost}:${listening.metricsPort}/metrics` }
        : {}),
      async stop() {
        await listening.close();
        // Before the database closes: a pass or tick in flight finishes (or rolls back) first.
        await Promise.all(jobs.map((job) => job.stop()));
        await relay?.stop();
        await apollo.stop();
        await redis?.quit().catch(() => redis.disconnect());
      },
    };
  } catch (error) {
    await apollo.stop();
    redis?.disconnect();
    throw error;
  }
}

/**
 * The relay that carries the subgraph's domain events from its outbox to the consumers
 * (platform/outbox-relay.ts), when its configuration names a broker or consumers; otherwise none,
 * and events wait in the outbox until one is configured.
 */
async function startOutboxRelay(name: SubgraphName, config: SubgraphConfig, database: SubgraphDatabase): Promise<OutboxRelay | undefined> {
  if (!keepsOutbox(name)) return undefined;
  const transport = configuredEventTransport(name, config.eventDelivery, {
    secret: config.gatewaySecret,
    lifetimeMs: config.gatewayAssertionLifetimeMs,
  });
  if (!transport) return undefined;
  const relay = createOutboxRelay({
    source: name,
    dataSource: database.dataSource,
    transport,
    batchSize: config.eventDelivery.batchSize,
    pollIntervalMs: config.eventDelivery.pollIntervalMs,
    // `npm start` reaches its one PGlite through a URL too, so the database itself is asked.
    singleRelay: await isEmbeddedDatabase(database.dataSource),
  });
  relay.start();
  return relay;
}
