import { developmentSubgraphSecret, subgraphVariableNames, type Environment } from '../platform/config';
import { createGatewayAssertion, gatewayAssertionHeader } from '../platform/gateway-assertion';
import { findProgram, startReplicaStack, type ReplicaStack } from '../scripts/stack-replicas';
import { testPool } from './support/subgraph-harness';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * A replica sent SIGTERM drains (platform/http.ts, issue 26 item 4): its readiness answers 503 at
 * once, it serves on while HAProxy's health checks take it out of rotation, then it stops accepting,
 * finishes what is in flight and exits. Two replicas of the members subgraph (compiled, from dist/,
 * as `npm run stack:replicas` runs them) behind HAProxy with its retries switched off, so nothing
 * but the drain stands between a stopping replica and a failed request; each is restarted in turn
 * under a steady light load, and not one request fails. With HTTP_DRAIN_DELAY_MS=0 (stop accepting
 * at once) requests routed to the stopping replica before HAProxy notices fail, and the replica is
 * gone before HAProxy has marked it down. Needs Debian's haproxy; skipped, and says so, without it.
 */
const haproxy = findProgram('haproxy');
const itWithHaproxy = haproxy ? it : it.skip;
if (!haproxy) console.warn('tests/replicas-balancer.test.ts: skipped, haproxy is not installed (apt-get install haproxy)');

jest.setTimeout(120_000);

const firstPort = 21_000 + Math.floor(Math.random() * 80) * 100;
let database: TestDatabase;
let stack: ReplicaStack | undefined;

beforeAll(async () => {
  if (!haproxy) return;
  database = await createTestDatabase();
  const names = subgraphVariableNames('members');
  const env: Environment = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    IPS_PROFILE: 'development',
    LOG_LEVEL: 'warn',
    [names.databaseUrl]: database.url,
    DB_POOL_MODE: testPool.poolMode,
    DB_POOL_MAX: '3',
  };
  // Checks every 500 ms: a replica drains for two intervals (1 s) before it stops accepting.
  stack = await startReplicaStack({
    replicas: 2,
    services: ['members'],
    env,
    firstPort,
    replicaFirstPort: firstPort + 10,
    healthCheckIntervalMs: 500,
    retries: false,
    log: () => {},
  });
});

afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

itWithHaproxy('a rolling restart (SIGTERM to each replica in turn) behind HAProxy drops no request', async () => {
  const running = stack!;
  const url = `${running.frontendUrls.members}/graphql`;
  const body = JSON.stringify({ query: '{ __typename }' });
  const outcomes: string[] = [];
  let loading = true;
  // Three callers, one request after another each, keep-alive connections to HAProxy: as gateways call a subgraph.
  const caller = async () => {
    while (loading) {
      const assertion = createGatewayAssertion({ subgraph: 'members', body, identity: null, secret: developmentSubgraphSecret });
      const outcome = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', [gatewayAssertionHeader]: assertion },
      }).then(
        async (response) => (response.ok && (await response.json()).data?.__typename === 'Query' ? 'ok' : `HTTP ${response.status}`),
        (error: unknown) => String(error),
      );
      outcomes.push(outcome);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const callers = [caller(), caller(), caller()];
  const statesAtExit: string[] = [];
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  for (const index of [0, 1]) {
    await running.stopReplica('members', index, 'SIGTERM');
    // Drained: HAProxy had taken it out of rotation before it stopped accepting.
    statesAtExit.push((await running.serverStates()).get(`members-${index}`)!.status);
    await running.startReplica('members', index);
    // As a rolling restart does: the next replica stops only once HAProxy has taken this one back
    // (its health checks must pass `rise` times; on a busy machine that outlasted the other's drain).
    for (let waited = 0; (await running.serverStates()).get(`members-${index}`)?.status !== 'UP' && waited < 20_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  loading = false;
  await Promise.all(callers);

  expect(outcomes.filter((outcome) => outcome !== 'ok')).toEqual([]);
  expect(outcomes.length).toBeGreaterThan(100);
  expect(statesAtExit).toEqual([expect.stringMatching(/^DOWN/), expect.stringMatching(/^DOWN/)]);
  // Both replicas served, before and after their restart.
  const states = await running.serverStates();
  expect(states.get('members-0')!.answered2xx).toBeGreaterThan(0);
  expect(states.get('members-1')!.answered2xx).toBeGreaterThan(0);
});
