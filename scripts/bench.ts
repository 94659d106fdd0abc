import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createAuthenticator, createTokenVerifier } from '../gateway/authentication';
import { startInProcessGraph } from './in-process-graph';
import { runSavedSearchFanOut } from './bench-search-fanout';
import { configureLogging } from '../platform/logger';
import { GatewayMetrics } from '../platform/metrics';
import {
  gatewayVariableNames,
  loadBenchConfig,
  loadGatewayConfig,
  loadHttpLimits,
  loadLoggingConfig,
  type BenchConfig,
  type Environment,
} from '../platform/config';
import { openDatabase, type SubgraphDatabase } from '../platform/database';
import { serveGraphQL } from '../platform/graphql-http';
import type { Listening } from '../platform/http';
import { repositoryRoot } from '../platform/paths';
import { statementCountHeader } from '../platform/statement-counter';
import { subgraphNames, type SubgraphName } from '../platform/subgraph-names';
import { subgraphModules } from '../subgraphs';
import { benchMix, sampleQuery, samplesFrom, type BenchOperation, type BenchRequest } from './bench-mix';
import { freePort, makeLoopbackCertificate, offlineNotifySettings, startBenchIssuer, type BenchIssuer } from './bench-identity';
import { productionStackEnvironment } from './bench-stack';
import { cpuMs, DatabaseCpu, rssMb } from './process-usage';
import { runSearchBenchmark } from './bench-search';
import { runNotificationLatencyBenchmark } from './bench-notifications';
import { runValidationAttackBenchmark } from './bench-validation-attack';
import { runDocumentsBenchmark } from './bench-documents';
import { createScratchDatabase } from './scratch-database';
import { startStack, type RunningStack } from './stack';

/**
 * `npm run bench`: our gateway side by side with Hive Gateway configured for the same features
 * (issue 27: like for like), and with the in-process plan, in one invocation, over the same four
 * subgraph processes and the same database. Two pairs, each ours against Hive:
 *   - no response cache, identical requests in flight shared per caller: `ours` (gateway/ over
 *     HTTP subgraphs, GATEWAY_PUBLIC_CACHE_SECONDS=0) against `hive` (Hive Gateway 2.x CLI over
 *     the committed supergraph with our sign-in and gateway assertion, outbound deduplication off
 *     as gateway/hive/ deploys it, `inboundInflightRequestDeduplication` on: scripts/bench-hive.config.ts);
 *   - the anonymous response cache, 5 s, as production runs it: `ours cached` against `hive cached`
 *     (the same Hive with its response cache for anonymous requests, in an LRU sized for the mix).
 *     Signed-in rows are not measured here: neither cache keeps a signed-in answer;
 * and `in-process`: our gateway executing the same plans against the subgraphs in its own process
 * (no subgraph HTTP hops, no cache), the lower bound for the HTTP deployment.
 * Every service runs its production configuration (NODE_ENV=production: graphql-js without its
 * development checks, errors masked, no statement-count header), on a fresh database on the
 * PostgreSQL server seeded with the demo data. Targets take turns per measurement (the order
 * rotates), each warmed first; the operations are scripts/bench-mix.ts, each hot and varied (an
 * anonymous varied run rotates at least 200 variable sets). Every answer under load is checked
 * against what the same caller got asking alone (`wrong`). CPU per request is read from /proc for
 * the gateway, the subgraph processes and the database's backends serving the benchmark's database.
 * Figures are printed, never asserted.
 *
 *   npm run bench                    3 rounds, BENCH_DURATION_SECONDS (10) each, medians
 *   npm run bench -- --quick         1 round of 1 s per measurement: a few minutes
 *   npm run bench -- --rounds=5      more rounds
 *   npm run bench -- --only=BuyerView only the operations whose label contains this text (or one of
 *                                    several, comma-separated)
 *   npm run bench -- --targets=ours,hive measure only these targets (comma-separated: ours, hive,
 *                                    ours cached, hive cached, in-process)
 *   npm run bench -- --profile=DIR   CPU profiles of the gateways (ours, Hive) and subgraphs into DIR (--cpu-prof)
 *   npm run bench -- --search        the catalogue search at 1,000, 10,000 and 100,000 innovations instead
 *                                    (3 rounds, or --rounds=N)
 *   npm run bench -- --validation-attack
 *                                    a cheap query's p95 alone and under 4 clients looping on abusive
 *                                    documents, rate limit off and on (scripts/bench-validation-attack.ts;
 *                                    --quick: 3 s per measurement; --rate-limit=off|on: only that one)
 *   npm run bench -- --documents     uploads and downloads instead: one 25 MB each way and 20 concurrent
 *                                    10 MB uploads, throughput and peak RSS of the gateway and innovations
 *                                    (scripts/bench-documents.ts)
 *   npm run bench -- --notifications the notifications parts instead: p95 from a committed change to its
 *                                    inbox row, at rest and under the mix (scripts/bench-notifications.ts;
 *                                    --quick: 20 changes each, not 100); one approval matching 10,000 saved
 *                                    searches (scripts/bench-search-fanout.ts; --saved-searches=N);
 *                                    --part=latency or --part=fan-out: only that one
 */
interface BenchOptions {
  quick: boolean;
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Only operations whose label contains one of these (e.g. a profile of one query). */
  only: string[] | undefined;
  /** Directory for CPU profiles of the gateway processes, written when they stop. */
  profileDirectory: string | undefined;
  /** Only these targets are measured (all when absent). */
  targets: string[] | undefined;
}

interface Target {
  name: TargetName;
  url: string;
  /** The gateway's process (for in-process: this one, which also runs the load generator). */
  gatewayPid: number;
  /** Subgraph processes that serve this target (none in-process). */
  subgraphPids: number[];
}

interface Figures {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  /** Answers that were not what the same request, by the same caller, gets when asked alone. */
  wrong: number;
  gatewayCpuMsPerRequest: number;
  subgraphCpuMsPerRequest: number;
  /** CPU of the PostgreSQL backends serving the benchmark's database. */
  databaseCpuMsPerRequest: number;
}

type TargetName = 'ours' | 'hive' | 'ours cached' | 'hive cached' | 'in-process';

/** The response cache's time to live in the cached pair: production's default (GATEWAY_PUBLIC_CACHE_SECONDS). */
const cacheSeconds = 5;

/**
 * The like-for-like pairs (issue 27 item 1): each of our configurations and Hive set up for the same
 * features. `anonymousOnly`: a response cache keeps only anonymous answers, so a row asked by
 * signed-in callers would measure the same thing as the pair without it.
 */
const pairs = [
  { column: 'no cache, per-caller in-flight sharing', ours: 'ours', hive: 'hive', anonymousOnly: false },
  { column: `${cacheSeconds} s anonymous cache`, ours: 'ours cached', hive: 'hive cached', anonymousOnly: true },
] as const satisfies readonly { column: string; ours: TargetName; hive: TargetName; anonymousOnly: boolean }[];

/** The Hive target a target's req/s is divided by (in-process: the Hive without cache). */
function yardstickOf(name: TargetName): TargetName | undefined {
  if (name === 'in-process') return 'hive';
  return pairs.find((pair) => pair.ours === name)?.hive;
}

const childFlag = '--production-child';
/** Warm-up of a quick run: requests per connection before each measurement. */
const quickWarmupRequestsPerConnection = 1;

/** `--rounds=N`, else `fallback`. */
function readRounds(argv: string[], fallback: number): number {
  const rounds = Number(argv.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? fallback);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds= takes a positive whole number');
  return rounds;
}

function benchOptions(config: BenchConfig, argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const rounds = readRounds(argv, quick ? 1 : 3);
  return {
    quick,
    rounds,
    // Short enough that `npm run bench -- --quick` (build included) stays under 2 minutes with
    // three dashboards in the mix; the figures are rough, the table complete.
    durationSeconds: quick ? 1 : config.durationSeconds,
    warmupSeconds: quick ? 0 : config.warmupSeconds,
    connections: config.connections,
    only: argv
      .find((a) => a.startsWith('--only='))
      ?.slice('--only='.length)
      .split(',')
      .map((text) => text.trim()),
    profileDirectory: argv.find((a) => a.startsWith('--profile='))?.slice('--profile='.length),
    targets: argv
      .find((a) => a.startsWith('--targets='))
      ?.slice('--targets='.length)
      .split(',')
      .map((name) => name.trim()),
  };
}

// ---------------------------------------------------------------------------------------------
// Load.

interface PreparedRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * What each request of a cycle must be answered with, by one target: its raw answer when asked
 * alone (a byte-for-byte match is the cheap check) and the JSON of its data (compared when the
 * bytes differ, e.g. in key order). A gateway that shares one caller's answer with another under
 * load is counted here, not rewarded.
 */
interface ExpectedAnswer {
  raw: string;
  data: string;
}

/** `right`, `wrong` (other data than that caller gets alone) or `failed` (errors, or not JSON). */
function judge(body: string, expected: ExpectedAnswer): 'right' | 'wrong' | 'failed' {
  if (body === expected.raw) return 'right';
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: unknown };
    if (parsed.errors) return 'failed';
    return JSON.stringify(parsed.data) === expected.data ? 'right' : 'wrong';
  } catch {
    return 'failed';
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Load for `seconds` (autocannon counts whole seconds), or until `amount` requests were answered. */
async function load(
  url: string,
  requests: PreparedRequest[],
  connections: number,
  length: { seconds: number } | { amount: number },
  expected?: ExpectedAnswer[],
) {
  let next = 0;
  let wrong = 0;
  let failed = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        connections,
        ...('seconds' in length ? { duration: length.seconds } : { amount: length.amount }),
        // autocannon notices its deadline at its next sample; the default 1 s sample adds up to a second per run.
        sampleInt: 100,
        requests: [
          {
            // Each request takes the next body of the cycle (hot: always the same one). The context
            // is the connection's, which has one request in flight: its answer is checked against it.
            setupRequest: (request, context) => {
              const index = next++ % requests.length;
              (context as { index?: number }).index = index;
              const chosen = requests[index]!;
              return { ...request, method: 'POST', body: chosen.body, headers: chosen.headers };
            },
            ...(expected
              ? {
                  onResponse: (status: number, body: string, context: object) => {
                    if (status !== 200) return; // counted by autocannon as non-2xx
                    const verdict = judge(body, expected[(context as { index: number }).index]!);
                    if (verdict === 'wrong') wrong += 1;
                    else if (verdict === 'failed') failed += 1;
                  },
                }
              : {}),
          },
        ],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    // autocannon reports p97.5 but not p95; keep every latency and compute the percentiles asked for.
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const elapsedSeconds = (performance.now() - started) / 1000;
  return { result, latencies: latencies.sort((a, b) => a - b), elapsedSeconds, wrong, failed };
}

async function measure(
  target: Target,
  requests: PreparedRequest[],
  expected: ExpectedAnswer[],
  options: BenchOptions,
  database: DatabaseCpu,
): Promise<Figures> {
  // The quick run warms with a few requests per connection: a timed warm-up takes a whole second.
  if (options.quick)
    await load(target.url, requests, options.connections, { amount: options.connections * quickWarmupRequestsPerConnection });
  else if (options.warmupSeconds > 0) await load(target.url, requests, options.connections, { seconds: options.warmupSeconds });
  const gatewayBefore = target.gatewayPid === process.pid ? process.cpuUsage() : undefined;
  const gatewayCpuBefore = cpuMs(target.gatewayPid);
  const subgraphCpuBefore = target.subgraphPids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const databaseCpuBefore = await database.sample();
  const { result, latencies, elapsedSeconds, wrong, failed } = await load(
    target.url,
    requests,
    options.connections,
    { seconds: options.durationSeconds },
    expected,
  );
  const answered = latencies.length;
  const gatewayCpu = gatewayBefore
    ? (() => {
        const used = process.cpuUsage(gatewayBefore);
        return (used.user + used.system) / 1000;
      })()
    : cpuMs(target.gatewayPid) - gatewayCpuBefore;
  const subgraphCpu = target.subgraphPids.reduce((sum, pid) => sum + cpuMs(pid), 0) - subgraphCpuBefore;
  const databaseCpu = DatabaseCpu.between(databaseCpuBefore, await database.sample());
  // autocannon drops its sockets at the deadline; let the requests it abandoned finish.
  await new Promise((resolve) => setTimeout(resolve, options.quick ? 100 : 500));
  return {
    requestsPerSecond: answered / elapsedSeconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    // Connection errors, non-2xx answers, timeouts, and 200s carrying GraphQL errors.
    errors: result.errors + result.non2xx + result.timeouts + failed,
    wrong,
    gatewayCpuMsPerRequest: answered ? gatewayCpu / answered : NaN,
    subgraphCpuMsPerRequest: answered ? subgraphCpu / answered : NaN,
    databaseCpuMsPerRequest: answered ? databaseCpu / answered : NaN,
  };
}

/** Whether every request is anonymous (only then can a response cache answer it). */
function anonymous(requests: PreparedRequest[]): boolean {
  return requests.every((request) => request.headers.authorization === undefined);
}

const notMeasured: Figures = {
  requestsPerSecond: NaN,
  p50: NaN,
  p95: NaN,
  p99: NaN,
  errors: 0,
  wrong: 0,
  gatewayCpuMsPerRequest: NaN,
  subgraphCpuMsPerRequest: NaN,
  databaseCpuMsPerRequest: NaN,
};

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function medianFigures(runs: Figures[]): Figures {
  const of = (key: keyof Figures) => median(runs.map((r) => r[key]));
  return {
    requestsPerSecond: of('requestsPerSecond'),
    p50: of('p50'),
    p95: of('p95'),
    p99: of('p99'),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    wrong: runs.reduce((sum, r) => sum + r.wrong, 0),
    gatewayCpuMsPerRequest: of('gatewayCpuMsPerRequest'),
    subgraphCpuMsPerRequest: of('subgraphCpuMsPerRequest'),
    databaseCpuMsPerRequest: of('databaseCpuMsPerRequest'),
  };
}

// ---------------------------------------------------------------------------------------------
// Checking answers before measuring them.

interface Answer {
  status: number;
  raw: string;
  body: { data?: unknown; errors?: unknown[] };
  statements: number;
}

async function ask(url: string, request: PreparedRequest): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  const raw = await response.text();
  const body = JSON.parse(raw) as Answer['body'];
  return { status: response.status, raw, body, statements: Number(response.headers.get(statementCountHeader)) };
}

/**
 * Every target must answer each request of the mix without errors, and ours and Hive must give the
 * same data (a gateway that answers less is not faster). Each request is asked alone, so what a
 * target answers here is what that caller must get under load too. Returns those answers per
 * target, and the SQL statements per request the in-process plan counted (the HTTP services hide
 * the count in production).
 */
async function checkAnswers(
  targets: Target[],
  requests: PreparedRequest[],
  label: string,
): Promise<{ statements: number; expected: Map<string, ExpectedAnswer[]> }> {
  const statements: number[] = [];
  const expected = new Map(targets.map((target) => [target.name, [] as ExpectedAnswer[]]));
  for (const [requestIndex, request] of requests.entries()) {
    const answers = await Promise.all(targets.map((t) => ask(t.url, request)));
    answers.forEach((answer, index) => {
      if (answer.status !== 200 || answer.body.errors || !answer.body.data) {
        throw new Error(`${label} on ${targets[index]!.name}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 400)}`);
      }
    });
    const reference = JSON.stringify(answers[0]!.body.data);
    answers.forEach((answer, index) => {
      if (JSON.stringify(answer.body.data) !== reference) {
        throw new Error(`${label}: ${targets[index]!.name} answered differently from ${targets[0]!.name}`);
      }
      expected.get(targets[index]!.name)![requestIndex] = { raw: answer.raw, data: reference };
    });
    const counted = answers.find((a) => Number.isFinite(a.statements) && a.statements > 0)?.statements;
    if (counted !== undefined) statements.push(counted);
  }
  return { statements: statements.length ? statements.reduce((a, b) => a + b, 0) / statements.length : NaN, expected };
}

// ---------------------------------------------------------------------------------------------
// Printing.

const pad = (text: string, width: number) => text.padStart(width);
const num = (n: number, digits = 1) => (Number.isNaN(n) ? '—' : n.toFixed(digits));

interface Row {
  label: string;
  variant: string;
  statements: number;
  /** Distinct requests the run rotates (variable sets, or callers). */
  distinct: number;
  figures: Figures[];
}

/** gateway / subgraphs / database CPU ms per request, e.g. `0.42/1.10/0.31`. */
function cpuTriple(figures: Figures): string {
  return `${num(figures.gatewayCpuMsPerRequest, 2)}/${num(figures.subgraphCpuMsPerRequest, 2)}/${num(figures.databaseCpuMsPerRequest, 2)}`;
}

function printTable(options: BenchOptions, targets: Target[], rows: Row[]): void {
  const indexOf = (name: TargetName) => targets.findIndex((t) => t.name === name);
  console.log(
    `\n${'operation'.padEnd(44)}${'target'.padEnd(13)}${pad('req/s', 7)}${pad('p50', 6)}${pad('p95', 6)}${pad('p99', 6)}` +
      `${pad('err', 5)}${pad('wrong', 6)}${pad('gw CPU', 8)}${pad('sg CPU', 8)}${pad('db CPU', 8)}${pad('SQL', 6)}${pad('×hive', 7)}`,
  );
  console.log(
    `${''.padEnd(57)}${pad('', 7)}${pad('ms', 6)}${pad('ms', 6)}${pad('ms', 6)}${pad('', 11)}${pad('ms/req', 8)}${pad('ms/req', 8)}${pad('ms/req', 8)}${pad('/req', 6)}`,
  );
  const shortfalls: string[] = [];
  const wrongAnswers: string[] = [];
  const ratio = (row: Row, name: TargetName) => {
    const yardstick = yardstickOf(name);
    const [index, reference] = [indexOf(name), yardstick ? indexOf(yardstick) : -1];
    return index >= 0 && reference >= 0 ? row.figures[index]!.requestsPerSecond / row.figures[reference]!.requestsPerSecond : NaN;
  };
  for (const row of rows) {
    let first = true;
    row.figures.forEach((figures, index) => {
      const target = targets[index]!;
      if (Number.isNaN(figures.requestsPerSecond)) return;
      const isHive = target.name === 'hive' || target.name === 'hive cached';
      const versus = isHive ? NaN : ratio(row, target.name);
      const isPaired = pairs.some((pair) => pair.ours === target.name);
      const mark = isPaired && !Number.isNaN(versus) ? (versus >= 1.2 ? ' ✓' : ' ✗') : '';
      if (isPaired && versus < 1.2) shortfalls.push(`${row.label} ${row.variant} (${target.name}): ${num(versus, 2)}×`);
      if (figures.wrong > 0) wrongAnswers.push(`${target.name} on ${row.label} ${row.variant}: ${figures.wrong}`);
      console.log(
        `${(first ? `${row.label} ${row.variant}` : '').padEnd(44)}${target.name.padEnd(13)}` +
          `${pad(num(figures.requestsPerSecond, 0), 7)}${pad(num(figures.p50, 0), 6)}${pad(num(figures.p95, 0), 6)}${pad(num(figures.p99, 0), 6)}` +
          `${pad(String(figures.errors), 5)}${pad(String(figures.wrong), 6)}${pad(num(figures.gatewayCpuMsPerRequest, 2), 8)}` +
          `${pad(target.subgraphPids.length ? num(figures.subgraphCpuMsPerRequest, 2) : '—', 8)}${pad(num(figures.databaseCpuMsPerRequest, 2), 8)}` +
          `${pad(first ? num(row.statements, 0) : '', 6)}${pad(isHive ? '1.00' : num(versus, 2), 7)}${mark}`,
      );
      first = false;
    });
  }

  // Like for like: each of our configurations against Hive configured for the same features.
  const measuredPairs = pairs.filter((pair) => indexOf(pair.ours) >= 0 && indexOf(pair.hive) >= 0);
  if (measuredPairs.length > 0) {
    console.log('\nLike for like (req/s ours ÷ Hive, median over rounds; CPU ms per request, gateway/subgraphs/database, ours · Hive):\n');
    console.log(`| row | variable sets | ${measuredPairs.map((pair) => `${pair.column} | CPU ms/req`).join(' | ')} |`);
    console.log(`|---|---:|${measuredPairs.map(() => '---:|---|').join('')}`);
    for (const row of rows) {
      const cells = measuredPairs.map((pair) => {
        const [ours, hive] = [row.figures[indexOf(pair.ours)]!, row.figures[indexOf(pair.hive)]!];
        if (Number.isNaN(ours.requestsPerSecond) || Number.isNaN(hive.requestsPerSecond)) return '— | —';
        return `${num(ratio(row, pair.ours), 2)}× | ${cpuTriple(ours)} · ${cpuTriple(hive)}`;
      });
      console.log(`| ${row.label} ${row.variant} | ${row.distinct} | ${cells.join(' | ')} |`);
    }
  }
  console.log(
    `\nTarget ≥ 1.2× Hive's req/s on every row, hot and varied, in each pair: ${shortfalls.length === 0 ? 'met' : `not met on ${shortfalls.length}: ${shortfalls.join('; ')}`}`,
  );
  console.log(
    wrongAnswers.length === 0
      ? 'Wrong answers (not what that caller gets when asking alone): none.'
      : `Wrong answers (not what that caller gets when asking alone): ${wrongAnswers.join('; ')}.`,
  );
  console.log(
    `${options.connections} connections, ${options.rounds} round(s) of ${options.durationSeconds} s per measurement after ${options.quick ? `${quickWarmupRequestsPerConnection} requests per connection` : `${options.warmupSeconds} s`} of warm-up, medians; ` +
      'gw CPU: the gateway process (in-process: this process, load generator included); sg CPU: the subgraph processes; ' +
      "db CPU: the PostgreSQL backends serving the benchmark's database; SQL/req counted by the in-process plan.",
  );
}

// ---------------------------------------------------------------------------------------------
// Services.

async function waitForGraphQL(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(2_000),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} was not ready in time`);
}

/** A gateway process of its own: Hive's CLI, or a second one of ours (`arguments_`: the script and its arguments). */
function spawnGateway(env: Environment, arguments_: string[], output: string[], nodeArguments: string[]): ChildProcess {
  const child = spawn(process.execPath, [...nodeArguments, ...arguments_], {
    cwd: repositoryRoot,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return child;
}

/** Hive's CLI over the committed supergraph, configured by scripts/bench-hive.config.ts. */
function hiveArguments(port: number): string[] {
  return [
    path.join(repositoryRoot, 'node_modules/@graphql-hive/gateway/dist/bin.js'),
    'supergraph',
    path.join(repositoryRoot, 'schema/supergraph.graphql'),
    '--config-path',
    path.join(repositoryRoot, 'dist/scripts/bench-hive.config.js'),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
  ];
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function runBenchmark(config: BenchConfig, options: BenchOptions, certificateDirectory: string): Promise<void> {
  const startedAt = Date.now();
  const cleanup: (() => Promise<unknown>)[] = [];
  const serviceOutput: string[] = [];
  try {
    const issuer: BenchIssuer = await startBenchIssuer(certificateDirectory);
    cleanup.push(() => issuer.stop());
    const database = await createScratchDatabase(config.searchServerUrl, `ips_graph_bench_${process.pid}`);
    cleanup.push(() => database.drop());

    // Migrated and seeded here, then served by the subgraph processes (production never seeds).
    const databases = {} as Record<SubgraphName, SubgraphDatabase>;
    for (const name of subgraphNames) {
      const module = subgraphModules[name];
      databases[name] = await openDatabase({
        schema: name,
        url: database.url,
        pool: { poolMax: 10, statementTimeoutMs: 10_000, connectionTimeoutMs: 5_000 },
        entities: module.entities,
        migrations: module.migrations,
        logErrors: false,
      });
      cleanup.unshift(() => databases[name].close());
      await databases[name].migrate();
      await module.seedDemoData(databases[name].dataSource);
    }

    const env = await productionStackEnvironment(issuer, database.url, offlineNotifySettings(await freePort()));

    const profile = (prefix: string) =>
      options.profileDirectory ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.profileDirectory, prefix)}`] : [];
    // The stack's gateway is `ours`, without the response cache; `ours cached` is a second gateway
    // process of ours over the same subgraphs, with it (both otherwise as production runs them).
    const stack: RunningStack = await startStack({
      env: { ...env, GATEWAY_PUBLIC_CACHE_SECONDS: '0' },
      log: (line) => serviceOutput.push(line),
      nodeArguments: (service) => profile(service === 'gateway' ? 'ours' : service),
    });
    cleanup.unshift(() => stack.stop());
    const subgraphPids = subgraphNames.map((name) => stack.pids[name]!);
    const started: Target[] = [{ name: 'ours', url: stack.gatewayUrl, gatewayPid: stack.pids.gateway!, subgraphPids }];

    // Each of our configurations has its Hive counterpart (scripts/bench-hive.config.ts); the
    // cached ones keep anonymous answers for the same time to live.
    const gatewayProcesses: { name: TargetName; arguments: (port: number) => string[]; env: Environment }[] = [
      { name: 'hive', arguments: hiveArguments, env: { ...env, BENCH_HIVE_RESPONSE_CACHE_SECONDS: '0' } },
      {
        name: 'ours cached',
        arguments: () => [path.join(repositoryRoot, 'dist/gateway/main.js')],
        env: { ...env, GATEWAY_PUBLIC_CACHE_SECONDS: String(cacheSeconds) },
      },
      { name: 'hive cached', arguments: hiveArguments, env: { ...env, BENCH_HIVE_RESPONSE_CACHE_SECONDS: String(cacheSeconds) } },
    ];
    for (const gateway of gatewayProcesses) {
      const port = await freePort();
      const child = spawnGateway(
        { ...gateway.env, [gatewayVariableNames().port]: String(port) },
        gateway.arguments(port),
        serviceOutput,
        profile(gateway.name.replace(/\W+/g, '-')),
      );
      cleanup.unshift(() => stopChild(child));
      const url = `http://127.0.0.1:${port}/graphql`;
      await waitForGraphQL(url, child, 60_000);
      started.push({ name: gateway.name, url, gatewayPid: child.pid!, subgraphPids });
    }

    // The same plans in this process, over the same databases, with the same sign-in.
    const gatewayConfig = loadGatewayConfig(env, subgraphNames);
    const graph = await startInProcessGraph(databases, { development: false, limits: gatewayConfig.limits });
    cleanup.unshift(() => graph.stop());
    const authenticate = createAuthenticator(createTokenVerifier(gatewayConfig.authentication), graph.lookupIdentity);
    const listening: Listening = await serveGraphQL({
      apollo: graph.gateway,
      host: '127.0.0.1',
      port: 0,
      isReady: async () => true,
      authenticate: (request) => authenticate(request.get('authorization')),
      context: async (viewer) => ({ viewer }),
      http: loadHttpLimits(env),
      maxResponseBytes: gatewayConfig.limits.maxResponseBytes,
      service: 'gateway',
      metrics: new GatewayMetrics(),
      observability: gatewayConfig.observability,
    });
    cleanup.unshift(() => listening.close());
    started.push({ name: 'in-process', url: `http://127.0.0.1:${listening.port}/graphql`, gatewayPid: process.pid, subgraphPids: [] });
    const targets = options.targets ? started.filter((target) => options.targets!.includes(target.name)) : started;
    if (targets.length === 0) throw new Error(`--targets= names none of ${started.map((t) => t.name).join(', ')}`);
    const readyAfterMs = Date.now() - startedAt;

    const sampled = await ask(stack.gatewayUrl, {
      body: JSON.stringify({ query: sampleQuery }),
      headers: { 'content-type': 'application/json' },
    });
    const mix = benchMix(samplesFrom(sampled.body as Parameters<typeof samplesFrom>[0])).filter(
      (operation) => !options.only || options.only.some((text) => operation.label.includes(text)),
    );
    const tokens = new Map<string, string>();
    const prepare = async (requests: BenchRequest[]): Promise<PreparedRequest[]> =>
      Promise.all(
        requests.map(async ({ body, email }) => {
          if (email && !tokens.has(email)) tokens.set(email, await issuer.tokenFor(email));
          return {
            body,
            headers: { 'content-type': 'application/json', ...(email ? { authorization: `Bearer ${tokens.get(email)}` } : {}) },
          };
        }),
      );
    const cells: {
      label: string;
      variant: string;
      requests: PreparedRequest[];
      statements: number;
      expected: Map<string, ExpectedAnswer[]>;
      runs: Figures[][];
    }[] = [];
    for (const operation of mix as BenchOperation[]) {
      for (const variant of ['hot', 'varied'] as const) {
        const requests = await prepare(operation[variant]);
        // The in-process target counts SQL statements; check it first so its count is the one kept.
        const inProcessFirst = [targets[targets.length - 1]!, ...targets.slice(0, -1)];
        const { statements, expected } = await checkAnswers(inProcessFirst, requests, `${operation.label} ${variant}`);
        cells.push({ label: operation.label, variant, requests, statements, expected, runs: targets.map(() => []) });
      }
    }

    console.log(
      `IPS Graph benchmark: ${targets.map((t) => t.name).join(', ')}; ${mix.length} operations × hot/varied; ` +
        `services ready after ${(readyAfterMs / 1000).toFixed(1)} s, answers checked after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );
    // Resident memory before and after the load: growth that does not level off between runs of
    // different lengths is a leak to look for (the public cache is bounded by its size limit).
    const memory = [
      ...targets.filter((t) => t.name !== 'in-process').map((t) => [`${t.name} gateway`, t.gatewayPid] as const),
      ...subgraphNames.map((name) => [name, stack.pids[name]!] as const),
      ['this process (in-process graph + load generator)', process.pid] as const,
    ];
    const rssBefore = memory.map(([, pid]) => rssMb(pid));
    const databaseCpu = await DatabaseCpu.connect(database.url);
    cleanup.unshift(() => databaseCpu.stop());
    for (let round = 0; round < options.rounds; round += 1) {
      for (const [cellIndex, cell] of cells.entries()) {
        // Targets take turns, in an order that rotates, so none always runs first or last.
        for (let turn = 0; turn < targets.length; turn += 1) {
          const index = (turn + round + cellIndex) % targets.length;
          const target = targets[index]!;
          // A response cache keeps no signed-in answer: there the cached pair would repeat the other.
          if (
            pairs.some((pair) => pair.anonymousOnly && (pair.ours === target.name || pair.hive === target.name)) &&
            !anonymous(cell.requests)
          ) {
            cell.runs[index]!.push(notMeasured);
            continue;
          }
          cell.runs[index]!.push(await measure(target, cell.requests, cell.expected.get(target.name)!, options, databaseCpu));
        }
      }
      console.log(`round ${round + 1}/${options.rounds} done after ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
    }

    printTable(
      options,
      targets,
      cells.map((cell) => ({
        label: cell.label,
        variant: cell.variant,
        statements: cell.statements,
        distinct: new Set(cell.requests.map((request) => `${request.headers.authorization ?? ''}\n${request.body}`)).size,
        figures: cell.runs.map(medianFigures),
      })),
    );
    console.log(
      `RSS before → after the load (MB): ${memory.map(([name, pid], index) => `${name} ${rssBefore[index]!.toFixed(0)} → ${rssMb(pid).toFixed(0)}`).join(', ')}`,
    );
    console.log(`Total time ${((Date.now() - startedAt) / 1000).toFixed(0)} s\n`);
  } catch (error) {
    if (serviceOutput.length) console.error(`Last service output:\n${serviceOutput.slice(-30).join('\n')}`);
    throw error;
  } finally {
    for (const step of cleanup) await step().catch((error: unknown) => console.error('cleanup:', error));
  }
}

/**
 * The benchmark proper runs in a child process started with NODE_ENV=production (graphql-js
 * decides its mode when first loaded) and trusting the throwaway issuer's certificate (Node reads
 * NODE_EXTRA_CA_CERTS only at start-up); this process makes the certificate and waits.
 */
async function launch(argv: string[]): Promise<number> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'ips-bench-'));
  try {
    makeLoopbackCertificate(directory);
    const child = spawn(process.execPath, [process.argv[1]!, ...argv, childFlag, `--certificates=${directory}`], {
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production', IPS_PROFILE: '', NODE_EXTRA_CA_CERTS: path.join(directory, 'issuer-cert.pem') },
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    return await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  // The in-process graph runs in this process: a request line per measured request would be the
  // benchmark's own noise (and cost). Warnings and errors still show; LOG_LEVEL overrides.
  configureLogging(loadLoggingConfig({ LOG_LEVEL: 'warn', ...process.env }));
  const config = loadBenchConfig(process.env);
  const argv = process.argv.slice(2);
  // `npm run bench -- --search`: the catalogue search at 1,000, 10,000 and 100,000 innovations instead.
  if (argv.includes('--search')) return runSearchBenchmark(config, { rounds: readRounds(argv, 3) });
  if (!argv.includes(childFlag)) {
    process.exitCode = await launch(argv);
    return;
  }
  const certificates = argv.find((a) => a.startsWith('--certificates='))!.slice('--certificates='.length);
  if (argv.includes('--validation-attack')) {
    const rateLimit = argv.find((a) => a.startsWith('--rate-limit='))?.slice('--rate-limit='.length);
    if (rateLimit !== undefined && rateLimit !== 'off' && rateLimit !== 'on') throw new Error('--rate-limit= takes off or on');
    await runValidationAttackBenchmark(config, { quick: argv.includes('--quick'), certificateDirectory: certificates, rateLimit });
    return;
  }
  if (argv.includes('--documents')) {
    await runDocumentsBenchmark(config, { certificateDirectory: certificates });
    return;
  }
  if (argv.includes('--notifications')) {
    // In the production-mode child, as the mix is measured. Each part is its own function.
    const savedSearches = Number(argv.find((a) => a.startsWith('--saved-searches='))?.slice('--saved-searches='.length) ?? 10_000);
    if (!Number.isInteger(savedSearches) || savedSearches < 1) throw new Error('--saved-searches= takes a positive whole number');
    // Both parts, or the one `--part=latency` or `--part=fan-out` names.
    const part = argv.find((a) => a.startsWith('--part='))?.slice('--part='.length);
    if (part !== undefined && part !== 'latency' && part !== 'fan-out') throw new Error('--part= takes latency or fan-out');
    if (part !== 'fan-out')
      await runNotificationLatencyBenchmark(config, { quick: argv.includes('--quick'), certificateDirectory: certificates });
    if (part !== 'latency')
      await runSavedSearchFanOut(config, { savedSearches, rounds: readRounds(argv, 3), certificateDirectory: certificates });
    return;
  }
  await runBenchmark(config, benchOptions(config, argv), certificates);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
