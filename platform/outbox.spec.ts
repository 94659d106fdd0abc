import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { DataSource } from 'typeorm';
import { testPool } from '../tests/support/subgraph-harness';
import { createTestDatabase, itOnServer, onDatabaseServer, type TestDatabase } from '../tests/support/test-database';
import { AddOutbox1765800000000 } from '../subgraphs/events/migrations/1765800000000-add-outbox';
import { ConfigError, loadEventDeliveryConfig } from './config';
import { openDatabase, type SubgraphDatabase } from './database';
import { domainEventKinds } from './domain-events';
import { acceptDomainEventDeliveries, defineEventInbox, domainEventDeliveryPath } from './event-inbox';
import { gatewayAssertionHeader, verifyGatewayAssertion } from './gateway-assertion';
import { processedEventTable } from './migration-helpers';
import { recordDomainEvent, type DomainEvent } from './outbox';
import { createOutboxRelay, HttpEventTransport, isEmbeddedDatabase, type EventTransport } from './outbox-relay';

/**
 * The outbox (platform/outbox.ts), its table's guard (migration-helpers.ts `outboxEventTable`), the
 * relay (outbox-relay.ts) and the consumer's inbox (event-inbox.ts), on a scratch database holding
 * the events subgraph's outbox: both databases; the race between two relays on the server only.
 */
const secret = 'outbox-spec-secret-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const at = new Date('2026-11-30T09:00:00Z');

let database: TestDatabase;
let opened: SubgraphDatabase;
let dataSource: DataSource;

beforeAll(async () => {
  database = await createTestDatabase();
  opened = await openDatabase({
    schema: 'events',
    url: database.url,
    pool: testPool,
    entities: [],
    migrations: [AddOutbox1765800000000],
    logErrors: false,
  });
  await opened.migrate();
  dataSource = opened.dataSource;
  await dataSource.query(`CREATE SCHEMA consumer_spec`);
  for (const statement of processedEventTable('consumer_spec')) await dataSource.query(statement);
  await dataSource.query(`CREATE TABLE consumer_spec.applied (event_id uuid NOT NULL, kind text NOT NULL)`);
});
afterAll(async () => {
  await opened?.close();
  await database?.drop();
});
beforeEach(async () => {
  // Published rows may be deleted (a retention job); a leftover unpublished one would be refused.
  await dataSource.query(`UPDATE events.outbox_event SET published_at = now() WHERE published_at IS NULL`);
  await dataSource.query(`DELETE FROM events.outbox_event`);
  await dataSource.query(`DELETE FROM consumer_spec.applied`);
});

const cancelled = (eventId: string) => ({
  source: 'events' as const,
  kind: 'event.cancelled' as const,
  occurredAt: at,
  subject: { typename: 'Event', id: eventId },
  facts: {
    eventId,
    title: 'Winter service workshop',
    startsAt: '2026-12-01T10:00:00.000Z',
    endsAt: '2026-12-01T12:00:00.000Z',
    memberOnly: true,
    registeredPersonIds: ['00000000-0000-4000-8000-000000000009'],
    waitingPersonIds: [],
    reason: 'Snow',
  },
});
const eventIds = Array.from({ length: 60 }, (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);

async function record(count: number): Promise<DomainEvent[]> {
  const recorded: DomainEvent[] = [];
  for (const id of eventIds.slice(0, count))
    recorded.push(await dataSource.transaction((manager) => recordDomainEvent(manager, cancelled(id))));
  return recorded;
}
const unpublished = async () =>
  Number((await dataSource.query(`SELECT count(*)::int AS n FROM events.outbox_event WHERE published_at IS NULL`))[0].n);

/** A transport that keeps what it was given; `failures` publishes fail first. */
function collectingTransport(options: { failures?: number; delayMs?: number } = {}): EventTransport & { published: DomainEvent[] } {
  let failuresLeft = options.failures ?? 0;
  const published: DomainEvent[] = [];
  return {
    description: 'test',
    published,
    async publish(events) {
      if (options.delayMs) await new Promise((wait) => setTimeout(wait, options.delayMs));
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('broker away');
      }
      published.push(...events);
    },
    async close() {},
  };
}

describe('recordDomainEvent', () => {
  it('is refused outside a transaction', async () => {
    await expect(recordDomainEvent(dataSource.manager, cancelled(eventIds[0]!))).rejects.toThrow(/none is open/);
    expect(await unpublished()).toBe(0);
  });

  it('commits and rolls back with the change it announces', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await recordDomainEvent(manager, cancelled(eventIds[0]!));
        throw new Error('the change was refused');
      }),
    ).rejects.toThrow('refused');
    expect(await unpublished()).toBe(0);
    const [event] = await record(1);
    const rows = await dataSource.query(`SELECT id, kind, subject_typename, subject_id, facts, occurred_at FROM events.outbox_event`);
    expect(rows).toEqual([
      {
        id: event!.id,
        kind: 'event.cancelled',
        subject_typename: 'Event',
        subject_id: eventIds[0],
        facts: cancelled(eventIds[0]!).facts,
        occurred_at: at,
      },
    ]);
  });
});

describe('the outbox table', () => {
  it('refuses every change but setting published_at once, and deleting unpublished rows or truncating', async () => {
    const [event] = await record(1);
    const refused = expect.objectContaining({ code: '42501' });
    await expect(dataSource.query(`UPDATE events.outbox_event SET kind = 'event.rescheduled'`)).rejects.toEqual(refused);
    await expect(dataSource.query(`UPDATE events.outbox_event SET facts = '{}'::jsonb, published_at = now()`)).rejects.toEqual(refused);
    await expect(dataSource.query(`DELETE FROM events.outbox_event`)).rejects.toEqual(refused);
    await expect(dataSource.query(`TRUNCATE events.outbox_event`)).rejects.toEqual(refused);
    await dataSource.query(`UPDATE events.outbox_event SET published_at = now() WHERE id = $1`, [event!.id]);
    await expect(dataSource.query(`UPDATE events.outbox_event SET published_at = now()`)).rejects.toEqual(refused);
    await dataSource.query(`DELETE FROM events.outbox_event WHERE id = $1`, [event!.id]);
  });
});

describe('the relay', () => {
  for (const singleRelay of [false, true]) {
    it(`publishes each event once, in order, and marks it (${singleRelay ? 'embedded: publish outside the transaction' : 'row locks'})`, async () => {
      const recorded = await record(5);
      const transport = collectingTransport({ failures: 1 });
      const relay = createOutboxRelay({ source: 'events', dataSource, transport, batchSize: 2, pollIntervalMs: 10, singleRelay });
      // The broker away: nothing is marked, everything waits.
      await expect(relay.relayOnce()).rejects.toThrow('broker away');
      expect(await unpublished()).toBe(5);
      expect(await relay.relayOnce()).toBe(2);
      expect(await relay.relayOnce()).toBe(2);
      expect(await relay.relayOnce()).toBe(1);
      expect(await relay.relayOnce()).toBe(0);
      expect(transport.published).toEqual(recorded);
      expect(await unpublished()).toBe(0);
    });
  }

  it('polls in the background until stopped, retrying a failed pass', async () => {
    const transport = collectingTransport({ failures: 2 });
    const relay = createOutboxRelay({ source: 'events', dataSource, transport, batchSize: 3, pollIntervalMs: 10, maxBackoffMs: 40 });
    relay.start();
    const recorded = await record(7);
    for (let waited = 0; transport.published.length < 7 && waited < 5_000; waited += 20) await new Promise((wait) => setTimeout(wait, 20));
    await relay.stop();
    expect(transport.published.map((event) => event.id).sort()).toEqual(recorded.map((event) => event.id).sort());
    expect(await unpublished()).toBe(0);
  });

  itOnServer('never lets two relays publish the same row at once (FOR UPDATE SKIP LOCKED)', async () => {
    const recorded = await record(60);
    const transports = [collectingTransport({ delayMs: 15 }), collectingTransport({ delayMs: 15 })];
    const relays = transports.map((transport) =>
      createOutboxRelay({ source: 'events', dataSource, transport, batchSize: 4, pollIntervalMs: 10 }),
    );
    const drain = async (relay: (typeof relays)[number]) => {
      while ((await relay.relayOnce()) > 0);
    };
    await Promise.all([...relays.map(drain), ...relays.map(drain)]);
    const published = transports.flatMap((transport) => transport.published.map((event) => event.id));
    expect(published.sort()).toEqual(recorded.map((event) => event.id).sort());
    // Both took part: the passes ran side by side, each skipping the other's locked rows.
    for (const transport of transports) expect(transport.published.length).toBeGreaterThan(0);
  });
});

describe('delivery without a broker (HTTP to each consumer)', () => {
  const inbox = defineEventInbox('consumer_spec.processed_event');
  let server: Server;
  let url: string;
  let failuresLeft = 0;
  let answers: number[] = [];

  beforeAll(async () => {
    const app = express();
    // As a subgraph's internal routes: the assertion is checked over the raw body, for this consumer's name.
    app.use(
      express.json({
        verify: (request, _response, body) => ((request as unknown as { rawBody: Buffer }).rawBody = body),
      }),
    );
    app.use((request, response, next) => {
      try {
        verifyGatewayAssertion({
          assertion: request.get(gatewayAssertionHeader),
          subgraph: 'notifications',
          body: (request as unknown as { rawBody: Buffer }).rawBody,
          secret,
        });
        next();
      } catch {
        response.status(401).end();
      }
    });
    app.use((_request, response, next) => {
      response.on('finish', () => answers.push(response.statusCode));
      next();
    });
    const router = express.Router();
    acceptDomainEventDeliveries(router, dataSource, inbox, async (manager, event) => {
      await manager.query(`INSERT INTO consumer_spec.applied (event_id, kind) VALUES ($1, $2)`, [event.id, event.kind]);
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('the consumer could not commit');
      }
    });
    app.use('/internal', router);
    server = createServer(app);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal${domainEventDeliveryPath}`;
  });
  afterAll(async () => {
    await new Promise((closed) => server?.close(closed));
  });
  beforeEach(() => {
    answers = [];
    failuresLeft = 0;
  });

  const applied = async () =>
    ((await dataSource.query(`SELECT event_id FROM consumer_spec.applied ORDER BY event_id`)) as { event_id: string }[]).map(
      (row) => row.event_id,
    );

  it('retries until the consumer acknowledges, and the consumer applies each event once', async () => {
    const recorded = await record(3);
    failuresLeft = 2;
    const transport = new HttpEventTransport('events', [{ name: 'notifications', url }], { secret, lifetimeMs: 5_000 }, 2_000);
    // On PGlite the consumer shares the one instance (as under `npm start`): the relay must not hold a transaction while it waits.
    const relay = createOutboxRelay({
      source: 'events',
      dataSource,
      transport,
      batchSize: 10,
      pollIntervalMs: 10,
      singleRelay: await isEmbeddedDatabase(dataSource),
    });
    await expect(relay.relayOnce()).rejects.toThrow(/answered 500/);
    await expect(relay.relayOnce()).rejects.toThrow(/answered 500/);
    expect(await unpublished()).toBe(3);
    expect(await relay.relayOnce()).toBe(3);
    expect(answers).toEqual([500, 500, 204]);
    expect(await applied()).toEqual(recorded.map((event) => event.id).sort());
    expect(await unpublished()).toBe(0);
  });

  it('drops an event delivered again by its id', async () => {
    const recorded = await record(2);
    const transport = new HttpEventTransport('events', [{ name: 'notifications', url }], { secret, lifetimeMs: 5_000 }, 2_000);
    await transport.publish(recorded);
    await transport.publish(recorded);
    expect(answers).toEqual([204, 204]);
    expect(await applied()).toEqual(recorded.map((event) => event.id).sort());
  });

  it('is refused to a delivery signed for another consumer or with another secret', async () => {
    const recorded = await record(1);
    const otherName = new HttpEventTransport('events', [{ name: 'members', url }], { secret, lifetimeMs: 5_000 }, 2_000);
    await expect(otherName.publish(recorded)).rejects.toThrow(/answered 401/);
    const otherSecret = new HttpEventTransport(
      'events',
      [{ name: 'notifications', url }],
      { secret: `${secret}x`, lifetimeMs: 5_000 },
      2_000,
    );
    await expect(otherSecret.publish(recorded)).rejects.toThrow(/answered 401/);
    expect(await applied()).toEqual([]);
  });
});

describe('defineEventInbox', () => {
  it('is refused outside a transaction', async () => {
    const inbox = defineEventInbox('consumer_spec.processed_event');
    await expect(inbox.handleOnce(dataSource.manager, { id: eventIds[0]!, kind: 'event.cancelled' }, async () => {})).rejects.toThrow(
      /none is open/,
    );
  });
});

describe('the catalogue and the configuration', () => {
  it('names every kind once, dotted as the inbox and the broker subjects expect', () => {
    expect(new Set(domainEventKinds).size).toBe(domainEventKinds.length);
    for (const kind of domainEventKinds) expect(kind).toMatch(/^[a-z_]+(\.[a-z_]+)+$/);
  });

  it('tells the embedded database from a server', async () => {
    expect(await isEmbeddedDatabase(dataSource)).toBe(!onDatabaseServer);
  });

  it('reads the broker or the consumers, never both', () => {
    expect(loadEventDeliveryConfig({})).toMatchObject({ natsUrl: undefined, consumers: [], stream: 'IPS_DOMAIN_EVENTS' });
    expect(
      loadEventDeliveryConfig({ EVENT_CONSUMERS: 'notifications=http://127.0.0.1:4005/internal/domain-events, audit=https://a.example/x' })
        .consumers,
    ).toEqual([
      { name: 'notifications', url: 'http://127.0.0.1:4005/internal/domain-events' },
      { name: 'audit', url: 'https://a.example/x' },
    ]);
    expect(() => loadEventDeliveryConfig({ NATS_URL: 'nats://127.0.0.1:4222', EVENT_CONSUMERS: 'n=http://x/y' })).toThrow(ConfigError);
    expect(() => loadEventDeliveryConfig({ NATS_URL: 'http://127.0.0.1:4222' })).toThrow(ConfigError);
  });
});
