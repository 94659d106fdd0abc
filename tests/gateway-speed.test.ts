import { demoPersonas } from '../demo-data/personas';
import { mintDevelopmentToken } from '../gateway/development-tokens';
import { loadGatewayConfig } from '../platform/config';
import { statementCountHeader } from '../platform/statement-counter';
import { subgraphNames } from '../platform/subgraph-names';
import { startHttpGraph, type HttpGraph } from './support/http-graph';

/**
 * What the speed work of issue 10 must not change, through our gateway over HTTP subgraphs, with
 * anonymous answers shared for 30 s as production does for 5 s (gateway/public-response-cache.ts):
 * a signed-in answer is never kept and forbids shared caches from keeping it (Apollo's cache-control
 * plugin is off), signed-in callers (identity looked up in members over the keep-alive client) get
 * their own data, and a write through the gateway is seen by the next anonymous read.
 */
jest.setTimeout(120_000);

let graph: HttpGraph;

beforeAll(async () => {
  graph = await startHttpGraph({ nodeEnv: 'test', gateway: true, gatewayEnv: { GATEWAY_PUBLIC_CACHE_SECONDS: '30' } });
});

afterAll(async () => {
  await graph?.stop();
});

const config = loadGatewayConfig({ NODE_ENV: 'test', IPS_PROFILE: 'development' }, subgraphNames);
const tokenOf = (key: string) => mintDevelopmentToken(config.authentication, demoPersonas.find((p) => p.key === key)!.email);

async function post(query: string, token?: string, variables?: Record<string, unknown>) {
  const response = await fetch(graph.gatewayUrl!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
    vary: response.headers.get('vary'),
    statements: Number(response.headers.get(statementCountHeader)),
    json: (await response.json()) as any,
  };
}

const catalogue = '{ innovations(first: 100) { totalCount edges { node { id supplier { name } } } } }';

describe('gateway answers after the speed work', () => {
  it('share an anonymous answer: the repeat runs no SQL and says public, varying by Authorization', async () => {
    const first = await post(catalogue);
    expect(first.status).toBe(200);
    expect(first.statements).toBeGreaterThan(0);
    expect(first.cacheControl).toBe('public, max-age=30');
    expect(first.vary).toBe('authorization');
    const second = await post(catalogue);
    expect(second.json).toEqual(first.json);
    expect(second.statements).toBe(0);
    expect(second.cacheControl).toMatch(/^public, max-age=(29|30)$/);
  });

  it('never answer a signed-in caller from the anonymous cache, nor keep their answer', async () => {
    const token = await tokenOf('kent-buyer');
    for (let i = 0; i < 2; i += 1) {
      const answer = await post(catalogue, token);
      expect(answer.statements).toBeGreaterThan(0);
      expect(answer.cacheControl).toBe('no-store');
    }
  });

  it('show a write through the gateway to the next anonymous read', async () => {
    const listed = (answer: Awaited<ReturnType<typeof post>>) => answer.json.data.innovations.edges.map((e: any) => e.node.id);
    const before = await post(catalogue);
    const supplierToken = await tokenOf('resurface-admin');
    const own = await post('{ viewer { organisation { innovations(first: 50) { edges { node { id status } } } } } }', supplierToken);
    const approved = own.json.data.viewer.organisation.innovations.edges.find((e: any) => e.node.status === 'APPROVED').node.id as string;
    expect(listed(before)).toContain(approved);
    const withdrawn = await post(
      'mutation ($id: ID!) { withdrawInnovation(id: $id, reason: "Replaced by a new product.") { innovation { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }',
      supplierToken,
      { id: approved },
    );
    expect(withdrawn.json.data.withdrawInnovation.innovation.status).toBe('WITHDRAWN');
    const after = await post(catalogue);
    expect(after.statements).toBeGreaterThan(0);
    expect(listed(after)).not.toContain(approved);
    expect(after.json.data.innovations.totalCount).toBe(before.json.data.innovations.totalCount - 1);
  });

  it('tell shared caches not to store signed-in answers, and give each caller their own', async () => {
    const people = ['kent-buyer', 'resurface-contributor'].map((key) => demoPersonas.find((p) => p.key === key)!);
    const answers = await Promise.all(
      people.map(async (person) =>
        post('{ viewer { person { email } } }', await mintDevelopmentToken(config.authentication, person.email)),
      ),
    );
    answers.forEach((answer, index) => {
      expect(answer.cacheControl).toBe('no-store');
      expect(answer.json).toEqual({ data: { viewer: { person: { email: people[index]!.email } } } });
    });
  });
});
