import { demoPersonas } from '../demo-data/personas';
import { mintDevelopmentToken } from '../gateway/development-tokens';
import { loadGatewayConfig } from '../platform/config';
import { subgraphNames } from '../platform/subgraph-names';
import { startHttpGraph, type HttpGraph } from './support/http-graph';

/**
 * What the speed work of issue 10 must not change, through our gateway over HTTP subgraphs: with
 * Apollo's cache-control plugin off, every answer still forbids shared caches from keeping it; and
 * signed-in callers (identity looked up in members over the keep-alive client) get their own data.
 */
jest.setTimeout(120_000);

let graph: HttpGraph;

beforeAll(async () => {
  graph = await startHttpGraph({ nodeEnv: 'test', gateway: true });
});

afterAll(async () => {
  await graph?.stop();
});

async function post(query: string, token?: string) {
  const response = await fetch(graph.gatewayUrl!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, cacheControl: response.headers.get('cache-control'), json: (await response.json()) as unknown };
}

describe('gateway answers after the speed work', () => {
  it('tell shared caches not to store anonymous answers', async () => {
    const answer = await post('{ innovations(first: 1) { totalCount } }');
    expect(answer.status).toBe(200);
    expect(answer.cacheControl).toBe('no-store');
  });

  it('tell shared caches not to store signed-in answers, and give each caller their own', async () => {
    const config = loadGatewayConfig({ NODE_ENV: 'test', IPS_PROFILE: 'development' }, subgraphNames);
    const people = ['kent-buyer', 'resurface-contributor'].map((key) => demoPersonas.find((p) => p.key === key)!);
    const answers = await Promise.all(
      people.map(async (person) => post('{ viewer { person { email } } }', await mintDevelopmentToken(config.authentication, person.email))),
    );
    answers.forEach((answer, index) => {
      expect(answer.cacheControl).toBe('no-store');
      expect(answer.json).toEqual({ data: { viewer: { person: { email: people[index]!.email } } } });
    });
  });
});
