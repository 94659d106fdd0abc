import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { demoPersona } from '../demo-data/personas';
import { startGatewayService } from '../gateway/server';
import {
  developmentSubgraphSecret,
  gatewayVariableNames,
  loadGatewayConfig,
  loadSubgraphConfig,
  subgraphVariableNames,
  type Environment,
} from '../platform/config';
import { createGatewayAssertion, gatewayAssertionHeader } from '../platform/gateway-assertion';
import { subgraphNames } from '../platform/subgraph-names';
import { startSubgraphService, type RunningService } from '../platform/subgraph-server';
import { subgraphModules } from '../subgraphs';
import { demoExplorerPersonas } from '../scripts/explorer-personas';
import { developmentBearer, expectData, postGraphQL } from './support/graphql-results';
import { startHttpGraph, type HttpGraph } from './support/http-graph';
import { testPool } from './support/subgraph-harness';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Several replicas of each service share what must be shared through Redis (issue 26 item 1): the
 * gateway assertions' replay guard (per subgraph) and the public cache's generation (per gateway
 * deployment). Each test starts two replicas of one service and shows the second sees what the
 * first did; with each replica in its own memory (no REDIS_URL) the same steps pass the replay and
 * serve the stale answer. Redis runs on this machine and in CI (REDIS_URL or 127.0.0.1:6379).
 */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Each run its own keys, so runs sharing one Redis never see each other's nonces or generations. */
const keyPrefix = `ips-graph-test:${randomUUID()}`;

afterAll(async () => {
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${keyPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

async function post(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return response.status;
}

describe('the replay guard, shared by the replicas of a subgraph', () => {
  let database: TestDatabase;
  const replicas: RunningService[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const replica of replicas.splice(0)) await replica.stop();
    await database.drop();
  });

  /** A replica of the members subgraph on the shared database; `redis` decides where its replay guard lives. */
  async function membersReplica(redis: string | undefined): Promise<RunningService> {
    const names = subgraphVariableNames('members');
    const env: Environment = {
      NODE_ENV: 'test',
      IPS_PROFILE: 'development',
      [names.port]: '0',
      [names.databaseUrl]: database.url,
      DB_POOL_MAX: '2',
      DB_POOL_MODE: testPool.poolMode,
    };
    if (redis) Object.assign(env, { REDIS_URL: redis, REDIS_KEY_PREFIX: keyPrefix });
    const replica = await startSubgraphService(subgraphModules.members, loadSubgraphConfig('members', env));
    replicas.push(replica);
    return replica;
  }

  /** An assertion as the gateway makes one, for the members subgraph and this exact body. */
  function assertionFor(body: string) {
    return {
      [gatewayAssertionHeader]: createGatewayAssertion({ subgraph: 'members', body, identity: null, secret: developmentSubgraphSecret }),
    };
  }

  it('refuses, at one replica, an assertion another replica has accepted', async () => {
    const [first, second] = [await membersReplica(redisUrl), await membersReplica(redisUrl)];
    const body = JSON.stringify({ query: '{ __typename }' });
    const heard = assertionFor(body);
    expect(await post(first!.url, body, heard)).toBe(200);
    expect(await post(second!.url, body, heard)).toBe(401);
    expect(await post(first!.url, body, heard)).toBe(401);
  });

  it('is per replica without Redis, which is why replicas need it', async () => {
    const [first, second] = [await membersReplica(undefined), await membersReplica(undefined)];
    const body = JSON.stringify({ query: '{ __typename }' });
    const heard = assertionFor(body);
    expect(await post(first!.url, body, heard)).toBe(200);
    expect(await post(second!.url, body, heard)).toBe(200);
  });

  it('fails closed when Redis is unreachable: every request refused, and readiness says why', async () => {
    // Nothing listens on port 1: the guard cannot tell a replay from a first use.
    const replica = await membersReplica('redis://127.0.0.1:1');
    const body = JSON.stringify({ query: '{ __typename }' });
    expect(await post(replica.url, body, assertionFor(body))).toBe(401);
    const readiness = await fetch(replica.url.replace('/graphql', '/health/ready'));
    expect(readiness.status).toBe(503);
    expect(((await readiness.json()) as { checks: Record<string, string> }).checks.replayGuard).toMatch(/^Redis is /);
  });
});

describe('the public cache generation, shared by the replicas of the gateway', () => {
  let graph: HttpGraph;
  let other: RunningService;
  const faqCount = '{ faqs(first: 1) { totalCount } }';

  beforeAll(async () => {
    const shared = { GATEWAY_PUBLIC_CACHE_SECONDS: '60', REDIS_URL: redisUrl, REDIS_KEY_PREFIX: keyPrefix };
    graph = await startHttpGraph({ nodeEnv: 'test', gateway: true, gatewayEnv: shared });
    const env: Environment = {
      NODE_ENV: 'test',
      IPS_PROFILE: 'development',
      [gatewayVariableNames().port]: '0',
      GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
      ...shared,
    };
    for (const name of subgraphNames) env[gatewayVariableNames().subgraphUrl(name)] = graph.subgraphUrls[name];
    other = await startGatewayService(loadGatewayConfig(env, subgraphNames), { explorerPersonas: demoExplorerPersonas });
  });
  afterAll(async () => {
    await other?.stop();
    await graph?.stop();
  });

  it('a write answered by one replica stops every replica serving older answers', async () => {
    const count = async (url: string) => expectData(await postGraphQL<{ faqs: { totalCount: number } }>(url, faqCount)).faqs.totalCount;
    const before = await count(other.url);
    // Kept by the second replica for 60 s: asked again, it answers from its cache.
    expect(await count(other.url)).toBe(before);
    const admin = await developmentBearer(demoPersona('platform-admin').email);
    const created = await postGraphQL<{ createFaq: { faq: { id: string } | null; refusal: unknown } }>(
      graph.gatewayUrl!,
      `mutation ($input: CreateFaqInput!) { createFaq(input: $input) { faq { id } refusal { code message } } }`,
      { input: { topic: 'THE_IPS', question: 'Is the cache shared between replicas?', answer: 'Its generation is.' } },
      admin,
    );
    const faqId = expectData(created).createFaq.faq!.id;
    const published = await postGraphQL<{ publishFaq: { refusal: unknown } }>(
      graph.gatewayUrl!,
      `mutation ($id: ID!) { publishFaq(id: $id) { faq { id } refusal { code message } } }`,
      { id: faqId },
      admin,
    );
    expect(expectData(published).publishFaq.refusal).toBeNull();
    // Written through the first replica; the second's kept answer is older, so it is not served.
    expect(await count(other.url)).toBe(before + 1);
  });
});
