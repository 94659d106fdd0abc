import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mintDevelopmentToken } from '../gateway/development-tokens';
import { gatewayVariableNames, loadGatewayConfig, subgraphVariableNames, type Environment } from '../platform/config';
import { subgraphNames } from '../platform/subgraph-names';
import { startStack, type RunningStack } from './stack';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';
import { noRequestYet, percentile, readQuery, sleep, terminateServerConnections, writeMutation, writer, type Outcome } from './chaos-load';

/**
 * `npm run chaos` (embedded database) or `npm run chaos -- --server` (the PostgreSQL server at
 * CHAOS_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres): the multi-process stack
 * under fixed-rate mixed load on loopback (reads of members and events root fields, partial when
 * one half answers; acknowledged writes: support requests raised by a demo buyer, each with a
 * unique subject) while the events subgraph is killed and restarted,
 * stopped (SIGSTOP) and continued, and its database connections are terminated. Prints, per phase,
 * completed / partial / failed requests, p95 latency and the time until requests succeed again,
 * then checks that every acknowledged write exists exactly once. Exits 1 if any is lost or doubled.
 * Bounded: about a minute of load at CHAOS_RATE requests per second (default 20), loopback only.
 */

interface Sample {
  phase: string;
  kind: 'read' | 'write';
  startedAt: number;
  ms: number;
  outcome: Outcome;
}

interface Phase {
  name: string;
  /** Runs the disruption; resolves when it is over (the service is back or was continued). */
  disrupt?: (stack: RunningStack) => Promise<void>;
  /** Load after the disruption, in the same phase. */
  settleMs: number;
}

async function main(): Promise<void> {
  const onServer = process.argv.includes('--server');
  const rate = Number(process.env.CHAOS_RATE ?? 20);
  const serverUrl = process.env.CHAOS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const basePort = Number(process.env.CHAOS_BASE_PORT ?? 27_400 + Math.floor(Math.random() * 500) * 10);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ips-graph-chaos-'));
  const env: Environment = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    IPS_PROFILE: 'development',
    SEED_DEMO_DATA: 'true',
    DATA_DIR: dataDir,
    GATEWAY_PORT: String(basePort),
    // CHAOS_RATE requests a second from one address would meet the per-client rate limit.
    GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
  };
  for (const [index, name] of subgraphNames.entries()) env[subgraphVariableNames(name).port] = String(basePort + index + 1);
  const databases: ScratchDatabase[] = [];
  if (onServer) {
    for (const name of subgraphNames) {
      const database = await createScratchDatabase(serverUrl, `ips_chaos_${name}_${basePort}`);
      databases.push(database);
      env[subgraphVariableNames(name).databaseUrl] = database.url;
    }
  }

  // As `npm start` runs it (scripts/start.ts).
  const stack = await startStack({ env, log: () => {}, sharedEmbeddedDatabase: true, nodeOptions: ['--max-semi-space-size=1'] });
  const samples: Sample[] = [];
  const acknowledged: { id: string; subject: string }[] = [];
  const recoveries: Record<string, number> = {};
  const runTag = `chaos-${basePort}-${Date.now()}`;
  let writes = 0;
  let firstFailure = '';
  let phase = 'baseline';
  let disruptionAt = 0;
  try {
    const authentication = loadGatewayConfig({ ...env, ...gatewayUrls(env) }, subgraphNames).authentication;
    const token = await mintDevelopmentToken(authentication, writer, { expiresIn: '1h' });
    const post = async (body: object): Promise<{ ok: boolean; data: any; errors: unknown[] | undefined }> => {
      const response = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const json = (await response.json().catch(() => ({}))) as { data?: any; errors?: unknown[] };
      if ((!response.ok || json.errors?.length) && !firstFailure) {
        firstFailure = `HTTP ${response.status} ${JSON.stringify(json.errors?.[0] ?? {}).slice(0, 200)}`;
      }
      return { ok: response.ok, data: json.data, errors: json.errors };
    };

    const fire = (kind: 'read' | 'write') => {
      const startedAt = Date.now();
      const phaseAtStart = phase;
      const subject = `${runTag}-${++writes}`;
      const request =
        kind === 'read'
          ? post({ query: readQuery, variables: { id: acknowledged.at(-1)?.id ?? noRequestYet } })
          : post({ query: writeMutation, variables: { input: { category: 'ACCOUNT', subject, message: 'Raised by the chaos suite.' } } });
      return request
        .then(({ ok, data, errors }): Outcome => {
          if (kind === 'write') {
            // The payload holds the request raised, or a refusal: a refused write was not made, so it failed.
            const payload = data?.raiseSupportRequest;
            const written = payload?.supportRequest;
            if (payload?.refusal && !firstFailure)
              firstFailure = `refused ${payload.refusal.code}: ${String(payload.refusal.message).slice(0, 200)}`;
            if (!ok || !written?.id || errors?.length || payload?.refusal) return 'failed';
            acknowledged.push({ id: written.id, subject });
            return 'completed';
          }
          if (!ok || !data?.viewer) return 'failed';
          return errors?.length ? 'partial' : 'completed';
        })
        .catch((): Outcome => 'failed')
        .then((outcome) => {
          const ms = Date.now() - startedAt;
          samples.push({ phase: phaseAtStart, kind, startedAt, ms, outcome });
          // Recovery: from the disruption to the end of the first fully completed request started after it.
          if (disruptionAt && outcome === 'completed' && startedAt >= disruptionAt && recoveries[phaseAtStart] === undefined) {
            recoveries[phaseAtStart] = Date.now() - disruptionAt;
          }
        });
    };

    // Open-model load: requests leave on a fixed schedule whatever the answers, half reads, half writes.
    const inFlight: Promise<void>[] = [];
    let tick = 0;
    const timer = setInterval(() => inFlight.push(fire(tick++ % 2 === 0 ? 'read' : 'write')), 1000 / rate);

    const phases: Phase[] = [
      { name: 'baseline', settleMs: 5_000 },
      { name: 'events killed (SIGKILL) and restarted', disrupt: (s) => s.restart('events'), settleMs: 10_000 },
      {
        name: 'events stopped (SIGSTOP) 3 s, continued',
        disrupt: async (s) => {
          s.signal('events', 'SIGSTOP');
          await sleep(3_000);
          s.signal('events', 'SIGCONT');
        },
        settleMs: 10_000,
      },
      {
        name: 'database connections terminated',
        disrupt: async (s) => {
          if (onServer)
            await terminateServerConnections(
              serverUrl,
              databases.map((database) => database.name),
            );
          else await s.terminateEmbeddedConnections();
        },
        settleMs: 10_000,
      },
    ];
    const disruptedUntil: Record<string, number> = {};
    for (const step of phases) {
      phase = step.name;
      disruptionAt = step.disrupt ? Date.now() : 0;
      if (step.disrupt) await step.disrupt(stack);
      disruptedUntil[step.name] = Date.now();
      await sleep(step.settleMs);
    }
    clearInterval(timer);
    await Promise.all(inFlight);

    // Every acknowledged write, exactly once: all of this run's requests, page by page.
    const seen = new Map<string, number>();
    const subjects = new Map<string, number>();
    let after: string | null = null;
    do {
      const page: any = await post({
        query: `query($after: String) { supportRequests(first: 100, after: $after) { edges { node { id subject } } pageInfo { hasNextPage endCursor } } }`,
        variables: { after },
      });
      const connection = page.data?.supportRequests;
      if (!connection) throw new Error(`could not list support requests: ${JSON.stringify(page.errors)}`);
      for (const { node } of connection.edges as { node: { id: string; subject: string } }[]) {
        if (!node.subject.startsWith(runTag)) continue;
        seen.set(node.id, (seen.get(node.id) ?? 0) + 1);
        subjects.set(node.subject, (subjects.get(node.subject) ?? 0) + 1);
      }
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after);
    const lost = acknowledged.filter((w) => seen.get(w.id) !== 1);
    const doubled = [...subjects.values()].filter((count) => count > 1).length;

    printTable(onServer ? 'PostgreSQL server' : 'one embedded PostgreSQL (PGlite)', rate, phases, samples, disruptedUntil, recoveries);
    console.log(
      `Acknowledged writes: ${acknowledged.length}; found exactly once: ${acknowledged.length - lost.length}; lost: ${lost.length}; ` +
        `subjects stored more than once: ${doubled}; rows of this run: ${seen.size} ` +
        `(writes committed whose answer was lost to the disruption are counted as failed, not acknowledged).`,
    );
    if (firstFailure) console.log(`First failed answer: ${firstFailure}`);
    if (lost.length > 0 || doubled > 0) process.exitCode = 1;
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
    for (const database of databases) await database.drop();
  }
}

/** The gateway's subgraph URLs, as the stack runner derives them (needed to load its configuration). */
function gatewayUrls(env: Environment): Environment {
  return Object.fromEntries(
    subgraphNames.map((name) => [
      gatewayVariableNames().subgraphUrl(name),
      `http://127.0.0.1:${env[subgraphVariableNames(name).port]}/graphql`,
    ]),
  );
}

function printTable(
  database: string,
  rate: number,
  phases: Phase[],
  samples: Sample[],
  disruptedUntil: Record<string, number>,
  recoveries: Record<string, number>,
): void {
  console.log(`\nChaos suite on ${database}, ${rate} requests/s (half reads, half writes), loopback\n`);
  const header = ['phase', 'sent', 'completed', 'partial', 'failed', 'p95 during ms', 'p95 after ms', 'recovery s'];
  const widths = [40, 6, 10, 8, 7, 14, 13, 11];
  const row = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(''));
  row(header);
  for (const step of phases) {
    const mine = samples.filter((s) => s.phase === step.name);
    const count = (outcome: Outcome) => String(mine.filter((s) => s.outcome === outcome).length);
    const until = disruptedUntil[step.name]!;
    // "During": requests that left while the disruption lasted (or the whole baseline); "after": the rest.
    const during = step.disrupt ? mine.filter((s) => s.startedAt <= until) : mine;
    const afterwards = step.disrupt ? mine.filter((s) => s.startedAt > until) : [];
    const recovery = step.disrupt ? (recoveries[step.name] !== undefined ? (recoveries[step.name]! / 1000).toFixed(2) : 'never') : '-';
    row([
      step.name,
      String(mine.length),
      count('completed'),
      count('partial'),
      count('failed'),
      during.length
        ? String(
            percentile(
              during.map((s) => s.ms),
              95,
            ),
          )
        : '-',
      afterwards.length
        ? String(
            percentile(
              afterwards.map((s) => s.ms),
              95,
            ),
          )
        : '-',
      recovery,
    ]);
  }
  console.log('');
}

// `-- --replicas`: the same load against the replica stack behind HAProxy (scripts/chaos-replicas.ts);
// `-- --notifications`: delivered once, through NATS, under kills (scripts/chaos-notifications.ts).
(process.argv.includes('--replicas')
  ? import('./chaos-replicas').then((replicas) => replicas.runReplicaChaos())
  : process.argv.includes('--notifications')
    ? import('./chaos-notifications').then((notifications) => notifications.runNotificationsChaos())
    : main()
).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
