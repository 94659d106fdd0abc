import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { loadEventDeliveryConfig } from '../../platform/config';
import { connectBroker, consumeDomainEvents, JetStreamPublisher } from '../../platform/event-broker';
import { createOutboxRelay, type EventTransport } from '../../platform/outbox-relay';
import { outboxSources, type DomainEvent } from '../../platform/outbox';
import { handleDomainEvent } from '../../subgraphs/notifications/services/delivery';
import type { TestGraph } from './graph-harness';
import { onDatabaseServer } from './test-database';

/**
 * Carries every subgraph's committed domain events to the notifications subgraph, as the relay does
 * in `npm start` (platform/outbox-relay.ts, one pass after another until the outboxes are empty), and
 * returns once every one is applied. Returns the events delivered, so a test can deliver one again.
 *
 * With NATS_URL in the environment (.ci/run sets it for the PostgreSQL server pass) the events go
 * through the broker as in a deployment: the relay publishes with the real JetStreamPublisher and
 * the notifications consumer reads them with the real durable consumer (platform/event-broker.ts),
 * on a stream and subjects of this delivery's own, deleted afterwards. Without it, the consumer is
 * called in this process instead (what the HTTP endpoint and the broker's consumer each run:
 * services/delivery.ts `handleDomainEvent`, each event applied once through the inbox).
 */
export async function deliverDomainEvents(graph: TestGraph): Promise<DomainEvent[]> {
  const natsUrl = process.env.NATS_URL;
  return natsUrl ? deliverThroughBroker(graph, natsUrl) : deliverInProcess(graph);
}

async function deliverInProcess(graph: TestGraph): Promise<DomainEvent[]> {
  const delivered: DomainEvent[] = [];
  await relayEveryOutbox(graph, {
    description: 'in-process to notifications',
    async publish(events) {
      for (const event of events) {
        await handleDomainEvent(graph.databases.notifications.dataSource, event, graph.clock);
        delivered.push(event);
      }
    },
    async close() {},
  });
  return delivered;
}

/** How long the consumer may take to apply what was published before the test fails. */
const brokerDeliveryTimeoutMs = 30_000;

async function deliverThroughBroker(graph: TestGraph, natsUrl: string): Promise<DomainEvent[]> {
  const run = randomBytes(6).toString('hex');
  const settings = loadEventDeliveryConfig({
    NATS_URL: natsUrl,
    EVENTS_STREAM: `IPS_TEST_DELIVERY_${run}`,
    EVENTS_SUBJECT_PREFIX: `ips-test-delivery.${run}`,
  });
  // In the order the consumer applied them; a redelivery keeps its first place.
  const applied = new Map<string, DomainEvent>();
  const consumer = await consumeDomainEvents({
    settings,
    durable: 'notifications',
    handle: async (event) => {
      await handleDomainEvent(graph.databases.notifications.dataSource, event, graph.clock);
      if (!applied.has(event.id)) applied.set(event.id, event);
    },
  });
  const publisher = new JetStreamPublisher(settings, 'test outbox relay');
  const published: string[] = [];
  try {
    await relayEveryOutbox(graph, {
      description: `NATS JetStream stream ${settings.stream}`,
      async publish(events) {
        await publisher.publish(events);
        published.push(...events.map((event) => event.id));
      },
      async close() {},
    });
    const deadline = Date.now() + brokerDeliveryTimeoutMs;
    while (published.some((id) => !applied.has(id))) {
      if (Date.now() > deadline) {
        const missing = published.filter((id) => !applied.has(id));
        throw new Error(`the notifications consumer did not apply ${missing.length} published event(s): ${missing.join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return [...applied.values()];
  } finally {
    await publisher.close();
    await consumer.stop();
    const connection = await connectBroker(settings, 'test delivery cleanup');
    try {
      await (await jetstreamManager(connection)).streams.delete(settings.stream).catch(() => undefined);
    } finally {
      await connection.close();
    }
  }
}

async function relayEveryOutbox(graph: TestGraph, transport: EventTransport): Promise<void> {
  for (const source of outboxSources) {
    const relay = createOutboxRelay({
      source,
      dataSource: graph.databases[source].dataSource,
      transport,
      batchSize: 50,
      pollIntervalMs: 1_000,
      // The embedded database runs one transaction at a time: a relay pass must not hold one while the consumer commits.
      singleRelay: !onDatabaseServer,
    });
    while ((await relay.relayOnce()) > 0);
  }
}
