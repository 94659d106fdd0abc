import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { demoPersonas } from '../demo-data/personas';
import { mintDevelopmentToken } from '../gateway/development-tokens';
import { loadExampleOperations } from '../gateway/explorer/operations';
import { ipsHiveGatewayConfig } from '../gateway/hive/ips-hive-plugin';
import { gatewayVariableNames, loadGatewayConfig, type Environment } from '../platform/config';
import { repositoryRoot } from '../platform/paths';
import { subgraphNames } from '../platform/subgraph-names';
import { parse as parseYaml } from 'yaml';
import { startHttpGraph, type HttpGraph } from './support/http-graph';

/**
 * The committed supergraph on a second gateway: Hive Gateway (in-process runtime, served over
 * HTTP on a free port) in front of the same subgraph services as our gateway (every registered
 * one), signing the same assertion. The example operations must give byte-for-byte the same JSON on both, for
 * anonymous and signed-in callers, and two signed-in callers asking the same thing at once must
 * each get their own answer (Hive's in-flight deduplication is switched off for that reason).
 */
jest.setTimeout(120_000);

let graph: HttpGraph;
let runtime: GatewayRuntime;
let server: Server;
let hiveUrl: string;
let tokenFor: (email: string) => Promise<string>;

beforeAll(async () => {
  // Both gateways, Hive's planner and every subgraph share this one process, so on a busy
  // machine a heavy insight can outlast the 2 s production budget on either side; the comparisons
  // are about answers, not time budgets, so both gateways wait as long.
  const subgraphBudget = { SUBGRAPH_TIMEOUT_MS: '15000' };
  graph = await startHttpGraph({ nodeEnv: 'test', gateway: true, gatewayEnv: subgraphBudget });
  const env: Environment = { NODE_ENV: 'test', IPS_PROFILE: 'development', ...subgraphBudget };
  for (const name of subgraphNames) env[gatewayVariableNames().subgraphUrl(name)] = graph.subgraphUrls[name];
  const config = loadGatewayConfig(env, subgraphNames);
  tokenFor = (email) => mintDevelopmentToken(config.authentication, email);
  runtime = createGatewayRuntime({ ...ipsHiveGatewayConfig(config), logging: false });
  // The runtime answers its own failures (a 500 from its adapter); nothing is left to await here.
  server = createServer((request, response) => void runtime(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hiveUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  // Hive loads and plans the supergraph on its first request, blocking this process (which also runs
  // our gateway and the subgraphs) long enough under load to time out a concurrent subgraph call:
  // warm it up first, so the comparisons below compare answers, not start-up.
  await post(hiveUrl, { query: '{ __typename }' });
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await runtime?.dispose();
  await graph?.stop();
});

async function post(url: string, body: object, token?: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe('Hive Gateway over the committed supergraph', () => {
  const examples = loadExampleOperations();
  const callers = [null, 'kent-buyer', 'resurface-contributor', 'analyst', 'platform-admin'];

  it.each(callers)('answers every example exactly as our gateway does, for %s', async (personaKey) => {
    const persona = personaKey ? demoPersonas.find((p) => p.key === personaKey)! : null;
    const token = persona ? await tokenFor(persona.email) : undefined;
    for (const example of examples) {
      const body = { query: example.document, variables: JSON.parse(example.variables) as unknown, operationName: example.operationName };
      const [ours, hive] = await Promise.all([post(graph.gatewayUrl!, body, token), post(hiveUrl, body, token)]);
      expect(ours.status).toBe(200);
      expect({ example: example.name, ...hive }).toEqual({ example: example.name, ...ours });
    }
  });

  it('refuses an invalid token as our gateway does, before any subgraph is asked', async () => {
    const body = { query: '{ viewer { person { name } } }' };
    const [ours, hive] = await Promise.all([post(graph.gatewayUrl!, body, 'not-a-token'), post(hiveUrl, body, 'not-a-token')]);
    expect(ours.status).toBe(401);
    expect(hive).toEqual(ours);
  });

  it('applies the same introspection policy: analysts yes, others no', async () => {
    const body = { query: '{ __schema { queryType { name } } }' };
    const anonymous = (await post(hiveUrl, body)).json as { errors?: { extensions: { code: string } }[] };
    expect(anonymous.errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    const analyst = await post(hiveUrl, body, await tokenFor(demoPersonas.find((p) => p.key === 'analyst')!.email));
    expect(analyst.json).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('never lets two signed-in callers share an answer, however concurrent', async () => {
    const people = [demoPersonas.find((p) => p.key === 'kent-buyer')!, demoPersonas.find((p) => p.key === 'resurface-contributor')!];
    const tokens = await Promise.all(people.map((p) => tokenFor(p.email)));
    const body = { query: '{ viewer { person { name email } } }' };
    for (let round = 0; round < 5; round += 1) {
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => post(hiveUrl, body, tokens[i % 2]).then((r) => ({ asked: people[i % 2]!, ...r }))),
      );
      for (const { asked, status, json } of answers) {
        expect(status).toBe(200);
        expect(json).toEqual({ data: { viewer: { person: { name: asked.name, email: asked.email } } } });
      }
    }
  });
});

describe('docker-compose.scale-out.yml', () => {
  it('configures Hive Gateway through platform/config.ts, with the assertion secret and every subgraph', () => {
    // Compose merges `<<: *anchor` keys (YAML 1.1): the subgraphs' URLs come from the generated `x-subgraph-urls`.
    const compose = parseYaml(readFileSync(`${repositoryRoot}/docker-compose.scale-out.yml`, 'utf8'), { merge: true }) as {
      services: { 'hive-gateway': { environment: Record<string, string>; command: string[] } };
    };
    const service = compose.services['hive-gateway'];
    // Compose's `${NAME:-default}` with nothing set on the host; `${NAME:?message}` (required) from .env.
    const dotEnv: Record<string, string> = { GATEWAY_SUBGRAPH_SECRET: randomBytes(48).toString('base64') };
    expect(service.environment.GATEWAY_SUBGRAPH_SECRET).toMatch(/^\$\{GATEWAY_SUBGRAPH_SECRET:\?/);
    const env = Object.fromEntries(
      Object.entries(service.environment).map(([k, v]) => [
        k,
        String(v)
          .replace(/\$\{([A-Z_]+):\?[^}]*\}/g, (_all, name: string) => dotEnv[name] ?? '')
          .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1'),
      ]),
    );
    const config = loadGatewayConfig(env, subgraphNames);
    expect(config.nodeEnv).toBe('production');
    expect(config.authentication.kind).toBe('oidc');
    // Every subgraph through the balancer (tests/docker-compose.test.ts checks where HAProxy sends each port).
    for (const name of subgraphNames) expect(config.subgraphUrls[name]).toMatch(/^http:\/\/haproxy:\d+\/graphql$/);
    expect(service.command).toEqual(expect.arrayContaining(['dist/gateway/hive/gateway.config.js', 'schema/supergraph.graphql']));
  });
});
