import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { loadNotifyConfig, type Environment } from '../platform/config';
import { connectBroker } from '../platform/event-broker';
import { startNotifyStandIn, type NotifyStandIn } from '../scripts/notify-stand-in';
import { noticeTemplate } from '../subgraphs/notifications/email/notify-email';
import { codesOf, developmentBearer, expectData, postGraphQL } from './support/graphql-results';
import { startHttpGraph, type HttpGraph } from './support/http-graph';

/**
 * Issue 25 items 2 and 3, end to end between real services over HTTP: a change committed in the
 * members subgraph reaches a person's inbox in the notifications subgraph (and their email at the
 * Notify stand-in), carried by the members service's own outbox relay, either
 *   - with no broker: POSTed to notifications' `/internal/domain-events` (EVENT_CONSUMERS, the
 *     embedded default `npm start` uses), or
 *   - through NATS JetStream (127.0.0.1:4222, or NATS_URL) and the notifications service's durable
 *     consumer, on a stream and subjects of this run's own, deleted afterwards.
 * The relays poll every 20 ms, so nothing here waits on a long interval.
 */
jest.setTimeout(180_000);

const notify = loadNotifyConfig({ IPS_PROFILE: 'development' });
const resurface = demoOrganisation('resurface-tech').id;
const grace = demoPersona('resurface-contributor');
const admin = demoPersona('platform-admin');
const bearer = (persona: { email: string }) => developmentBearer(persona.email);

/** Suspends ReSurface's membership and reinstates it, through the gateway, as a platform admin. */
async function suspendAndReinstate(graph: HttpGraph): Promise<void> {
  for (const [mutation, args] of [
    ['suspendMembership', 'organisationId: $o, reason: "Unpaid fees"'],
    ['reinstateMembership', 'organisationId: $o'],
  ] as const) {
    const answer = await postGraphQL<Record<string, { refusal: unknown }>>(
      graph.gatewayUrl!,
      `mutation($o: ID!){ ${mutation}(${args}) { membership { status } refusal { code message } } }`,
      { o: resurface },
      await bearer(admin),
    );
    expect(codesOf(answer)).toEqual([]);
    expect(expectData(answer)[mutation]!.refusal).toBeNull();
  }
}

type Inbox = { viewer: { person: { notifications: { edges: { node: { kind: string; title: string } }[] } } } };

/** Grace's membership notices, asked through the gateway until `count` arrive (or the deadline passes). */
async function membershipNoticesOf(graph: HttpGraph, count = 2): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await postGraphQL<Inbox>(
      graph.gatewayUrl!,
      `{ viewer { person { notifications(first: 20) { edges { node { kind title } } } } } }`,
      {},
      await bearer(grace),
    );
    const titles = expectData(answer)
      .viewer.person.notifications.edges.map((edge) => edge.node)
      .filter((node) => node.kind === 'MEMBERSHIP_DECIDED')
      .map((node) => node.title);
    if (titles.length >= count || Date.now() > deadline) return titles.sort();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Grace's emails at the stand-in, waited for until `count` arrive, as the inbox is (the sender polls every 500 ms). */
async function emailsTo(standIn: NotifyStandIn, count: number): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const subjects = standIn
      .emails()
      .filter((email) => email.email_address === grace.email)
      .map((email) => String(email.personalisation.subject));
    if (subjects.length >= count || Date.now() > deadline) return subjects.sort();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Issue 25 item 8: the link in Grace's email, followed on the gateway without signing in: GET
 * shows the question and changes nothing, POST switches off that kind's email only; a tampered
 * link is refused.
 */
async function unsubscribesThroughTheGateway(graph: HttpGraph, standIn: NotifyStandIn): Promise<void> {
  const email = standIn.emails().find((e) => e.email_address === grace.email)!;
  const link = new URL(String(email.personalisation.unsubscribe_link));
  const onGateway = `${new URL(graph.gatewayUrl!).origin}${link.pathname}`;
  const emailPreference = async () =>
    expectData(
      await postGraphQL<{ viewer: { person: { notificationPreferences: { kind: string; email: boolean }[] } } }>(
        graph.gatewayUrl!,
        `{ viewer { person { notificationPreferences { kind email } } } }`,
        {},
        await bearer(grace),
      ),
    ).viewer.person.notificationPreferences.filter((p) => !p.email);
  const asked = await fetch(onGateway);
  expect(asked.status).toBe(200);
  expect(await asked.text()).toContain('Stop these emails?');
  expect(await emailPreference()).toEqual([]);
  const tampered = await fetch(onGateway.replace('MEMBERSHIP_DECIDED', 'EVENT_CANCELLED'), { method: 'POST' });
  expect(tampered.status).toBe(404);
  const done = await fetch(onGateway, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(done.status).toBe(200);
  expect(await done.text()).toContain('You are unsubscribed');
  expect(await emailPreference()).toEqual([{ kind: 'MEMBERSHIP_DECIDED', email: false }]);
}

async function deliversEndToEnd(eventEnv: Environment): Promise<void> {
  const standIn = await startNotifyStandIn({
    serviceId: notify.serviceId,
    secretKey: notify.secretKey,
    templates: [{ id: notify.templateId, ...noticeTemplate }],
  });
  let graph: HttpGraph | undefined;
  try {
    graph = await startHttpGraph({
      nodeEnv: 'test',
      gateway: true,
      domainEvents: { env: { OUTBOX_POLL_INTERVAL_MS: '20', ...eventEnv }, notify: { ...notify, baseUrl: standIn.url } },
    });
    await suspendAndReinstate(graph);
    expect(await membershipNoticesOf(graph)).toEqual(['Membership active', 'Membership suspended']);
    expect(await emailsTo(standIn, 2)).toEqual(['Membership active', 'Membership suspended']);
    // Once each, however the relay and the consumer retried: no third notice or email turns up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await membershipNoticesOf(graph, 0)).toHaveLength(2);
    expect(await emailsTo(standIn, 0)).toHaveLength(2);
    await unsubscribesThroughTheGateway(graph, standIn);
  } finally {
    await graph?.stop();
    await standIn.close();
  }
}

// Both passes. Through the broker only where one is named (NATS_URL: CI's server pass starts
// nats-server; its embedded pass has none and delivers over HTTP).
const withBroker = process.env.NATS_URL ? it : it.skip;

describe('domain events from one service to a person’s inbox in another', () => {
  it('with no broker: the relay POSTs them to notifications’ /internal/domain-events', async () => {
    await deliversEndToEnd({});
  });

  withBroker('through NATS JetStream: the relay publishes, the notifications service’s durable consumer applies', async () => {
    const run = randomBytes(6).toString('hex');
    const broker = {
      natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      stream: `IPS_DELIVERY_TEST_${run}`,
      subjectPrefix: `ips-delivery-test.${run}`,
      deliveryTimeoutMs: 5_000,
    };
    try {
      await deliversEndToEnd({ NATS_URL: broker.natsUrl, EVENTS_STREAM: broker.stream, EVENTS_SUBJECT_PREFIX: broker.subjectPrefix });
    } finally {
      const connection = await connectBroker(broker, 'notifications delivery test cleanup');
      try {
        await (await jetstreamManager(connection)).streams.delete(broker.stream).catch(() => undefined);
      } finally {
        await connection.close();
      }
    }
  });
});
