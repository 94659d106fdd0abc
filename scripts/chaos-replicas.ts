import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { mintDevelopmentToken } from '../gateway/development-tokens';
import { loadGatewayConfig, loadSubgraphConfig, type Environment } from '../platform/config';
import { createGatewayAssertion, gatewayAssertionHeader } from '../platform/gateway-assertion';
import { subgraphNames } from '../platform/subgraph-names';
import { createScratchDatabase } from './scratch-database';
import { hasExited, signalGroup } from './stack';
import { findProgram, startReplicaStack, type ReplicaService, type ReplicaStack } from './stack-replicas';
import { noRequestYet, percentile, readQuery, sleep, writeMutation, writer, type Outcome } from './chaos-load';

/**
 * `npm run chaos -- --replicas [N]` (issue 26 item 5): the replica stack of scripts/stack-replicas.ts
 * (N gateways and N of each subgraph, default 2, behind HAProxy, through PgBouncer in transaction
 * mode, on a throwaway database on the PostgreSQL server at CHAOS_DATABASE_URL) under the chaos
 * suite's fixed-rate mixed load (CHAOS_RATE a second, half reads of members and events, half
 * acknowledged writes: support requests with unique subjects), while
 *   - every replica in turn is restarted (SIGTERM: it drains; then started again), a rolling restart;
 *   - a gateway replica, then an events replica, is killed outright (SIGKILL) and later started again;
 *   - Redis restarts (`shutdown nosave`, then started again);
 *   - PgBouncer restarts (every server and client connection dropped at once).
 * It uses a Redis of its own (a `redis-server` on a spare port), so restarting it disturbs no one
 * else's Redis. Prints completed / partial / failed per phase and checks, exiting 1 if any fails:
 *   - no request fails, even partly, during the rolling restart;
 *   - after a kill only requests in flight at that instant fail (on the killed replica: anything
 *     that started after the kill found another);
 *   - every acknowledged write is in the database exactly once (read back by id), no subject twice;
 *   - an assertion that one members replica accepted is refused by the other (the shared replay guard).
 * Every process's lines go to a log file in the temporary directory, named at the end.
 */

interface Sample {
  phase: string;
  kind: 'read' | 'write';
  startedAt: number;
  endedAt: number;
  outcome: Outcome;
}

interface Phase {
  name: string;
  /** Runs the disruption; resolves when it is over. Returns the instant of a kill, when it is one. */
  disrupt?: () => Promise<number | void>;
  settleMs: number;
  /** What this phase must show. */
  expect: 'nothing fails' | 'only requests in flight at the kill fail' | 'recovers';
}

/** A Redis of this run's own, restarted as the machine's would be: `shutdown nosave`, then started again. */
class PrivateRedis {
  private child: ChildProcess | undefined;
  constructor(
    private readonly port: number,
    private readonly log: (line: string) => void,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = findProgram('redis-server');
    if (!server) throw new Error('redis-server is not installed (Debian: apt-get install redis-server)');
    this.child = spawn(server, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    for (const stream of [this.child.stdout, this.child.stderr])
      stream?.on('data', (chunk: Buffer) => this.log(`[redis] ${chunk.toString().trimEnd()}`));
    for (let attempt = 0; attempt < 100; attempt++) {
      if ((await this.command('ping')) === 'PONG') return;
      await sleep(100);
    }
    throw new Error('redis-server did not answer PING');
  }

  async restart(): Promise<void> {
    const child = this.child!;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await this.command('shutdown', 'nosave');
    await exited;
    await this.start();
  }

  /** One command on a connection of its own, as `redis-cli` would send it; undefined when Redis does not answer. */
  private async command(...words: [string, ...string[]]): Promise<unknown> {
    const redis = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return await redis.call(...words);
    } catch {
      return undefined;
    } finally {
      redis.disconnect();
    }
  }

  stop(): void {
    if (this.child && !hasExited(this.child)) signalGroup(this.child, 'SIGKILL');
  }
}

export async function runReplicaChaos(): Promise<void> {
  const after = process.argv[process.argv.indexOf('--replicas') + 1];
  const replicas = after && /^\d+$/.test(after) ? Number(after) : 2;
  const rate = Number(process.env.CHAOS_RATE ?? 20);
  const serverUrl = process.env.CHAOS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const basePort = Number(process.env.CHAOS_BASE_PORT ?? 20_000 + Math.floor(Math.random() * 100) * 100);
  const logPath = path.join(tmpdir(), `ips-graph-chaos-replicas-${basePort}.log`);
  const logFile = createWriteStream(logPath);
  const log = (line: string) => logFile.write(`${line}\n`);
  const env: Environment = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    IPS_PROFILE: 'development',
    SEED_DEMO_DATA: 'true',
    LOG_FORMAT: 'json',
    // CHAOS_RATE requests a second from one person would meet the per-client rate limit.
    GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
  };
  const redis = new PrivateRedis(basePort + 61, log);
  const database = await createScratchDatabase(serverUrl, `ips_chaos_replicas_${basePort}`);
  let stack: ReplicaStack | undefined;
  try {
    await redis.start();
    stack = await startReplicaStack({
      replicas,
      env,
      databaseUrl: database.url,
      pgbouncerPort: basePort + 60,
      redisUrl: redis.url,
      redisKeyPrefix: `ips-chaos-${basePort}`,
      firstPort: basePort,
      replicaFirstPort: basePort + 10,
      log,
    });
    const running = stack;
    const gatewayUrl = running.gatewayUrl!;
    const token = await mintDevelopmentToken(loadGatewayConfig(env, subgraphNames).authentication, writer, { expiresIn: '1h' });
    const samples: Sample[] = [];
    const acknowledged: { id: string; subject: string }[] = [];
    const runTag = `chaos-replicas-${basePort}-${Date.now()}`;
    let writes = 0;
    let phase = 'baseline';
    const failures = new Map<string, string>();

    const post = async (body: object) => {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const json = (await response.json().catch(() => ({}))) as { data?: any; errors?: { message?: string }[] };
      return { status: response.status, data: json.data, errors: json.errors };
    };
    let openRequests = 0;
    const fire = (kind: 'read' | 'write') => {
      const startedAt = Date.now();
      openRequests += 1;
      const phaseAtStart = phase;
      const subject = `${runTag}-${++writes}`;
      const request =
        kind === 'read'
          ? post({ query: readQuery, variables: { id: acknowledged.at(-1)?.id ?? noRequestYet } })
          : post({
              query: writeMutation,
              variables: { input: { category: 'ACCOUNT', subject, message: 'Raised by the replica chaos suite.' } },
            });
      return request
        .then(({ status, data, errors }): Outcome => {
          const first = errors?.[0]?.message ?? (status === 200 ? '' : `HTTP ${status}`);
          if (first && !failures.has(phaseAtStart)) failures.set(phaseAtStart, `HTTP ${status} ${first}`.slice(0, 200));
          if (kind === 'write') {
            // The payload holds the request raised, or a refusal: a refused write was not made, so it failed.
            const written = data?.raiseSupportRequest?.supportRequest;
            if (status !== 200 || !written?.id || errors?.length || data?.raiseSupportRequest?.refusal) return 'failed';
            acknowledged.push({ id: written.id, subject });
            return 'completed';
          }
          if (status !== 200 || !data?.viewer) return 'failed';
          return errors?.length ? 'partial' : 'completed';
        })
        .catch((error: unknown): Outcome => {
          if (!failures.has(phaseAtStart)) failures.set(phaseAtStart, String(error).slice(0, 200));
          return 'failed';
        })
        .then((outcome) => {
          openRequests -= 1;
          samples.push({ phase: phaseAtStart, kind, startedAt, endedAt: Date.now(), outcome });
        });
    };

    // The replay guard across replicas, before any disruption: what members-0 accepted, members-1 refuses.
    const replay = await replayAcrossReplicas(running, env);

    const inFlight: Promise<void>[] = [];
    let tick = 0;
    const timer = setInterval(() => inFlight.push(fire(tick++ % 2 === 0 ? 'read' : 'write')), 1000 / rate);
    const services: ReplicaService[] = [...subgraphNames, 'gateway'];
    const killAndRestart = (service: ReplicaService, index: number) => async () => {
      // At this rate few requests are in flight at a random instant: kill with one in flight at least (waiting up to 3 s).
      for (const giveUp = Date.now() + 3_000; openRequests < 1 && Date.now() < giveUp;) await sleep(1);
      const killedAt = Date.now();
      await running.stopReplica(service, index, 'SIGKILL');
      await sleep(5_000);
      await running.startReplica(service, index);
      return killedAt;
    };
    const phases: Phase[] = [
      { name: 'baseline', settleMs: 5_000, expect: 'nothing fails' },
      {
        name: `rolling restart (SIGTERM) of all ${services.length * replicas}`,
        disrupt: async () => {
          for (const service of services) {
            for (let index = 0; index < replicas; index++) {
              await running.stopReplica(service, index, 'SIGTERM');
              await running.startReplica(service, index);
            }
          }
        },
        settleMs: 3_000,
        expect: 'nothing fails',
      },
      {
        name: 'gateway-1 killed (SIGKILL), restarted',
        disrupt: killAndRestart('gateway', 1),
        settleMs: 3_000,
        expect: 'only requests in flight at the kill fail',
      },
      {
        name: 'events-1 killed (SIGKILL), restarted',
        disrupt: killAndRestart('events', 1),
        settleMs: 3_000,
        expect: 'only requests in flight at the kill fail',
      },
      { name: 'Redis restarted (shutdown nosave)', disrupt: () => redis.restart(), settleMs: 8_000, expect: 'recovers' },
      { name: 'PgBouncer restarted', disrupt: () => running.restartPgBouncer(), settleMs: 8_000, expect: 'recovers' },
    ];
    const results: { step: Phase; disruptedAt: number; disruptedUntil: number; killedAt?: number; phaseEnd: number }[] = [];
    for (const step of phases) {
      phase = step.name;
      const disruptedAt = Date.now();
      const killedAt = step.disrupt ? ((await step.disrupt()) ?? undefined) : undefined;
      const disruptedUntil = Date.now();
      await sleep(step.settleMs);
      results.push({ step, disruptedAt, disruptedUntil, killedAt, phaseEnd: Date.now() });
    }
    clearInterval(timer);
    await Promise.all(inFlight);

    // Every acknowledged write, read back by id from the database itself, and no subject stored twice.
    const rows = await storedRequests(database.url, runTag);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const lost = acknowledged.filter((write) => byId.get(write.id)?.subject !== write.subject);
    const subjects = new Map<string, number>();
    for (const row of rows) subjects.set(row.subject, (subjects.get(row.subject) ?? 0) + 1);
    const doubled = [...subjects.values()].filter((count) => count > 1).length;

    console.log(
      `\nReplica chaos: ${replicas} gateways and ${replicas} of each subgraph behind HAProxy, PgBouncer (transaction mode), Redis; ` +
        `${rate} requests/s (half reads, half writes), loopback\n`,
    );
    const header = ['phase', 'sent', 'completed', 'partial', 'failed', 'p95 ms', 'recovery s', 'check'];
    const widths = [44, 6, 10, 8, 7, 8, 11, 0];
    const row = (cells: string[]) =>
      console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : i === 7 ? `  ${c}` : c.padStart(widths[i]!))).join(''));
    row(header);
    const problems: string[] = [];
    for (const { step, disruptedAt, disruptedUntil, killedAt, phaseEnd } of results) {
      const mine = samples.filter((s) => s.phase === step.name);
      const count = (outcome: Outcome) => mine.filter((s) => s.outcome === outcome).length;
      const notCompleted = mine.filter((s) => s.outcome !== 'completed');
      let check = 'ok';
      if (step.expect === 'nothing fails' && notCompleted.length > 0) check = `FAILED: ${notCompleted.length} did not complete`;
      if (step.expect === 'only requests in flight at the kill fail') {
        // Requests in flight at the kill left before it, in the phase before: count every request that
        // ended during this phase, whichever phase it started in.
        const around = samples.filter((s) => s.endedAt >= disruptedAt && s.startedAt <= phaseEnd);
        const atKill = (s: Sample) => s.startedAt <= killedAt! && s.endedAt >= killedAt!;
        const outside = around.filter((s) => s.outcome !== 'completed' && !atKill(s)).length;
        const failedAtKill = around.filter((s) => s.outcome !== 'completed' && atKill(s)).length;
        check = `${around.filter(atKill).length} in flight at the kill (${failedAtKill} failed); ${outside} failed outside it`;
        if (outside > 0) check = `FAILED: ${check}`;
      }
      const firstAfter = mine
        .filter((s) => s.startedAt >= disruptedAt && s.outcome === 'completed')
        .sort((a, b) => a.endedAt - b.endedAt)[0];
      const recovery = !step.disrupt
        ? '-'
        : step.expect === 'nothing fails'
          ? '-'
          : firstAfter
            ? ((firstAfter.endedAt - disruptedAt) / 1000).toFixed(2)
            : 'never';
      if (check.startsWith('FAILED') || recovery === 'never')
        problems.push(`${step.name}: ${check}${failures.has(step.name) ? ` (first: ${failures.get(step.name)})` : ''}`);
      const during = mine.filter((s) => s.startedAt <= disruptedUntil);
      row([
        step.name,
        String(mine.length),
        String(count('completed')),
        String(count('partial')),
        String(count('failed')),
        String(
          percentile(
            (during.length ? during : mine).map((s) => s.endedAt - s.startedAt),
            95,
          ),
        ),
        recovery,
        check,
      ]);
    }
    console.log('');
    console.log(
      `Acknowledged writes: ${acknowledged.length}; in the database exactly once, by id: ${acknowledged.length - lost.length}; lost: ${lost.length}; ` +
        `subjects stored more than once: ${doubled}; rows of this run: ${rows.length} ` +
        `(a write committed whose answer was lost to a disruption counts as failed, not acknowledged).`,
    );
    console.log(
      `Replayed assertion: members-0 answered ${replay.first}, members-1 answered ${replay.second} to the same assertion (401: refused).`,
    );
    for (const [name, first] of failures) console.log(`First failure in "${name}": ${first}`);
    if (lost.length > 0 || doubled > 0) problems.push('writes lost or doubled');
    if (replay.first !== 200 || replay.second !== 401) problems.push('the replayed assertion was not refused');
    for (const problem of problems) console.log(`PROBLEM: ${problem}`);
    console.log(`Every process's lines: ${logPath}`);
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    await stack?.stop();
    redis.stop();
    await database.drop();
    logFile.end();
  }
}

/** One assertion, as the gateway makes it for members, sent to members-0 and then replayed to members-1. */
async function replayAcrossReplicas(stack: ReplicaStack, env: Environment): Promise<{ first: number; second: number }> {
  const members = stack.replicas().filter((replica) => replica.service === 'members');
  const body = JSON.stringify({ query: '{ __typename }' });
  const headers = {
    'content-type': 'application/json',
    [gatewayAssertionHeader]: createGatewayAssertion({
      subgraph: 'members',
      body,
      identity: null,
      secret: loadSubgraphConfig('members', env).gatewaySecret,
    }),
  };
  const send = async (baseUrl: string) => (await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body })).status;
  return { first: await send(members[0]!.baseUrl), second: await send(members[1 % members.length]!.baseUrl) };
}

async function storedRequests(databaseUrl: string, runTag: string): Promise<{ id: string; subject: string }[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ id: string; subject: string }>(
      `SELECT id, subject FROM events.support_request WHERE subject LIKE $1`,
      [`${runTag}-%`],
    );
    return result.rows;
  } finally {
    await client.end();
  }
}
