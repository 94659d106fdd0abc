import { randomBytes, randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBroker, consumeDomainEvents, JetStreamPublisher, type BrokerSettings } from './event-broker';
import type { DomainEvent } from './outbox';

/**
 * JetStream against the real NATS server (127.0.0.1:4222, or NATS_URL; running on these machines
 * and started by .ci/run). Each run has its own stream and subjects, deleted afterwards.
 */
const run = randomBytes(4).toString('hex');
const settings: BrokerSettings = {
  natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  stream: `IPS_SPEC_${run}`,
  subjectPrefix: `ips-spec.${run}`,
  deliveryTimeoutMs: 5_000,
};

afterAll(async () => {
  const connection = await connectBroker(settings, 'event-broker spec cleanup');
  const manager = await jetstreamManager(connection);
  await manager.streams.delete(settings.stream).catch(() => undefined);
  await connection.close();
});

const event = (n: number): DomainEvent => ({
  id: randomUUID(),
  source: 'members',
  kind: 'membership.decided',
  occurredAt: new Date(Date.UTC(2026, 10, 30, 9, n)).toISOString(),
  subject: { typename: 'Organisation', id: randomUUID() },
  facts: { organisationId: randomUUID(), fromStatus: 'APPLIED', toStatus: 'ACTIVE', reason: null, decidedByPersonId: randomUUID() },
});

async function streamMessages(): Promise<number> {
  const connection = await connectBroker(settings, 'event-broker spec');
  try {
    return (await (await jetstreamManager(connection)).streams.info(settings.stream)).state.messages;
  } finally {
    await connection.close();
  }
}

/** Reads with a durable consumer until `until` holds or the wait runs out; `stop` after. */
async function consumeUntil(durable: string, received: DomainEvent[], until: () => boolean, failFirst = 0, waitMs = 10_000) {
  let failures = failFirst;
  const consumer = await consumeDomainEvents({
    settings,
    durable,
    async handle(delivered) {
      if (failures > 0) {
        failures -= 1;
        throw new Error('not applied');
      }
      received.push(delivered);
    },
  });
  for (let waited = 0; !until() && waited < waitMs; waited += 25) await new Promise((wait) => setTimeout(wait, 25));
  await consumer.stop();
}

describe('JetStream', () => {
  const publisher = new JetStreamPublisher(settings, 'event-broker spec');
  afterAll(() => publisher.close());

  it('stores a republished event once: the duplicate window drops the same event id', async () => {
    const events = [event(1), event(2)];
    await publisher.publish(events);
    const before = await streamMessages();
    // A relay that published and then could not mark the rows publishes them again.
    await publisher.publish(events);
    expect(await streamMessages()).toBe(before);
    await publisher.publish([event(3)]);
    expect(await streamMessages()).toBe(before + 1);
  });

  it('a durable consumer resumes after a restart, losing nothing and repeating no acknowledged event', async () => {
    const durable = `spec-consumer-${run}`;
    const first = [event(10), event(11), event(12)];
    const received: DomainEvent[] = [];
    // Everything in the stream so far (the test above), then these three.
    await publisher.publish(first);
    const total = await streamMessages();
    await consumeUntil(durable, received, () => received.length >= total);
    expect(received.slice(-3).map((e) => e.id)).toEqual(first.map((e) => e.id));
    const seen = new Set(received.map((e) => e.id));

    // Stopped; meanwhile more events arrive; restarted under the same name.
    const second = [event(20), event(21)];
    await publisher.publish(second);
    const afterRestart: DomainEvent[] = [];
    await consumeUntil(durable, afterRestart, () => afterRestart.length >= 2);
    // Give a repeat time to show up, had one been coming.
    await new Promise((wait) => setTimeout(wait, 300));
    expect(afterRestart.map((e) => e.id)).toEqual(second.map((e) => e.id));
    expect(afterRestart.some((e) => seen.has(e.id))).toBe(false);
  });

  it('delivers again an event whose handling failed, until it is applied', async () => {
    const durable = `spec-retry-${run}`;
    const received: DomainEvent[] = [];
    const total = await streamMessages();
    // The first delivery fails: the message is not acknowledged and comes back.
    await consumeUntil(durable, received, () => received.length >= total, 1);
    expect(received).toHaveLength(total);
    expect(new Set(received.map((e) => e.id)).size).toBe(total);
  });

  it('applies slow-lane events beside the others: a slow one holds up nothing behind it, and each is applied once', async () => {
    const durable = `spec-lanes-${run}`;
    const before = await streamMessages();
    const slow = event(30);
    const fast = [event(31), event(32)];
    await publisher.publish([slow, ...fast]);
    const applied: string[] = [];
    let releaseSlow!: () => void;
    const slowHeld = new Promise<void>((resolve) => (releaseSlow = resolve));
    const consumer = await consumeDomainEvents({
      settings,
      durable,
      slowLane: (delivered) => delivered.id === slow.id,
      async handle(delivered) {
        if (delivered.id === slow.id) await slowHeld;
        applied.push(delivered.id);
      },
    });
    const waitFor = async (until: () => boolean) => {
      for (let waited = 0; !until() && waited < 10_000; waited += 25) await new Promise((wait) => setTimeout(wait, 25));
    };
    try {
      // Everything published before this test, then the two fast events, while the slow one still waits.
      await waitFor(() => fast.every((e) => applied.includes(e.id)));
      expect(applied).not.toContain(slow.id);
      expect(applied).toHaveLength(before + fast.length);
      releaseSlow();
      await waitFor(() => applied.includes(slow.id));
    } finally {
      releaseSlow();
      await consumer.stop();
    }
    expect(applied.at(-1)).toBe(slow.id);
    expect(new Set(applied).size).toBe(applied.length);
    // Acknowledged: a consumer started again under the same name is given nothing.
    const again: DomainEvent[] = [];
    await consumeUntil(durable, again, () => false, 0, 500);
    expect(again).toEqual([]);
  });
});
