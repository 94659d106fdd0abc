import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { demoPersonas } from '../demo-data/personas';
import { mintDevelopmentToken } from '../gateway/development-tokens';
import { startGatewayService } from '../gateway/server';
import { gatewayVariableNames, loadGatewayConfig, type Environment } from '../platform/config';
import { statementCountHeader } from '../platform/statement-counter';
import { subgraphNames } from '../platform/subgraph-names';
import type { RunningService } from '../platform/subgraph-server';
import { startHttpGraph, type HttpGraph } from './support/http-graph';

/**
 * The public cache drops what a write changed, and only that (issue 27 item 3), through the real
 * graph: subgraphs report the entities of each answer (platform/entity-tags.ts), the gateway keeps
 * anonymous answers by them (gateway/public-response-cache.ts). A kept answer is served without a
 * single SQL statement (the statement-count header says 0); a recomputed one runs some.
 *
 * Twice: one gateway keeping everything in memory, and two gateway replicas sharing the generation
 * and what each write changed through Redis (the answer kept by one, the write through the other).
 * Redis runs on this machine and in CI (REDIS_URL or 127.0.0.1:6379).
 */
jest.setTimeout(180_000);

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Each run its own keys, so runs sharing one Redis never see each other's generations. */
const keyPrefix = `ips-graph-test:${randomUUID()}`;

let graph: HttpGraph;
const replicas: RunningService[] = [];

beforeAll(async () => {
  graph = await startHttpGraph({ nodeEnv: 'test', gateway: true, gatewayEnv: { GATEWAY_PUBLIC_CACHE_SECONDS: '60' } });
  const env: Environment = {
    NODE_ENV: 'test',
    IPS_PROFILE: 'development',
    [gatewayVariableNames().port]: '0',
    GATEWAY_RATE_LIMIT_PER_MINUTE: '0',
    GATEWAY_PUBLIC_CACHE_SECONDS: '60',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
  };
  for (const name of subgraphNames) env[gatewayVariableNames().subgraphUrl(name)] = graph.subgraphUrls[name];
  for (let i = 0; i < 2; i += 1) replicas.push(await startGatewayService(loadGatewayConfig(env, subgraphNames)));
});

afterAll(async () => {
  for (const replica of replicas) await replica.stop();
  await graph?.stop();
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${keyPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const config = loadGatewayConfig({ NODE_ENV: 'test', IPS_PROFILE: 'development' }, subgraphNames);
const tokenOf = (key: string) => mintDevelopmentToken(config.authentication, demoPersonas.find((p) => p.key === key)!.email);

async function post(url: string, query: string, variables?: Record<string, unknown>, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await response.json()) as { data?: any; errors?: unknown[] };
  expect(json.errors).toBeUndefined();
  return { statements: Number(response.headers.get(statementCountHeader)), data: json.data };
}

const oneInnovation = 'query One($id: ID!) { innovation(id: $id) { id title status supplier { name } } }';
const catalogue = '{ innovations(first: 100) { totalCount edges { node { id supplier { id name } } } } }';
const withdraw =
  'mutation ($id: ID!) { withdrawInnovation(id: $id, reason: "Replaced by a new product.") { innovation { id status } refusal { code message } } }';
const suspend =
  'mutation ($id: ID!) { suspendMembership(organisationId: $id, reason: "Dues unpaid.") { membership { status organisation { id } } refusal { code message } } }';
const reinstate =
  'mutation ($id: ID!) { reinstateMembership(organisationId: $id, reason: "Dues paid.") { membership { status } refusal { code message } } }';

/** Approved innovations of the supplier `adminKey` administers, by id, and another supplier's, from the anonymous catalogue. */
async function innovationsToChange(url: string, adminKey: string) {
  const token = await tokenOf(adminKey);
  const own = await post(url, '{ viewer { organisation { id innovations(first: 50) { edges { node { id status } } } } } }', {}, token);
  const organisation = own.data.viewer.organisation as { id: string; innovations: { edges: { node: { id: string; status: string } }[] } };
  const approved = organisation.innovations.edges.filter((e) => e.node.status === 'APPROVED').map((e) => e.node.id);
  const listed = (await post(url, catalogue)).data.innovations.edges as { node: { id: string; supplier: { id: string } } }[];
  const elsewhere = listed.find((e) => e.node.supplier.id !== organisation.id)!.node;
  return { token, approved, elsewhere };
}

describe.each([
  ['one gateway, in memory', () => [graph.gatewayUrl!, graph.gatewayUrl!], 'resurface-admin'],
  ['two replicas sharing Redis', () => replicas.map((replica) => replica.url), 'potholepro-contributor'],
] as const)('the public cache, %s', (_name, urls, adminKey) => {
  it('keeps an answer through an unrelated write and drops it, before the write is answered, when a write changes it', async () => {
    const [reader, writer] = urls();
    const { token, approved } = await innovationsToChange(writer!, adminKey);
    expect(approved.length).toBeGreaterThanOrEqual(2);
    const [kept, other] = approved as [string, string];
    const first = await post(reader!, oneInnovation, { id: kept });
    expect(first.statements).toBeGreaterThan(0);
    expect((await post(reader!, oneInnovation, { id: kept })).statements).toBe(0);

    // Another innovation of the same supplier is withdrawn: the kept answer does not contain it.
    expect((await post(writer!, withdraw, { id: other }, token)).data.withdrawInnovation.refusal).toBeNull();
    const afterUnrelated = await post(reader!, oneInnovation, { id: kept });
    expect(afterUnrelated.statements).toBe(0);
    expect(afterUnrelated.data).toEqual(first.data);

    // The kept innovation is withdrawn: the next read computes it afresh and no longer finds it.
    expect((await post(writer!, withdraw, { id: kept }, token)).data.withdrawInnovation.refusal).toBeNull();
    const afterRelated = await post(reader!, oneInnovation, { id: kept });
    expect(afterRelated.statements).toBeGreaterThan(0);
    expect(afterRelated.data).toEqual({ innovation: null });
  });

  it("drops an answer when another subgraph changes an entity it contains (an innovation's supplier)", async () => {
    const [reader, writer] = urls();
    const { elsewhere } = await innovationsToChange(writer!, adminKey);
    const admin = await tokenOf('platform-admin');
    // Kept: an innovation with its supplier's name (from members). Also kept: the catalogue.
    await post(reader!, oneInnovation, { id: elsewhere.id });
    expect((await post(reader!, oneInnovation, { id: elsewhere.id })).statements).toBe(0);
    try {
      // Members changes the supplier (its membership): the innovation's answer contains that organisation.
      expect((await post(writer!, suspend, { id: elsewhere.supplier.id }, admin)).data.suspendMembership.refusal).toBeNull();
      expect((await post(reader!, oneInnovation, { id: elsewhere.id })).statements).toBeGreaterThan(0);
    } finally {
      expect((await post(writer!, reinstate, { id: elsewhere.supplier.id }, admin)).data.reinstateMembership.refusal).toBeNull();
    }
  });
});
