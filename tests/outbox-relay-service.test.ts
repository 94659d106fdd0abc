import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { Client } from 'pg';
import { loadSubgraphConfig, subgraphVariableNames, type Environment } from '../platform/config';
import { connectBroker } from '../platform/event-broker';
import { startSubgraphService, type RunningService } from '../platform/subgraph-server';
import { membersSubgraph } from '../subgraphs/members/subgraph';
import { testPool } from './support/subgraph-harness';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * A subgraph service started with NATS_URL runs its outbox relay: an event committed to its outbox
 * reaches the JetStream stream once and is marked published, and stopping the service stops the
 * relay (the real NATS at 127.0.0.1:4222 or NATS_URL; a stream and subjects of this run's own).
 */
const run = randomBytes(4).toString('hex');
const broker = {
  natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  stream: `IPS_SERVICE_SPEC_${run}`,
  subjectPrefix: `ips-service-spec.${run}`,
  deliveryTimeoutMs: 5_000,
};

let database: TestDatabase;
let service: RunningService | undefined;
beforeAll(async () => {
  database = await createTestDatabase();
  const names = subgraphVariableNames('members');
  const env: Environment = {
    NODE_ENV: 'test',
    IPS_PROFILE: 'development',
    [names.port]: '0',
    [names.databaseUrl]: database.url,
    DB_POOL_MAX: '3',
    DB_POOL_MODE: testPool.poolMode,
    NATS_URL: broker.natsUrl,
    EVENTS_STREAM: broker.stream,
    EVENTS_SUBJECT_PREFIX: broker.subjectPrefix,
    OUTBOX_POLL_INTERVAL_MS: '20',
  };
  service = await startSubgraphService(membersSubgraph, loadSubgraphConfig('members', env));
});
afterAll(async () => {
  await service?.stop();
  await database?.drop();
  const connection = await connectBroker(broker, 'outbox relay service test cleanup');
  await (await jetstreamManager(connection)).streams.delete(broker.stream).catch(() => undefined);
  await connection.close();
});

it('publishes what the outbox holds to JetStream, once, and marks it', async () => {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    const id = '00000000-0000-4000-8000-0000000000aa';
    await client.query(
      `INSERT INTO members.outbox_event (id, kind, subject_typename, subject_id, facts, occurred_at)
       VALUES ($1::uuid, 'membership.decided', 'Organisation', $1::text, '{"toStatus":"ACTIVE"}', now())`,
      [id],
    );
    let published: Date | null = null;
    for (let waited = 0; !published && waited < 10_000; waited += 50) {
      await new Promise((wait) => setTimeout(wait, 50));
      published = (await client.query(`SELECT published_at FROM members.outbox_event WHERE id = $1`, [id])).rows[0].published_at;
    }
    expect(published).not.toBeNull();
    const connection = await connectBroker(broker, 'outbox relay service test');
    try {
      const info = await (await jetstreamManager(connection)).streams.info(broker.stream);
      expect(info.state.messages).toBe(1);
      expect(info.config.subjects).toEqual([`${broker.subjectPrefix}.>`]);
    } finally {
      await connection.close();
    }
  } finally {
    await client.end();
  }
});
