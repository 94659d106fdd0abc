import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { jetstreamManager } from '@nats-io/jetstream';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { demoMemberships } from '../demo-data/memberships';
import { demoPeople, demoPersonaPeople } from '../demo-data/people';
import { demoPersona } from '../demo-data/personas';
import { type BenchConfig } from '../platform/config';
import { connectBroker, type BrokerSettings } from '../platform/event-broker';
import { noticeTemplate } from '../subgraphs/notifications/email/notify-email';
import { benchMix, sampleQuery, samplesFrom, type BenchRequest } from './bench-mix';
import { startBenchIssuer } from './bench-identity';
import { productionStackEnvironment, seededScratchDatabase } from './bench-stack';
import { startNotifyStandIn } from './notify-stand-in';
import { startStack } from './stack';

/**
 * `npm run bench -- --notifications` (issue 25 item 8): how long a committed change takes to reach
 * a person's inbox, on the production stack (five subgraph processes and the gateway,
 * NODE_ENV=production, a scratch database on the PostgreSQL server, domain events through NATS
 * JetStream at NATS_URL or 127.0.0.1:4222 on a stream of the run's own; over HTTP to notifications'
 * delivery endpoint when no broker answers). A platform admin suspends and reinstates one member
 * organisation, one change at a time, 100–300 ms apart (so changes do not fall in step with the
 * relay's polling); each `membership.decided` event tells the organisation's people.
 *
 * Latency is measured in the database, commit to commit: bench-only triggers on the scratch
 * database (`members.outbox_event`, `notifications.notification`) `pg_notify` the event id, which
 * PostgreSQL delivers when the writing transaction commits; one listening connection stamps both on
 * arrival, so the figure is from the change's commit to the first inbox row's commit, with no
 * polling and no clock of another process. Measured at rest, then under the standard mix
 * (scripts/bench-mix.ts, every operation's varied requests in turn, BENCH_CONNECTIONS connections).
 * Target: p95 ≤ 1 s to the inbox at rest. An event whose inbox row has not arrived 10 s after its
 * commit counts as late (and would be reported, not waited for). Figures are printed, never asserted.
 *
 *   npm run bench -- --notifications          100 changes at rest, 100 under the mix
 *   npm run bench -- --notifications --quick  20 and 20
 */
export interface NotificationLatency {
  phase: string;
  samples: number;
  /** Events whose inbox row did not commit within `lateAfterMs` of the change. */
  late: number;
  p50: number;
  p95: number;
  max: number;
  /** Under the mix: the mix's own answers a second and p95. */
  mix?: { requestsPerSecond: number; p95: number; errors: number };
}

const committedChannel = 'ips_bench_committed';
const inboxChannel = 'ips_bench_inbox';
const lateAfterMs = 10_000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Notify stand-in behind https (production refuses plain http to Notify) with the benchmark's
 * loopback certificate, which the stack's processes trust (NODE_EXTRA_CA_CERTS, scripts/bench.ts),
 * and a key made for this run (production refuses the committed development one). The emails are
 * sent as in production; nothing here waits for them.
 */
export async function startHttpsNotify(certificateDirectory: string) {
  const serviceId = randomUUID();
  const secretKey = randomUUID();
  const templateId = randomUUID();
  const standIn = await startNotifyStandIn({ serviceId, secretKey, templates: [{ id: templateId, ...noticeTemplate }], capacity: 100 });
  const target = new URL(standIn.url);
  const proxy = createHttpsServer(
    {
      cert: readFileSync(path.join(certificateDirectory, 'issuer-cert.pem')),
      key: readFileSync(path.join(certificateDirectory, 'issuer-key.pem')),
    },
    (incoming, outgoing) => {
      const forwarded = httpRequest(
        { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', () => outgoing.destroy());
      incoming.pipe(forwarded);
    },
  );
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    env: {
      NOTIFY_API_KEY: `ips_bench-${serviceId}-${secretKey}`,
      NOTIFY_BASE_URL: `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      NOTIFY_TEMPLATE_ID: templateId,
      PUBLIC_BASE_URL: 'https://ips.example.org',
      NOTIFICATIONS_UNSUBSCRIBE_SECRET: randomBytes(48).toString('base64url'),
    },
    async stop() {
      await new Promise((resolve) => proxy.close(resolve));
      await standIn.close();
    },
  };
}

/** A broker of this run's own stream on NATS_URL (or the local default), or undefined when none answers. */
export async function brokerForRun(): Promise<BrokerSettings | undefined> {
  const run = randomBytes(4).toString('hex');
  const settings: BrokerSettings = {
    natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    stream: `IPS_BENCH_NOTICES_${run}`,
    subjectPrefix: `ips-bench-notices.${run}`,
    deliveryTimeoutMs: 2_000,
  };
  try {
    const connection = await connectBroker(settings, 'notifications bench probe');
    await connection.close();
    return settings;
  } catch {
    return undefined;
  }
}

export async function deleteStream(settings: BrokerSettings): Promise<void> {
  const connection = await connectBroker(settings, 'notifications bench cleanup');
  try {
    await (await jetstreamManager(connection)).streams.delete(settings.stream).catch(() => undefined);
  } finally {
    await connection.close();
  }
}

/** Arrival times of the commits the triggers announce, by event id: the first of each. */
class CommitWatch {
  readonly committed = new Map<string, number>();
  readonly inbox = new Map<string, number>();
  private waiters: (() => void)[] = [];

  constructor(private readonly client: Client) {
    client.on('notification', (message) => {
      const at = performance.now();
      const seen = message.channel === committedChannel ? this.committed : this.inbox;
      if (message.payload && !seen.has(message.payload)) seen.set(message.payload, at);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async start(url: string): Promise<CommitWatch> {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`LISTEN ${committedChannel}`);
    await client.query(`LISTEN ${inboxChannel}`);
    return new CommitWatch(client);
  }

  /** Resolves when `ready()` holds, or after `ms` with false. */
  async until(ready: () => boolean, ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (!ready()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/** The triggers that announce commits (this scratch database only: never a migration). */
async function installCommitTriggers(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of [
      `CREATE FUNCTION public.ips_bench_committed() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN PERFORM pg_notify('${committedChannel}', NEW.id::text); RETURN NULL; END $$`,
      `CREATE TRIGGER ips_bench_committed AFTER INSERT ON members.outbox_event
         FOR EACH ROW WHEN (NEW.kind = 'membership.decided') EXECUTE FUNCTION public.ips_bench_committed()`,
      `CREATE FUNCTION public.ips_bench_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN PERFORM pg_notify('${inboxChannel}', NEW.event_id::text); RETURN NULL; END $$`,
      `CREATE TRIGGER ips_bench_inbox AFTER INSERT ON notifications.notification
         FOR EACH ROW EXECUTE FUNCTION public.ips_bench_inbox()`,
    ])
      await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The mix as one cycle of requests, operations interleaved, each signed in as its persona. */
export async function mixRequests(gatewayUrl: string, tokenFor: (email: string) => Promise<string>) {
  const sampled = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: sampleQuery }),
  });
  const operations = benchMix(samplesFrom((await sampled.json()) as Parameters<typeof samplesFrom>[0]));
  const lists = operations.map((operation) => operation.varied);
  const cycle: BenchRequest[] = [];
  for (let index = 0; cycle.length < lists.reduce((sum, list) => sum + list.length, 0); index += 1)
    for (const list of lists) if (index < list.length) cycle.push(list[index]!);
  const tokens = new Map<string, string>();
  return Promise.all(
    cycle.map(async ({ body, email }) => {
      if (email && !tokens.has(email)) tokens.set(email, await tokenFor(email));
      return { body, headers: { 'content-type': 'application/json', ...(email ? { authorization: `Bearer ${tokens.get(email)}` } : {}) } };
    }),
  );
}

/** Loads the gateway with the mix until `stop()`; resolves with its own figures. */
export function startMix(url: string, requests: { body: string; headers: Record<string, string> }[], connections: number) {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  let instance: autocannon.Instance;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url,
        method: 'POST',
        connections,
        duration: 3_600,
        sampleInt: 100,
        requests: [
          {
            setupRequest: (request) => {
              const chosen = requests[next++ % requests.length]!;
              return { ...request, method: 'POST', body: chosen.body, headers: chosen.headers };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  return {
    async stop() {
      instance.stop();
      const result = await finished;
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      return {
        requestsPerSecond: latencies.length / seconds,
        p95: percentile(latencies, 95),
        errors: result.errors + result.non2xx + result.timeouts,
        /** Every answer's milliseconds, sorted (to pool windows). */
        latencies,
      };
    },
  };
}

export async function runNotificationLatencyBenchmark(
  config: BenchConfig,
  options: { quick: boolean; certificateDirectory: string },
): Promise<NotificationLatency[]> {
  const samples = options.quick ? 20 : 100;
  const cleanup: (() => Promise<unknown>)[] = [];
  const serviceOutput: string[] = [];
  try {
    const issuer = await startBenchIssuer(options.certificateDirectory);
    cleanup.push(() => issuer.stop());
    const database = await seededScratchDatabase(config.searchServerUrl, `ips_graph_bench_notices_${process.pid}`);
    cleanup.push(() => database.drop());
    await installCommitTriggers(database.url);
    const notify = await startHttpsNotify(options.certificateDirectory);
    cleanup.push(() => notify.stop());
    const broker = await brokerForRun();
    if (broker) cleanup.push(() => deleteStream(broker));

    const env = await productionStackEnvironment(issuer, database.url, {
      ...notify.env,
      NATS_URL: broker?.natsUrl,
      EVENTS_STREAM: broker?.stream,
      EVENTS_SUBJECT_PREFIX: broker?.subjectPrefix,
      EVENT_CONSUMERS: undefined,
    });
    const stack = await startStack({ env, log: (line) => serviceOutput.push(line) });
    cleanup.unshift(() => stack.stop());
    const watch = await CommitWatch.start(database.url);
    cleanup.unshift(() => watch.close());

    // A member organisation none of the mix's personas belongs to, so toggling it changes no answer of the mix.
    const personaOrganisations = new Set(demoPersonaPeople.map((person) => person.organisationId));
    const organisation = demoMemberships.find(
      (m) =>
        m.status === 'ACTIVE' &&
        !personaOrganisations.has(m.organisationId) &&
        demoPeople.some((p) => p.organisationId === m.organisationId),
    )!.organisationId;
    const told = demoPeople.filter((person) => person.organisationId === organisation).length;
    const adminToken = await issuer.tokenFor(demoPersona('platform-admin').email);
    let suspend = true;

    /** One change, then its inbox row: the milliseconds between the two commits, or undefined if late. */
    async function oneChange(): Promise<number | undefined> {
      const before = new Set(watch.committed.keys());
      const field = suspend ? 'suspendMembership' : 'reinstateMembership';
      const answer = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({
          query: `mutation($o: ID!) { ${field}(organisationId: $o${suspend ? ', reason: "Benchmark"' : ''}) { membership { status } refusal { code } } }`,
          variables: { o: organisation },
        }),
      });
      const json = (await answer.json()) as { data?: Record<string, { membership: unknown } | null>; errors?: unknown };
      if (!json.data?.[field]?.membership) throw new Error(`${field} was not done: ${JSON.stringify(json).slice(0, 300)}`);
      suspend = !suspend;
      const newEvent = () => [...watch.committed.keys()].find((id) => !before.has(id));
      if (!(await watch.until(() => newEvent() !== undefined, 5_000))) throw new Error(`${field} committed no membership.decided event`);
      const id = newEvent()!;
      if (!(await watch.until(() => watch.inbox.has(id), lateAfterMs))) return undefined;
      return watch.inbox.get(id)! - watch.committed.get(id)!;
    }

    async function phase(name: string): Promise<Omit<NotificationLatency, 'mix'>> {
      const latencies: number[] = [];
      let late = 0;
      for (let n = 0; n < samples; n += 1) {
        const ms = await oneChange();
        if (ms === undefined) late += 1;
        else latencies.push(ms);
        await sleep(100 + Math.random() * 200);
      }
      latencies.sort((a, b) => a - b);
      return { phase: name, samples, late, p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.at(-1) ?? NaN };
    }

    // Warm: the first deliveries open connections and the durable consumer.
    for (let n = 0; n < 4; n += 1) await oneChange();
    const results: NotificationLatency[] = [await phase('at rest')];
    const mix = startMix(stack.gatewayUrl, await mixRequests(stack.gatewayUrl, issuer.tokenFor), config.connections);
    await sleep(1_000);
    const underMix = await phase(`under the standard mix (${config.connections} connections)`);
    results.push({ ...underMix, mix: await mix.stop() });

    const ms = (n: number) => (Number.isNaN(n) ? '—' : n.toFixed(0));
    console.log(
      `\nNotifications: committed change → committed inbox row (membership.decided, ${told} people told each), ` +
        `${broker ? `through NATS JetStream at ${broker.natsUrl}` : 'over HTTP (no broker answered at NATS_URL)'}; ms\n`,
    );
    console.log(
      `${'phase'.padEnd(44)}${'samples'.padStart(8)}${'late'.padStart(6)}${'p50'.padStart(7)}${'p95'.padStart(7)}${'max'.padStart(7)}`,
    );
    for (const row of results) {
      console.log(
        `${row.phase.padEnd(44)}${String(row.samples).padStart(8)}${String(row.late).padStart(6)}${ms(row.p50).padStart(7)}` +
          `${ms(row.p95).padStart(7)}${ms(row.max).padStart(7)}` +
          (row.mix ? `   mix: ${row.mix.requestsPerSecond.toFixed(0)} req/s, p95 ${ms(row.mix.p95)} ms, ${row.mix.errors} errors` : ''),
      );
    }
    const atRest = results[0]!;
    console.log(`\nTarget: p95 ≤ 1000 ms to the inbox at rest: ${atRest.p95 <= 1_000 && atRest.late === 0 ? 'met ✓' : 'NOT met ✗'}\n`);
    return results;
  } catch (error) {
    if (serviceOutput.length) console.error(`Last service output:\n${serviceOutput.slice(-30).join('\n')}`);
    throw error;
  } finally {
    for (const step of cleanup) await step().catch((error: unknown) => console.error('cleanup:', error));
  }
}
