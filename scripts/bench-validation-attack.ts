import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { type BenchConfig } from '../platform/config';
import { freePort, offlineNotifySettings, startBenchIssuer } from './bench-identity';
import { productionStackEnvironment, seededScratchDatabase } from './bench-stack';
import { cpuMs } from './process-usage';
import { startStack } from './stack';

/**
 * `npm run bench -- --validation-attack` (issue 22, item 1): how much four clients looping on
 * abusive documents slow everyone else down. A signed-in person's cheap query is measured alone,
 * then while 4 attacker connections (anonymous, one address) loop on the review's documents —
 * mostly the 26 KB document of 900 repeated `innovations { edges { node { id } } }`, with 9,990
 * `__typename`, 3,300 aliases, 1,600 inline fragments and graphql-cop's directive overloading
 * mixed in. Target: the cheap query's p95 under attack within 2× its p95 alone.
 *
 * Each configuration runs on its own production stack (four subgraph processes and the gateway,
 * NODE_ENV=production, a scratch database on the PostgreSQL server):
 *   - rate limit OFF: the operation limits counted before validation, and the memory of refused
 *     documents, alone (GATEWAY_RATE_LIMIT_PER_MINUTE=0);
 *   - rate limit ON: the production default (1,200 points a minute per client; a refused document
 *     costs 10), so the attackers are soon answered 429.
 * And two kinds of attack on each: the same documents over and over (the review's), and every
 * document made unique by a comment, so neither the gateway's memory nor Apollo's cache helps.
 * Figures are printed, never asserted.
 */

const victimQuery = '{ viewer { person { email } } }';
/** One person per measurement pair, so none spends another's rate-limit budget. */
const victimEmails = ['tom.fairweather@kent.gov.uk', 'priya.shah@kent.gov.uk', 'ffion.hughes@cardiff.gov.uk', 'callum.reid@leeds.gov.uk'];
/**
 * The cheap query is asked at a person's pace, not flat out: its latency is the figure, and a
 * person asking flat out would meet the rate limit too.
 */
const victimRequestsPerSecond = 20;

const attackDocuments = [
  ...Array.from({ length: 6 }, () => `{ ${'innovations{edges{node{id}}} '.repeat(900)}}`),
  `{ ${'__typename '.repeat(9_990)}}`,
  `{ ${Array.from({ length: 3_300 }, (_, i) => `a${i}:__typename`).join(' ')} }`,
  `{ ${'...on Query{__typename} '.repeat(1_600)}}`,
  `query cop { __typename ${'@aa'.repeat(500)} }`,
];

interface Measured {
  requests: number;
  /** Requests not answered within autocannon's 10 s timeout, or failed at the socket. */
  unanswered: number;
  p50: number;
  p95: number;
  statuses: Map<number, number>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Loads `url` for `seconds` with `connections`, each request's body from `body()`. */
async function load(
  url: string,
  connections: number,
  seconds: number,
  body: () => string,
  headers: Record<string, string>,
  overallRate?: number,
): Promise<Measured> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        connections,
        duration: seconds,
        ...(overallRate ? { overallRate } : {}),
        sampleInt: 100,
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              method: 'POST',
              body: body(),
              headers: { 'content-type': 'application/json', ...headers },
            }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
  });
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    unanswered: result.timeouts + result.errors,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    statuses,
  };
}

const statusText = (statuses: Map<number, number>) =>
  [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');

export async function runValidationAttackBenchmark(
  config: BenchConfig,
  options: {
    quick: boolean;
    certificateDirectory: string;
    /** Which configurations to run (both by default): `--rate-limit=off` or `--rate-limit=on`. */
    rateLimit?: 'off' | 'on';
  },
): Promise<void> {
  const seconds = options.quick ? 3 : config.durationSeconds;
  const cleanup: (() => Promise<unknown>)[] = [];
  const serviceOutput: string[] = [];
  try {
    const issuer = await startBenchIssuer(options.certificateDirectory);
    cleanup.push(() => issuer.stop());
    const database = await seededScratchDatabase(config.searchServerUrl, `ips_graph_bench_attack_${process.pid}`);
    cleanup.push(() => database.drop());
    const victimBody = JSON.stringify({ query: victimQuery });
    let victims = 0;

    const rows: {
      setting: string;
      attack: string;
      alone: Measured;
      attacked: Measured;
      attackers: Measured;
      gatewayCpuMsPerAttack: number;
    }[] = [];
    const settings = [
      { name: 'rate limit OFF (pre-validation alone)', perMinute: '0', key: 'off' },
      { name: 'rate limit ON (1,200/min default)', perMinute: '1200', key: 'on' },
    ].filter((setting) => !options.rateLimit || setting.key === options.rateLimit);
    for (const setting of settings) {
      const env = await productionStackEnvironment(issuer, database.url, {
        GATEWAY_RATE_LIMIT_PER_MINUTE: setting.perMinute,
        // In this process's memory: the figures are the gateway's, not a Redis round trip's.
        REDIS_URL: undefined,
        ...offlineNotifySettings(await freePort()),
      });
      const stack = await startStack({ env, log: (line) => serviceOutput.push(line) });
      try {
        for (const attack of [
          { name: 'same documents', body: (document: string) => JSON.stringify({ query: document }) },
          { name: 'every document unique', body: (document: string) => JSON.stringify({ query: `${document} # ${randomUUID()}` }) },
        ]) {
          const victimEmail = victimEmails[victims++ % victimEmails.length]!;
          const victimHeaders = { authorization: `Bearer ${await issuer.tokenFor(victimEmail)}` };
          const check = await fetch(stack.gatewayUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...victimHeaders },
            body: victimBody,
          });
          const checked = (await check.json()) as { data?: { viewer?: { person?: { email?: string } } } };
          if (checked.data?.viewer?.person?.email !== victimEmail) throw new Error(`the cheap query failed: ${JSON.stringify(checked)}`);
          // Warm, then the cheap query alone.
          await load(stack.gatewayUrl, 1, 1, () => victimBody, victimHeaders, victimRequestsPerSecond);
          const alone = await load(stack.gatewayUrl, 1, seconds, () => victimBody, victimHeaders, victimRequestsPerSecond);
          let next = 0;
          const cpuBefore = cpuMs(stack.pids.gateway!);
          const attackers = load(
            stack.gatewayUrl,
            4,
            seconds + 2,
            () => attack.body(attackDocuments[next++ % attackDocuments.length]!),
            {},
          );
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          const attacked = await load(stack.gatewayUrl, 1, seconds, () => victimBody, victimHeaders, victimRequestsPerSecond);
          const attack$ = await attackers;
          const gatewayCpu = cpuMs(stack.pids.gateway!) - cpuBefore;
          rows.push({
            setting: setting.name,
            attack: attack.name,
            alone,
            attacked,
            attackers: attack$,
            gatewayCpuMsPerAttack: gatewayCpu / Math.max(1, attack$.requests + attacked.requests),
          });
          // With the rate limit on, the second attack starts where the first left the attackers'
          // address: out of points (a looping attacker's steady state).
        }
      } finally {
        await stack.stop();
      }
    }

    const pad = (text: string, width: number) => text.padStart(width);
    const ms = (n: number) => (Number.isNaN(n) ? '—' : n.toFixed(1));
    console.log(`\nValidation attack: a signed-in person’s cheap query (\`${victimQuery}\`, ${victimRequestsPerSecond}/s) alone, then`);
    console.log('while 4 anonymous connections loop on the review’s abusive documents (900 repeated selections, 9,990 __typename,');
    console.log(`3,300 aliases, 1,600 inline fragments, directive overloading); ${seconds} s per measurement.\n`);
    console.log(
      `${'configuration'.padEnd(40)}${'attack'.padEnd(24)}${pad('alone p50', 10)}${pad('p95', 7)}${pad('attacked p50', 13)}${pad('p95', 7)}` +
        `${pad('p95 ×', 7)}${pad('attacks/s', 10)}${pad('gw ms/req', 10)}  attacker answers; cheap queries unanswered`,
    );
    for (const row of rows) {
      const ratio = row.attacked.p95 / row.alone.p95;
      console.log(
        `${row.setting.padEnd(40)}${row.attack.padEnd(24)}${pad(ms(row.alone.p50), 10)}${pad(ms(row.alone.p95), 7)}${pad(ms(row.attacked.p50), 13)}` +
          `${pad(ms(row.attacked.p95), 7)}${pad(`${ratio.toFixed(2)}${ratio <= 2 ? ' ✓' : ' ✗'}`, 7)}${pad((row.attackers.requests / (seconds + 2)).toFixed(0), 10)}` +
          `${pad(row.gatewayCpuMsPerAttack.toFixed(2), 10)}  ${statusText(row.attackers.statuses)}; ${row.attacked.unanswered} of ${row.attacked.requests + row.attacked.unanswered}`,
      );
    }
    console.log(
      '\nTarget: attacked p95 ≤ 2× alone. Latencies in ms (— : no cheap query was answered). 400 = refused by an operation limit; 429 = rate limited.',
    );
    console.log('gw ms/req: gateway CPU per request answered during the attack (attackers and the cheap query).');
  } catch (error) {
    if (serviceOutput.length) console.error(`Last service output:\n${serviceOutput.slice(-30).join('\n')}`);
    throw error;
  } finally {
    for (const step of cleanup.reverse()) await step().catch((error: unknown) => console.error('cleanup:', error));
  }
}
