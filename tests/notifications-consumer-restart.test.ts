import { randomBytes, randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { demoPersonaPeople } from '../demo-data/people';
import { demoPersona } from '../demo-data/personas';
import { ManualClock } from '../platform/clock';
import { openDatabase, type SubgraphDatabase } from '../platform/database';
import {
  connectBroker,
  consumeDomainEvents,
  JetStreamPublisher,
  type BrokerSettings,
  type RunningConsumer,
} from '../platform/event-broker';
import type { DomainEvent } from '../platform/outbox';
import { handleDomainEvent } from '../subgraphs/notifications/services/delivery';
import { createNotificationsSubgraph } from '../subgraphs/notifications/subgraph';
import { testPool } from './support/subgraph-harness';
import { createTestDatabase, describeOnServer, type TestDatabase } from './support/test-database';

/**
 * Issue 25 item 8, "delivered once", at the broker's consumer: events stream in through JetStream
 * while the notifications consumer dies mid-stream (after committing an event and before
 * acknowledging it, then applying nothing more) and a new one takes over the same durable; then
 * that one is stopped mid-stream and another started. Every event's notice must reach its
 * recipient's inbox (and the email outbox) exactly once. The full-stack version, with processes
 * killed and the broker restarted, is `npm run chaos -- --notifications` (scripts/chaos-notifications.ts).
 * Server pass only, with NATS (127.0.0.1:4222 or NATS_URL): PGlite applies one event at a time.
 */
jest.setTimeout(180_000);

const eventCount = 60;
const run = randomBytes(4).toString('hex');
const settings: BrokerSettings = {
  natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  stream: `IPS_CONSUMER_RESTART_${run}`,
  subjectPrefix: `ips-consumer-restart.${run}`,
  deliveryTimeoutMs: 5_000,
};
const requester = demoPersonaPeople.find((person) => person.email === demoPersona('resurface-contributor').email)!;
const staff = demoPersonaPeople.find((person) => person.email === demoPersona('platform-admin').email)!;

const answered = (n: number): DomainEvent => ({
  id: randomUUID(),
  source: 'members',
  kind: 'support_request.answered',
  occurredAt: new Date(Date.UTC(2026, 11, 1, 9, 0, n)).toISOString(),
  subject: { typename: 'SupportRequest', id: randomUUID() },
  facts: {
    supportRequestId: randomUUID(),
    subject: `Question ${n}`,
    requesterPersonId: requester.id,
    requesterOrganisationId: requester.organisationId,
    answeredByPersonId: staff.id,
  },
});

describeOnServer('the notifications consumer killed and restarted mid-stream', () => {
  let database: TestDatabase;
  let notifications: SubgraphDatabase;
  const clock = new ManualClock('2026-12-01T09:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    const module = createNotificationsSubgraph({ clock });
    notifications = await openDatabase({
      schema: 'notifications',
      url: database.url,
      pool: testPool,
      entities: module.entities,
      migrations: module.migrations,
      logErrors: false,
    });
    await notifications.migrate();
    await module.seedDemoData(notifications.dataSource);
  });
  afterAll(async () => {
    await notifications?.close();
    await database?.drop();
    const connection = await connectBroker(settings, 'consumer restart test cleanup');
    await (await jetstreamManager(connection)).streams.delete(settings.stream).catch(() => undefined);
    await connection.close();
  });

  const applied = async (ids: string[]) =>
    (await notifications.dataSource.query(`SELECT count(*)::int AS n FROM notifications.processed_event WHERE event_id = ANY($1::uuid[])`, [
      ids,
    ])) as { n: number }[];

  async function waitFor(condition: () => Promise<boolean>, ms: number): Promise<void> {
    for (const deadline = Date.now() + ms; !(await condition()) && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
  }

  it('applies every event once: each notice in the inbox exactly once, each email row exactly once', async () => {
    const events = Array.from({ length: eventCount }, (_, n) => answered(n));
    const ids = events.map((event) => event.id);
    const publisher = new JetStreamPublisher(settings, 'consumer restart test');
    // Published in three bursts while the consumers come and go, as a relay would.
    await publisher.publish(events.slice(0, 30));

    // The first consumer dies after committing its 10th event and before acknowledging it; from then on it applies nothing.
    let handled = 0;
    let dead = false;
    const first: RunningConsumer = await consumeDomainEvents({
      settings,
      durable: 'notifications',
      batchSize: 5,
      handle: async (event) => {
        if (dead) throw new Error('the process is gone');
        await handleDomainEvent(notifications.dataSource, event, clock);
        if (++handled === 10) {
          dead = true;
          throw new Error('killed between commit and acknowledgement');
        }
      },
    });
    await waitFor(async () => dead, 20_000);
    await first.stop();
    expect(handled).toBe(10);

    await publisher.publish(events.slice(30, 45));
    const handler = (event: DomainEvent) => handleDomainEvent(notifications.dataSource, event, clock).then(() => undefined);
    // A second takes over the durable, and is stopped while events are still coming.
    const second = await consumeDomainEvents({ settings, durable: 'notifications', batchSize: 5, handle: handler });
    await waitFor(async () => (await applied(ids))[0]!.n >= 25, 20_000);
    await second.stop();
    await publisher.publish(events.slice(45));
    await publisher.publish(events.slice(0, 5)); // a relay republishing what it already sent
    await publisher.close();

    const third = await consumeDomainEvents({ settings, durable: 'notifications', batchSize: 5, handle: handler });
    try {
      await waitFor(async () => (await applied(ids))[0]!.n === eventCount, 60_000);
      // Room for any redelivery still on its way (a NAK comes back after 1 s).
      await new Promise((resolve) => setTimeout(resolve, 2_500));
    } finally {
      await third.stop();
    }

    for (const table of ['notification', 'notification_email']) {
      const perEvent = (await notifications.dataSource.query(
        `SELECT event_id, person_id, count(*)::int AS n FROM notifications.${table} WHERE event_id = ANY($1::uuid[]) GROUP BY event_id, person_id`,
        [ids],
      )) as { event_id: string; person_id: string; n: number }[];
      expect(perEvent).toHaveLength(eventCount);
      expect(perEvent.every((row) => row.n === 1 && row.person_id === requester.id)).toBe(true);
    }
  });
});
