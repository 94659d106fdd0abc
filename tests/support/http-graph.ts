import type { BaseContext } from '@apollo/server';
import {
  gatewayVariableNames,
  loadGatewayConfig,
  loadSubgraphConfig,
  subgraphVariableNames,
  type Environment,
  type NotifyConfig,
} from '../../platform/config';
import { domainEventDeliveryPath } from '../../platform/event-inbox';
import { startGatewayService } from '../../gateway/server';
import { demoExplorerPersonas } from '../../scripts/explorer-personas';
import { subgraphNames, type SubgraphName } from '../../platform/subgraph-names';
import { startSubgraphService, type RunningService, type SubgraphModule } from '../../platform/subgraph-server';
import { subgraphModules } from '../../subgraphs';
import { startNotificationsService } from '../../subgraphs/notifications/service';
import { testPool } from './subgraph-harness';
import { createTestDatabase } from './test-database';

/**
 * The four subgraphs as HTTP services on free ports, in this process, over one test database
 * (each in its own schema, seeded with the demo data), and optionally our gateway in front.
 * For tests that need real HTTP between services without spawning five processes.
 */
export interface HttpGraph {
  subgraphUrls: Record<SubgraphName, string>;
  /** Our gateway's `/graphql` URL, when one was started. */
  gatewayUrl: string | undefined;
  /** The one test database every service's schema is in (for tests that check what was stored). */
  databaseUrl: string;
  stop(): Promise<void>;
}

export async function startHttpGraph(options: {
  nodeEnv: 'development' | 'test' | 'production';
  gateway: boolean;
  /** More environment for the gateway (e.g. GATEWAY_PUBLIC_CACHE_SECONDS). */
  gatewayEnv?: Environment;
  /**
   * Domain events carried to the notifications subgraph as a deployment carries them (issue 25).
   * Notifications then starts first and runs as its own process does (startNotificationsService:
   * the delivery endpoint, the broker's durable consumer when `env` names NATS_URL, the email sender
   * to `notify`), and every other subgraph gets `env` (EVENTS_STREAM, OUTBOX_POLL_INTERVAL_MS, …)
   * and, with no NATS_URL, EVENT_CONSUMERS naming notifications' `/internal/domain-events`, as
   * scripts/stack.ts sets it. Without this option no relay runs: events stay in the outboxes.
   */
  domainEvents?: { env: Environment; notify: NotifyConfig };
  /** Modules to serve instead of the system-clock ones (e.g. built on a test's ManualClock, or with document limits). */
  modules?: Partial<Record<SubgraphName, SubgraphModule<BaseContext>>>;
}): Promise<HttpGraph> {
  const database = await createTestDatabase();
  const services: RunningService[] = [];
  const subgraphUrls = {} as Record<SubgraphName, string>;
  try {
    const { domainEvents } = options;
    // Notifications first when it takes deliveries: the others' relays deliver to it from their start.
    const order = domainEvents ? ['notifications' as const, ...subgraphNames.filter((name) => name !== 'notifications')] : subgraphNames;
    // One after the other: migrations and seeds of every service in one embedded database.
    for (const name of order) {
      const names = subgraphVariableNames(name);
      const events: Environment = {};
      if (domainEvents) {
        Object.assign(events, domainEvents.env);
        if (name !== 'notifications' && !domainEvents.env.NATS_URL) {
          events.EVENT_CONSUMERS = `notifications=${new URL(subgraphUrls.notifications).origin}/internal${domainEventDeliveryPath}`;
        }
      }
      const config = loadSubgraphConfig(name, {
        NODE_ENV: options.nodeEnv === 'production' ? 'test' : options.nodeEnv,
        // The committed development secrets: only the test's own processes share them.
        IPS_PROFILE: 'development',
        [names.port]: '0',
        [names.databaseUrl]: database.url,
        SEED_DEMO_DATA: 'true',
        DB_POOL_MAX: '4',
        DB_POOL_MODE: testPool.poolMode,
        ...events,
      });
      const service =
        domainEvents && name === 'notifications'
          ? await startNotificationsService(config, domainEvents.notify, 'https://ips.example.org')
          : await startSubgraphService(options.modules?.[name] ?? subgraphModules[name], config);
      services.push(service);
      subgraphUrls[name] = service.url;
    }
    let gatewayUrl: string | undefined;
    if (options.gateway) {
      const env: Environment = {
        NODE_ENV: options.nodeEnv,
        IPS_PROFILE: 'development',
        [gatewayVariableNames().port]: '0',
        // Every request here comes from one address: tests that want the rate limit set it themselves.
        GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
        ...options.gatewayEnv,
      };
      for (const name of subgraphNames) env[gatewayVariableNames().subgraphUrl(name)] = subgraphUrls[name];
      if (options.nodeEnv === 'production') {
        throw new Error('A production gateway needs an OIDC issuer; use "test" for HTTP tests.');
      }
      // As `npm start` runs it (scripts/development-gateway.ts): the demo personas for the explorer's sign-in.
      const gateway = await startGatewayService(loadGatewayConfig(env, subgraphNames), { explorerPersonas: demoExplorerPersonas });
      services.push(gateway);
      gatewayUrl = gateway.url;
    }
    return {
      subgraphUrls,
      gatewayUrl,
      databaseUrl: database.url,
      async stop() {
        for (const service of services.reverse()) await service.stop();
        await database.drop();
      },
    };
  } catch (error) {
    for (const service of services.reverse()) await service.stop();
    await database.drop();
    throw error;
  }
}
