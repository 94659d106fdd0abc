import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Latency buckets in seconds: a local subgraph answers in milliseconds, a slow one in seconds. */
const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Operation names come from clients, so they are a label only while well formed and few: past
 * this many distinct names (or a name that is not a GraphQL name) the operation counts as `other`,
 * and a client cannot blow up the metric series.
 */
const maxOperationLabels = 200;
const graphqlName = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/** A pg pool's counters (node-postgres exposes them on the pool). */
export interface PoolStatistics {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * One service's Prometheus metrics, in a registry of its own (tests run the gateway and four
 * subgraphs in one process; each keeps its own numbers). Every series carries `service`.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();

  readonly requests = new Counter({
    name: 'ips_requests_total',
    help: 'HTTP requests served, by route, GraphQL operation and HTTP status',
    labelNames: ['route', 'operation', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestErrors = new Counter({
    name: 'ips_request_errors_total',
    help: 'Errors in GraphQL responses, by operation and extensions.code',
    labelNames: ['operation', 'code'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'ips_request_duration_seconds',
    help: 'Time to answer a request, by route and GraphQL operation',
    labelNames: ['route', 'operation'] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });

  /** Connections closed on arrival by the caps of platform/http.ts (`process` or `address`). */
  readonly connectionsRefused = new Counter({
    name: 'ips_connections_refused_total',
    help: 'Connections closed as they arrived: past HTTP_MAX_CONNECTIONS (process) or HTTP_MAX_CONNECTIONS_PER_ADDRESS (address)',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'ips_process_' });
  }

  /** The label for a client-chosen operation name (see maxOperationLabels). */
  operationLabel(name: string | undefined): string {
    if (!name) return 'anonymous';
    if (!graphqlName.test(name)) return 'other';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= maxOperationLabels) return 'other';
    this.operations.add(name);
    return name;
  }

  /** Subgraph databases: connections in use, idle and waited for, read when scraped. */
  observeDatabasePool(pool: () => PoolStatistics | undefined): void {
    new Gauge({
      name: 'ips_db_pool_connections',
      help: 'Database pool connections: in_use, idle, and waiting (requests queued for a connection)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const statistics = pool();
        if (!statistics) return;
        this.set({ state: 'in_use' }, statistics.totalCount - statistics.idleCount);
        this.set({ state: 'idle' }, statistics.idleCount);
        this.set({ state: 'waiting' }, statistics.waitingCount);
      },
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** The gateway's own: subgraph fetches and identity lookups. */
export class GatewayMetrics extends ServiceMetrics {
  readonly subgraphFetchDuration = new Histogram({
    name: 'ips_subgraph_fetch_duration_seconds',
    help: 'Time a subgraph fetch took, by subgraph and outcome (ok or failed)',
    labelNames: ['subgraph', 'outcome'] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  readonly subgraphFetchFailures = new Counter({
    name: 'ips_subgraph_fetch_failures_total',
    help: 'Subgraph fetches that failed (unreachable, timed out, refused the gateway, HTTP error), by subgraph',
    labelNames: ['subgraph'] as const,
    registers: [this.registry],
  });
  /**
   * The gateway keeps no identity cache (every signed-in request asks members, so a removal takes
   * effect at once); what an operator watches instead is how many lookups, how long, how many fail.
   */
  readonly identityLookups = new Counter({
    name: 'ips_identity_lookups_total',
    help: 'Identity lookups in members, by outcome (signed-in, unknown, subject-mismatch, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly identityLookupDuration = new Histogram({
    name: 'ips_identity_lookup_duration_seconds',
    help: 'Time an identity lookup in members took',
    buckets: latencyBuckets,
    registers: [this.registry],
  });

  readonly publicCacheLookups = new Counter({
    name: 'ips_public_cache_lookups_total',
    help: 'Anonymous queries looked up in the public response cache, by outcome (hit or miss)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    super('gateway');
  }
}
