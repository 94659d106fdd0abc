import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { type BenchConfig } from '../platform/config';
import { startBenchIssuer } from './bench-identity';
import { productionStackEnvironment, seededScratchDatabase } from './bench-stack';
import { brokerForRun, deleteStream, mixRequests, startHttpsNotify, startMix } from './bench-notifications';
import { cpuMs, DatabaseCpu } from './process-usage';
import { startStack } from './stack';

/**
 * `npm run bench -- --notifications` (issue 25 item 6): the fan-out of one approval that matches
 * `savedSearches` saved catalogue searches (10,000 by default), on the production stack (five
 * subgraph processes and the gateway, NODE_ENV=production, a scratch database on the PostgreSQL
 * server, domain events through NATS JetStream when it answers, emails to a Notify stand-in), the
 * same stack scripts/bench-notifications.ts measures latency on.
 *
 * The saved searches (one each, INSTANT, of 10,000 people of one council) and their savers (in
 * notifications' directory, as members' events would make them) are inserted directly; one
 * innovation per round is taken to UNDER_REVIEW through the gateway, each matching every search.
 * Then the standard mix (scripts/bench-mix.ts, BENCH_CONNECTIONS connections) runs, warmed, and
 * each of `rounds` rounds (3) measures it in two windows: 5 s just before an approval, and from
 * just before it until its last inbox row (interleaved, so load from elsewhere on a shared machine
 * weighs on both alike; the previous round's emails are sent before the next baseline). The approval
 * matches in its transaction and records `catalogue_search.matched` events of at most 500 people
 * each, which the relay publishes and the notifications consumer applies. Reported per round:
 *   - decide: the approval through the gateway (matching and recording the events included);
 *   - last inbox row: from the approval's start until every saver holds their notice (counted in
 *     the database every 25 ms);
 *   - the mix's p95 in both windows; then the p95 pooled over every round's windows and the lift.
 *     Target: at most 20%.
 * The emails (one per saver, sent one at a time as the rows land) are part of the load; when the
 * last round's last one was sent is reported too. Figures are printed, never asserted.
 *
 *   npm run bench -- --notifications --part=fan-out [--saved-searches=N]
 */
/** One approval's fan-out, and the mix's figures in the window before it and during it. */
export interface FanOutRound {
  events: number;
  decideMs: number;
  lastInboxRowMs: number;
  baselineP95: number;
  duringP95: number;
  requestsPerSecond: { baseline: number; during: number };
  errors: number;
  /** The last round only: when the last of its emails was sent. */
  lastEmailMs: number | undefined;
  /** CPU each service used per second of each window (ms/s: 1,000 is one core busy), the database's backends as `database`. */
  cpu: { baseline: Record<string, number>; during: Record<string, number> };
}

export interface FanOutResult {
  savedSearches: number;
  rounds: FanOutRound[];
  /** The mix's p95 over every baseline window, and over every fan-out window. */
  baselineP95: number;
  duringP95: number;
}

const baselineMs = 5_000;
const warmUpMs = 3_000;
const roundWarmUpMs = 2_000;
/** The fan-out must land within this, or the run fails (a fan-out that does not finish is no figure). */
const fanOutTimeoutMs = 300_000;
/** This process's own CPU (cpuMs would add its children: the stack's services). */
const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const refusal = `refusal { code message }`;
const steps = {
  create: `mutation($input: InnovationInput!) { createInnovation(input: $input) { innovation { id } ${refusal} } }`,
  addEvidence: `mutation($input: AddEvidenceInput!) { addEvidence(input: $input) { innovation { id } ${refusal} } }`,
  submit: `mutation($id: ID!) { submitInnovation(id: $id) { innovation { status } ${refusal} } }`,
  assign: `mutation($id: ID!, $assessor: ID!) { assignAssessor(innovationId: $id, assessorId: $assessor) { innovation { status } ${refusal} } }`,
  declare: `mutation($input: DeclareConflictInput!) { declareConflict(input: $input) { innovation { id } ${refusal} } }`,
  assess: `mutation($input: SubmitAssessmentInput!) { submitAssessment(input: $input) { assessment { round } ${refusal} } }`,
  decide: `mutation($input: DecideInnovationInput!) { decideInnovation(input: $input) { innovation { status } ${refusal} } }`,
};

type Call = (email: string, query: string, variables: Record<string, unknown>) => Promise<Record<string, { refusal?: unknown }>>;

/** One of ReSurface's innovations, through the gateway, up to UNDER_REVIEW with its assessments complete; returns its id. */
async function innovationAwaitingDecision(call: Call): Promise<string> {
  const supplier = demoPersona('resurface-contributor').email;
  const created = await call(supplier, steps.create, {
    input: {
      title: 'Graphene-enhanced binder for thin surfacing',
      category: 'SURFACING_AND_MATERIALS',
      trl: 8,
      tags: ['graphene', 'binders'],
      summary: 'A graphene-enhanced binder for thin surfacing.',
      description: 'Applied by highway crews; proven on live roads.',
      trlJustification: 'Deployed at a county council.',
      pricingModel: 'PER_LINEAR_METRE',
      suitsNations: ['ENGLAND'],
      suitsOrganisationKinds: ['COUNTY_COUNCIL'],
      links: [],
    },
  });
  const id = (created.createInnovation as unknown as { innovation: { id: string } }).innovation.id;
  await call(supplier, steps.addEvidence, {
    input: {
      innovationId: id,
      kind: 'DEPLOYMENT',
      title: 'County trial',
      authorityId: demoOrganisation('kent').id,
      startedOn: '2025-03-01',
    },
  });
  await call(supplier, steps.submit, { id });
  for (const key of ['assessor', 'third-assessor']) {
    const assessor = demoPersona(key);
    await call(demoPersona('platform-admin').email, steps.assign, { id, assessor: assessor.id });
    await call(assessor.email, steps.declare, {
      input: { innovationId: id, conflicted: false, statement: 'No interest in the supplier.' },
    });
    const score = (name: string) => ({ [name]: 4, [`${name}Comment`]: 'Shown.' });
    await call(assessor.email, steps.assess, {
      input: {
        innovationId: id,
        ...score('deploymentEvidence'),
        ...score('outcomes'),
        ...score('safetyAndStandards'),
        ...score('carbon'),
        ...score('valueForMoney'),
      },
    });
  }
  return id;
}

export async function runSavedSearchFanOut(
  config: BenchConfig,
  { savedSearches = 10_000, rounds = 3, certificateDirectory }: { savedSearches?: number; rounds?: number; certificateDirectory: string },
): Promise<FanOutResult> {
  const cleanup: (() => Promise<unknown>)[] = [];
  const serviceOutput: string[] = [];
  try {
    const issuer = await startBenchIssuer(certificateDirectory);
    cleanup.push(() => issuer.stop());
    const database = await seededScratchDatabase(config.searchServerUrl, `ips_graph_bench_fanout_${process.pid}`, {
      statementTimeoutMs: 60_000,
    });
    cleanup.push(() => database.drop());

    // The savers: people of one council, each with one INSTANT search the approval will match.
    const watch = new Client({ connectionString: database.url });
    await watch.connect();
    cleanup.unshift(() => watch.end());
    const council = demoOrganisation('kent').id;
    await watch.query(
      `INSERT INTO notifications.known_person (id, organisation_id, name, email, organisation_roles)
       SELECT gen_random_uuid(), $1, 'Saver ' || n, 'saver' || n || '@kent.gov.uk', '{BUYER}' FROM generate_series(1, $2::int) n`,
      [council, savedSearches],
    );
    await watch.query(
      `INSERT INTO innovations.saved_catalogue_search (person_id, organisation_id, name, search, search_query, categories, trl_at_least, frequency, created_at)
       SELECT id, organisation_id, 'Graphene surfacing', 'graphene', 'graphene:*', '{SURFACING_AND_MATERIALS}', 6, 'INSTANT', now()
         FROM notifications.known_person WHERE email LIKE 'saver%@kent.gov.uk'`,
    );
    await watch.query('VACUUM ANALYZE innovations.saved_catalogue_search');
    await watch.query('VACUUM ANALYZE notifications.known_person');

    const notify = await startHttpsNotify(certificateDirectory);
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

    const tokens = new Map<string, string>();
    const call: Call = async (email, query, variables) => {
      if (!tokens.has(email)) tokens.set(email, await issuer.tokenFor(email));
      const answer = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(email)}` },
        body: JSON.stringify({ query, variables }),
      });
      const json = (await answer.json()) as { data?: Record<string, { refusal?: unknown }>; errors?: unknown };
      const payload = json.data && Object.values(json.data)[0];
      if (!payload || json.errors || payload.refusal) throw new Error(`fan-out set-up failed: ${JSON.stringify(json).slice(0, 400)}`);
      return json.data!;
    };
    // One innovation per round, each matching every saved search.
    const innovationIds: string[] = [];
    for (let round = 0; round < rounds; round += 1) innovationIds.push(await innovationAwaitingDecision(call));
    const count = async (sql: string, parameters: unknown[] = []) =>
      Number((await watch.query<{ count: string }>(sql, parameters)).rows[0]!.count);
    const inboxRows = (innovationId: string) =>
      count(`SELECT count(*) AS count FROM notifications.notification WHERE kind = 'CATALOGUE_SEARCH_MATCHED' AND subject_id = $1`, [
        innovationId,
      ]);
    const emailsDue = () => count(`SELECT count(*) AS count FROM notifications.notification_email WHERE status IN ('PENDING', 'SENDING')`);

    // Where the fan-out's cost lands: CPU per service in each window, from /proc.
    const databaseCpu = await DatabaseCpu.connect(database.url);
    cleanup.unshift(() => databaseCpu.stop());
    const usage = async () => ({
      at: performance.now(),
      // This process too: the mix's load generator and the Notify stand-in (remote in production) share the machine.
      services: [
        ...Object.entries(stack.pids).map(([name, pid]) => [name, cpuMs(pid)] as const),
        ['bench (load, Notify)', ownCpuMs()] as const,
      ],
      database: await databaseCpu.sample(),
    });
    const cpuPerSecond = (before: Awaited<ReturnType<typeof usage>>, after: Awaited<ReturnType<typeof usage>>) => {
      const seconds = (after.at - before.at) / 1000;
      const used: Record<string, number> = {};
      for (const [index, [name, ms]] of after.services.entries()) used[name] = (ms - before.services[index]![1]) / seconds;
      used.database = DatabaseCpu.between(before.database, after.database) / seconds;
      return used;
    };

    const requests = await mixRequests(stack.gatewayUrl, issuer.tokenFor);
    const warm = startMix(stack.gatewayUrl, requests, config.connections);
    await sleep(warmUpMs);
    await warm.stop();

    const rows: FanOutRound[] = [];
    const pooled = { baseline: [] as number[], during: [] as number[] };
    for (const [round, innovationId] of innovationIds.entries()) {
      // The previous round's emails sent first: they would load this round's baseline.
      const drainStarted = performance.now();
      while ((await emailsDue()) > 0 && performance.now() - drainStarted < fanOutTimeoutMs) await sleep(250);
      // Warmed again after the quiet wait (pools and caches go cold), so the baseline is not the slower for it.
      const rewarm = startMix(stack.gatewayUrl, requests, config.connections);
      await sleep(roundWarmUpMs);
      await rewarm.stop();
      const base = startMix(stack.gatewayUrl, requests, config.connections);
      const baselineUsage = await usage();
      await sleep(baselineMs);
      const baseline = await base.stop();
      const baselineCpu = cpuPerSecond(baselineUsage, await usage());

      const fanOut = startMix(stack.gatewayUrl, requests, config.connections);
      await sleep(500);
      const duringUsage = await usage();
      const started = performance.now();
      await call(demoPersona('assessor').email, steps.decide, { input: { innovationId, outcome: 'APPROVED', reasons: 'Proven.' } });
      const decideMs = performance.now() - started;
      let told = 0;
      while ((told = await inboxRows(innovationId)) < savedSearches && performance.now() - started < fanOutTimeoutMs) await sleep(25);
      const lastInboxRowMs = performance.now() - started;
      const during = await fanOut.stop();
      const duringCpu = cpuPerSecond(duringUsage, await usage());
      if (told !== savedSearches) throw new Error(`expected ${savedSearches} inbox rows, found ${told} after ${fanOutTimeoutMs} ms`);
      let lastEmailMs = performance.now() - started;
      if (round === innovationIds.length - 1) {
        while ((await emailsDue()) > 0 && performance.now() - started < fanOutTimeoutMs) await sleep(250);
        lastEmailMs = performance.now() - started;
      }
      const events = await count(
        `SELECT count(*) AS count FROM innovations.outbox_event WHERE kind = 'catalogue_search.matched' AND subject_id = $1`,
        [innovationId],
      );
      pooled.baseline.push(...baseline.latencies);
      pooled.during.push(...during.latencies);
      rows.push({
        events,
        decideMs: Math.round(decideMs),
        lastInboxRowMs: Math.round(lastInboxRowMs),
        baselineP95: baseline.p95,
        duringP95: during.p95,
        requestsPerSecond: { baseline: baseline.requestsPerSecond, during: during.requestsPerSecond },
        errors: baseline.errors + during.errors,
        lastEmailMs: round === innovationIds.length - 1 ? Math.round(lastEmailMs) : undefined,
        cpu: { baseline: baselineCpu, during: duringCpu },
      });
    }
    const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.95 * values.length) - 1)] ?? NaN;
    const result: FanOutResult = {
      savedSearches,
      rounds: rows,
      baselineP95: p95(pooled.baseline),
      duringP95: p95(pooled.during),
    };
    const lift = result.duringP95 / result.baselineP95 - 1;
    const ms = (n: number) => n.toFixed(0).padStart(8);
    console.log(
      `\nSaved-search fan-out: one approval matching ${savedSearches} saved searches (INSTANT, so an email each too), ` +
        `${broker ? `through NATS JetStream at ${broker.natsUrl}` : 'over HTTP (no broker answered at NATS_URL)'}, ` +
        `under the standard mix (${config.connections} connections); ms\n`,
    );
    console.log(`round  events  decide  last inbox row   mix p95 before  mix p95 during   req/s before/during  errors`);
    for (const [index, row] of rows.entries()) {
      console.log(
        `${String(index + 1).padEnd(5)}${String(row.events).padStart(8)}${ms(row.decideMs)}${ms(row.lastInboxRowMs).padStart(16)}` +
          `${ms(row.baselineP95).padStart(17)}${ms(row.duringP95).padStart(16)}` +
          `${`${row.requestsPerSecond.baseline.toFixed(0)}/${row.requestsPerSecond.during.toFixed(0)}`.padStart(21)}${String(row.errors).padStart(8)}`,
      );
    }
    const lastEmail = rows.at(-1)?.lastEmailMs;
    console.log(
      `\ndecide: the approval through the gateway (matching and recording the events included); last inbox row: from the ` +
        `approval's start until every saver holds the notice; baselines ${baselineMs / 1000} s each, just before each approval, ` +
        `emails of the previous round sent first.${lastEmail !== undefined ? ` The last round's ${savedSearches} emails were all sent ${(lastEmail / 1000).toFixed(0)} s after its approval began.` : ''}`,
    );
    const services = Object.keys(rows[0]?.cpu.baseline ?? {});
    const meanCpu = (name: string, window: 'baseline' | 'during') =>
      rows.reduce((sum, row) => sum + (row.cpu[window][name] ?? 0), 0) / rows.length;
    console.log(`\nCPU per second of each window (ms/s, 1,000 = one core; mean of the rounds), before → during:`);
    for (const name of services)
      console.log(`  ${name.padEnd(22)}${meanCpu(name, 'baseline').toFixed(0).padStart(6)} → ${meanCpu(name, 'during').toFixed(0)}`);
    console.log(
      `\nTarget: the fan-out lifts the mix's p95 by at most 20% (pooled over ${rows.length} rounds: ${result.baselineP95.toFixed(0)} ms → ` +
        `${result.duringP95.toFixed(0)} ms): ${(lift * 100).toFixed(0)}%, ${lift <= 0.2 ? 'met ✓' : 'NOT met ✗'}\n`,
    );
    return result;
  } catch (error) {
    if (serviceOutput.length) console.error(`Last service output:\n${serviceOutput.slice(-30).join('\n')}`);
    throw error;
  } finally {
    for (const step of cleanup) await step().catch((error: unknown) => console.error('cleanup:', error));
  }
}
