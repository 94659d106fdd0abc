import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { demoMemberships } from '../demo-data/memberships';
import { demoPeople, demoPersonaPeople } from '../demo-data/people';
import { demoPersona } from '../demo-data/personas';
import { mintDevelopmentToken } from '../gateway/development-tokens';
import {
  developmentNotifyTemplateId,
  gatewayVariableNames,
  loadGatewayConfig,
  loadNotifyConfig,
  subgraphVariableNames,
  type Environment,
} from '../platform/config';
import { subgraphNames } from '../platform/subgraph-names';
import { sleep, terminateServerConnections } from './chaos-load';
import { noticeTemplate } from '../subgraphs/notifications/email/notify-email';
import { startNotifyStandIn, type NotifyStandIn } from './notify-stand-in';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';
import { startStack, type RunningStack } from './stack';

/**
 * `npm run chaos -- --notifications` (issue 25 item 8, "delivered once"): the multi-process stack on
 * the PostgreSQL server (CHAOS_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 * with a NATS JetStream server of its own (NATS_SERVER_BIN, default /usr/sbin/nats-server or `nats-server` on PATH, on a spare
 * port with a store directory of its own, so it can be restarted) and the Notify stand-in in this
 * process. Under steady writes that raise notices (a platform admin suspends and reinstates the
 * memberships of a few member organisations, in parallel: each change tells every person of the
 * organisation), it
 *   1. kills the notifications service (SIGKILL) and starts it again,
 *   2. kills the broker (SIGKILL) and starts it again on the same store,
 *   3. terminates every database connection of the stack (pg_terminate_backend),
 * then stops the writes, waits for delivery to settle, and checks from the databases and the
 * stand-in: every committed `membership.decided` event reached every person of its organisation
 * exactly once in the inbox, and no email key (event, person, kind; Notify's `reference` is the
 * email row's id) reached Notify more than once. Prints the figures; exits 1 if any notice was lost
 * or doubled, or any email doubled.
 */

/** NATS_SERVER_BIN, else the Debian package's binary, else `nats-server` on PATH. */
const natsServerBinary = process.env.NATS_SERVER_BIN ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');
const writersCount = 4;
const settleTimeoutMs = 120_000;

interface Broker {
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A JetStream server on `port` keeping its store in `directory`: killed and restarted, it comes back with its streams. */
async function startBroker(port: number, directory: string): Promise<Broker> {
  let child: ChildProcess;
  const launch = async () => {
    let failed: Error | undefined;
    child = spawn(natsServerBinary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', directory], { stdio: 'ignore' });
    child.once('error', (error) => (failed = error));
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
      if (failed) throw new Error(`${natsServerBinary} could not be started (${failed.message}): set NATS_SERVER_BIN`);
      const ready = await fetch(`http://127.0.0.1:${port}`).then(
        () => false,
        (error: { cause?: { code?: string } }) => error.cause?.code !== 'ECONNREFUSED',
      );
      if (ready) return;
    }
    throw new Error(`nats-server did not start on port ${port}`);
  };
  const kill = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    async restart() {
      await kill();
      await launch();
    },
    stop: kill,
  };
}

async function query<T>(url: string, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows as T[];
  } finally {
    await client.end();
  }
}

export interface NotificationsChaosFigures {
  events: number;
  expectedNotices: number;
  lostNotices: number;
  duplicatedNotices: number;
  emailKeys: number;
  emailsAtNotify: number;
  duplicatedEmails: number;
  emailsUnsettled: number;
  /** Claimed by the killed sender: retried when the lease runs out, after a look-up at Notify by reference. */
  emailsLeased: number;
  emailsFailed: number;
  writesAcknowledged: number;
  writesFailed: number;
}

export async function runNotificationsChaos(): Promise<NotificationsChaosFigures> {
  const serverUrl = process.env.CHAOS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const basePort = Number(process.env.CHAOS_BASE_PORT ?? 27_400 + Math.floor(Math.random() * 500) * 10);
  const brokerPort = basePort + 9;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ips-graph-chaos-notifications-'));
  const notify = loadNotifyConfig({ IPS_PROFILE: 'development' });
  const run = `${basePort}${Date.now().toString(36)}`;
  const databases: ScratchDatabase[] = [];
  let broker: Broker | undefined;
  let standIn: NotifyStandIn | undefined;
  let stack: RunningStack | undefined;
  try {
    broker = await startBroker(brokerPort, path.join(dataDir, 'jetstream'));
    standIn = await startNotifyStandIn({
      serviceId: notify.serviceId,
      secretKey: notify.secretKey,
      templates: [{ id: notify.templateId, ...noticeTemplate }],
      capacity: 1_000_000,
    });
    const env: Environment = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      IPS_PROFILE: 'development',
      SEED_DEMO_DATA: 'true',
      DATA_DIR: dataDir,
      GATEWAY_PORT: String(basePort),
      GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
      NATS_URL: broker.url,
      EVENTS_STREAM: `IPS_CHAOS_${run}`,
      EVENTS_SUBJECT_PREFIX: `ips-chaos.${run}`,
      NOTIFY_BASE_URL: standIn.url,
      NOTIFY_TEMPLATE_ID: developmentNotifyTemplateId,
    };
    for (const [index, name] of subgraphNames.entries()) {
      env[subgraphVariableNames(name).port] = String(basePort + index + 1);
      const database = await createScratchDatabase(serverUrl, `ips_chaos_notices_${name}_${basePort}`);
      databases.push(database);
      env[subgraphVariableNames(name).databaseUrl] = database.url;
    }
    const urlOf = (name: string) => databases[subgraphNames.indexOf(name as (typeof subgraphNames)[number])]!.url;
    stack = await startStack({ env, log: () => {}, nodeOptions: ['--max-semi-space-size=1'] });
    const running = stack;

    const gatewayEnv: Environment = { ...env };
    for (const name of subgraphNames) {
      gatewayEnv[gatewayVariableNames().subgraphUrl(name)] = `http://127.0.0.1:${env[subgraphVariableNames(name).port]}/graphql`;
    }
    const admin = demoPersona('platform-admin');
    const token = await mintDevelopmentToken(loadGatewayConfig(gatewayEnv, subgraphNames).authentication, admin.email, { expiresIn: '1h' });
    const everyone = [...demoPeople, ...demoPersonaPeople];
    const organisations = demoMemberships
      .filter((m) => m.status === 'ACTIVE' && everyone.some((p) => p.organisationId === m.organisationId))
      .slice(0, writersCount)
      .map((m) => m.organisationId);

    // Each writer toggles one organisation's membership, one change at a time; a refusal (the
    // change before it committed though its answer was lost) just means the other one is due.
    let writing = true;
    let acknowledged = 0;
    let failed = 0;
    const writer = async (organisationId: string) => {
      let suspend = true;
      while (writing) {
        const mutation = suspend
          ? `mutation($o: ID!){ suspendMembership(organisationId: $o, reason: "Chaos") { membership { status } refusal { code } } }`
          : `mutation($o: ID!){ reinstateMembership(organisationId: $o) { membership { status } refusal { code } } }`;
        try {
          const response = await fetch(running.gatewayUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: mutation, variables: { o: organisationId } }),
            signal: AbortSignal.timeout(15_000),
          });
          const json = (await response.json()) as { data?: Record<string, { membership: unknown; refusal: unknown }> };
          const payload = json.data?.[suspend ? 'suspendMembership' : 'reinstateMembership'];
          if (payload?.membership) acknowledged += 1;
          else failed += 1;
        } catch {
          failed += 1;
          await sleep(200);
        }
        suspend = !suspend;
        await sleep(50);
      }
    };
    const writers = organisations.map(writer);

    const phases: { name: string; disrupt?: () => Promise<unknown> }[] = [
      { name: 'baseline' },
      { name: 'notifications killed (SIGKILL) and restarted', disrupt: () => running.restart('notifications') },
      { name: 'broker killed (SIGKILL) and restarted', disrupt: () => broker!.restart() },
      {
        name: 'database connections terminated',
        disrupt: () =>
          terminateServerConnections(
            serverUrl,
            databases.map((d) => d.name),
          ),
      },
    ];
    for (const phase of phases) {
      const started = Date.now();
      await phase.disrupt?.();
      console.log(`  ${phase.name}${phase.disrupt ? ` (${Date.now() - started} ms)` : ''}`);
      await sleep(8_000);
    }
    writing = false;
    await Promise.all(writers);

    // Settle: every committed event applied, every email sent or given up (a consumer killed
    // holding messages gets them back after JetStream's 30 s acknowledgement wait).
    const events = await query<{ id: string; organisationId: string }>(
      urlOf('members'),
      `SELECT id, facts->>'organisationId' AS "organisationId" FROM members.outbox_event WHERE kind = 'membership.decided'`,
    );
    const ids = events.map((e) => e.id);
    const settledBy = Date.now() + settleTimeoutMs;
    let unsettled = { events: ids.length, emails: 0, leased: 0 };
    while (Date.now() < settledBy) {
      const [applied] = await query<{ n: number }>(
        urlOf('notifications'),
        `SELECT count(*)::int AS n FROM notifications.processed_event WHERE event_id = ANY($1::uuid[])`,
        [ids],
      );
      // A row the killed sender had claimed stays SENDING until its lease (5 min) runs out; then the
      // next sender asks Notify by reference before sending. Those are counted apart, not waited for.
      const [pending] = await query<{ due: number; leased: number }>(
        urlOf('notifications'),
        `SELECT count(*) FILTER (WHERE status = 'PENDING' OR (status = 'SENDING' AND lease_until <= now()))::int AS due,
                count(*) FILTER (WHERE status = 'SENDING' AND lease_until > now())::int AS leased
           FROM notifications.notification_email`,
      );
      unsettled = { events: ids.length - applied!.n, emails: pending!.due, leased: pending!.leased };
      if (unsettled.events === 0 && unsettled.emails === 0) break;
      await sleep(1_000);
    }

    // Inbox: exactly the organisation's people, once each (the causer, a platform admin, is of none of them).
    const inbox = await query<{ eventId: string; personId: string; n: number }>(
      urlOf('notifications'),
      `SELECT event_id AS "eventId", person_id AS "personId", count(*)::int AS n FROM notifications.notification
        WHERE event_id = ANY($1::uuid[]) GROUP BY event_id, person_id`,
      [ids],
    );
    const held = new Map(inbox.map((row) => [`${row.eventId}/${row.personId}`, row.n]));
    let expectedNotices = 0;
    let lostNotices = 0;
    for (const event of events) {
      for (const person of everyone.filter((p) => p.organisationId === event.organisationId && p.id !== admin.id)) {
        expectedNotices += 1;
        if (!held.has(`${event.id}/${person.id}`)) lostNotices += 1;
        held.delete(`${event.id}/${person.id}`);
      }
    }
    const duplicatedNotices = inbox.reduce((sum, row) => sum + Math.max(0, row.n - 1), 0) + held.size;

    // Email: each key's row reached Notify at most once.
    const emailRows = await query<{ id: string; status: string }>(
      urlOf('notifications'),
      `SELECT id, status FROM notifications.notification_email WHERE event_id = ANY($1::uuid[])`,
      [ids],
    );
    const atNotify = new Map<string, number>();
    for (const email of standIn.emails()) if (email.reference) atNotify.set(email.reference, (atNotify.get(email.reference) ?? 0) + 1);
    const figures: NotificationsChaosFigures = {
      events: events.length,
      expectedNotices,
      lostNotices,
      duplicatedNotices,
      emailKeys: emailRows.length,
      emailsAtNotify: emailRows.reduce((sum, row) => sum + (atNotify.get(row.id) ?? 0), 0),
      duplicatedEmails: [...atNotify.values()].filter((n) => n > 1).length,
      emailsUnsettled: unsettled.emails,
      emailsLeased: unsettled.leased,
      emailsFailed: emailRows.filter((row) => row.status === 'FAILED').length,
      writesAcknowledged: acknowledged,
      writesFailed: failed,
    };
    console.log(`\nNotifications chaos on the PostgreSQL server with NATS JetStream, ${organisations.length} writers\n`);
    console.log(`  writes acknowledged ${figures.writesAcknowledged}, failed or refused ${figures.writesFailed}`);
    console.log(`  committed events ${figures.events} (not applied when the wait ended: ${unsettled.events})`);
    console.log(
      `  inbox: expected notices ${figures.expectedNotices}, lost ${figures.lostNotices}, duplicated ${figures.duplicatedNotices}`,
    );
    console.log(
      `  email: keys ${figures.emailKeys}, emails at Notify ${figures.emailsAtNotify}, keys sent more than once ${figures.duplicatedEmails}, ` +
        `not yet settled ${figures.emailsUnsettled}, held by the killed sender's lease ${figures.emailsLeased}, failed for good ${figures.emailsFailed}\n`,
    );
    if (figures.lostNotices > 0 || figures.duplicatedNotices > 0 || figures.duplicatedEmails > 0) process.exitCode = 1;
    return figures;
  } finally {
    await stack?.stop();
    await broker?.stop();
    await standIn?.close();
    for (const database of databases) await database.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
