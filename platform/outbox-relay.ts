import type { DataSource } from 'typeorm';
import type { EventDeliveryConfig } from './config';
import { JetStreamPublisher } from './event-broker';
import { createGatewayAssertion, gatewayAssertionHeader } from './gateway-assertion';
import { errorFields, logger } from './logger';
import { eventFromRow, outboxTable, type DomainEvent, type OutboxRow, type OutboxSource } from './outbox';

/**
 * Carries a subgraph's domain events from its outbox (platform/outbox.ts) to the consumers, at least
 * once. Each pass is one transaction: take the oldest unpublished rows (`sequence` order, a small
 * batch) `FOR UPDATE SKIP LOCKED`, publish them, mark them published, commit. A publish that fails
 * rolls the pass back and the rows are taken again on a later pass; a pass that published but could
 * not commit publishes them again, and the broker's duplicate window or the consumer's inbox
 * (platform/event-inbox.ts) drops the repeat by event id.
 *
 * Several replicas each run a relay: SKIP LOCKED hands each row to one pass at a time, so no two
 * replicas publish the same row concurrently, and a replica's pass never waits on another's. The
 * lock lives only inside the pass's transaction, so this works through PgBouncer's transaction
 * pooling (no LISTEN, no session lock). Order: within a pass events go out in `sequence` order;
 * across replicas and retries they may arrive out of order, so consumers do not depend on it.
 */
export interface EventTransport {
  /** Resolves only once every event is durably accepted (by the broker, or by every consumer). */
  publish(events: readonly DomainEvent[]): Promise<void>;
  close(): Promise<void>;
  /** For log lines: where the events go. */
  readonly description: string;
}

export interface OutboxRelayOptions {
  source: OutboxSource;
  dataSource: DataSource;
  transport: EventTransport;
  batchSize: number;
  pollIntervalMs: number;
  /** The longest pause after failed passes (doubling from the poll interval). */
  maxBackoffMs?: number;
  /**
   * The embedded database (PGlite, development only): one relay per outbox by construction (one
   * process per subgraph), and one transaction at a time for every subgraph sharing the instance,
   * so a pass must not hold its transaction open while it publishes: a consumer on the same
   * instance could not commit the delivery it is waiting for. Such a pass reads, publishes, then
   * marks in a second short transaction. Never for a server, where replicas need the row locks.
   */
  singleRelay?: boolean;
}

export interface OutboxRelay {
  /** One pass: publishes up to a batch and returns how many events it published. */
  relayOnce(): Promise<number>;
  /** Starts polling in the background. */
  start(): void;
  /** Looks at once instead of at the next poll (after a commit that recorded events). */
  wake(): void;
  /** Stops polling and waits for a pass in flight; closes the transport. */
  stop(): Promise<void>;
}

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { source, dataSource, transport, batchSize, pollIntervalMs } = options;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const table = outboxTable(source);
  const log = logger(`${source} outbox relay`);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let failures = 0;

  const unpublished = `SELECT id, sequence, kind, subject_typename, subject_id, facts, occurred_at FROM ${table}
    WHERE published_at IS NULL ORDER BY sequence LIMIT $1`;
  // Bookkeeping, like created_at: the database's clock, not the subgraph's injected one.
  const markPublished = `UPDATE ${table} SET published_at = now() WHERE id = ANY($1::uuid[]) AND published_at IS NULL`;

  async function relayOnce(): Promise<number> {
    if (options.singleRelay) {
      const rows = (await dataSource.query(unpublished, [batchSize])) as OutboxRow[];
      if (rows.length === 0) return 0;
      await transport.publish(rows.map((row) => eventFromRow(source, row)));
      await dataSource.query(markPublished, [rows.map((row) => row.id)]);
      return rows.length;
    }
    return dataSource.transaction(async (manager) => {
      const rows = (await manager.query(`${unpublished} FOR UPDATE SKIP LOCKED`, [batchSize])) as OutboxRow[];
      if (rows.length === 0) return 0;
      await transport.publish(rows.map((row) => eventFromRow(source, row)));
      await manager.query(markPublished, [rows.map((row) => row.id)]);
      return rows.length;
    });
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      running = pass().finally(() => (running = undefined));
    }, delayMs);
    timer.unref();
  }

  async function pass(): Promise<void> {
    let published = 0;
    try {
      published = await relayOnce();
      if (failures > 0) log.info({ transport: transport.description }, 'domain events are being delivered again');
      failures = 0;
    } catch (error) {
      // Logged once per outage, like Redis: the events wait in the outbox meanwhile.
      if (failures === 0)
        log.warn({ ...errorFields(error), transport: transport.description }, 'domain events could not be delivered; retrying');
      failures += 1;
    }
    // A full batch: more may be waiting, look again at once.
    const delay = failures > 0 ? Math.min(pollIntervalMs * 2 ** failures, maxBackoffMs) : published === batchSize ? 0 : pollIntervalMs;
    schedule(delay);
  }

  return {
    relayOnce,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    wake() {
      if (!stopped && !running) schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await transport.close();
    },
  };
}

/**
 * The embedded default, with no broker: each batch is POSTed to every configured consumer's
 * delivery endpoint (platform/event-inbox.ts `acceptDomainEventDeliveries`), signed as the gateway
 * signs its calls to subgraphs (platform/gateway-assertion.ts: made for the consumer's name, over
 * the exact body, short-lived, used once), and counts as published only when every consumer
 * answered 2xx, which each does only after committing the events. A consumer that is away holds the
 * batch back for all; the ones that had it drop the repeat by event id.
 */
export class HttpEventTransport implements EventTransport {
  readonly description: string;

  constructor(
    private readonly source: OutboxSource,
    private readonly consumers: readonly { name: string; url: string }[],
    private readonly signing: { secret: string; lifetimeMs: number },
    private readonly timeoutMs: number,
  ) {
    this.description = `HTTP to ${consumers.map((consumer) => consumer.name).join(', ')}`;
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    const body = JSON.stringify({ source: this.source, events });
    await Promise.all(
      this.consumers.map(async (consumer) => {
        const response = await fetch(consumer.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [gatewayAssertionHeader]: createGatewayAssertion({
              subgraph: consumer.name,
              body,
              identity: null,
              secret: this.signing.secret,
              lifetimeMs: this.signing.lifetimeMs,
            }),
          },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        // Drained either way, so the connection goes back to the pool.
        await response.arrayBuffer().catch(() => undefined);
        if (!response.ok) throw new Error(`${consumer.name} answered ${response.status} to a delivery of ${events.length} event(s)`);
      }),
    );
  }

  async close(): Promise<void> {}
}

/** A JetStream publisher as a transport. */
class JetStreamTransport implements EventTransport {
  readonly description: string;
  private readonly publisher: JetStreamPublisher;

  constructor(config: EventDeliveryConfig, source: OutboxSource) {
    this.publisher = new JetStreamPublisher(config, `${source} outbox relay`);
    this.description = `NATS JetStream stream ${config.stream}`;
  }

  publish(events: readonly DomainEvent[]): Promise<void> {
    return this.publisher.publish(events);
  }

  close(): Promise<void> {
    return this.publisher.close();
  }
}

/**
 * The transport a subgraph's configuration chooses: JetStream when NATS_URL is set, HTTP to the
 * consumers in EVENT_CONSUMERS otherwise, and none (no relay: events wait in the outbox) when
 * neither is set.
 */
export function configuredEventTransport(
  source: OutboxSource,
  config: EventDeliveryConfig,
  signing: { secret: string; lifetimeMs: number },
): EventTransport | undefined {
  if (config.natsUrl) return new JetStreamTransport(config, source);
  if (config.consumers.length > 0) return new HttpEventTransport(source, config.consumers, signing, config.deliveryTimeoutMs);
  return undefined;
}

/** Whether `dataSource` is the embedded PGlite (whichever way it is reached: its own process or `npm start`'s socket). */
export async function isEmbeddedDatabase(dataSource: DataSource): Promise<boolean> {
  const [row] = (await dataSource.query(`SELECT version() LIKE '%PGlite%' AS embedded`)) as { embedded: boolean }[];
  return row?.embedded === true;
}
