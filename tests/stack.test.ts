import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { demoPersona } from '../demo-data/personas';
import { mintDevelopmentToken } from '../gateway/development-tokens';
import {
  developmentSubgraphSecret,
  loadGatewayConfig,
  loadTestDatabaseUrl,
  type AuthenticationConfig,
  subgraphVariableNames,
  type Environment,
} from '../platform/config';
import { createGatewayAssertion, gatewayAssertionHeader } from '../platform/gateway-assertion';
import { statementCountHeader } from '../platform/statement-counter';
import { subgraphNames } from '../platform/subgraph-names';
import { startStack, type RunningStack } from '../scripts/stack';

/**
 * The real multi-process stack, as `npm start` runs it (compiled by `npm test`'s build step): five
 * processes on free ports, embedded databases in a temporary data directory (or throwaway
 * databases on the PostgreSQL server when TEST_DATABASE_URL is set), demo data seeded, queried
 * over HTTP through the gateway.
 */
jest.setTimeout(240_000);

// Below Linux's ephemeral range (from 32768): there, any outgoing connection may take a port first.
const basePort = 20_000 + Math.floor(Math.random() * 12_000);
const dataDir = mkdtempSync(path.join(tmpdir(), 'ips-graph-stack-'));
const serverUrl = loadTestDatabaseUrl(process.env);
const databaseNames = subgraphNames.map((name) => `ips_stack_${name}_${basePort}`);
let stack: RunningStack;

async function onServer(statements: string[]): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  const env: Environment = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    IPS_PROFILE: 'development',
    DATA_DIR: dataDir,
    SEED_DEMO_DATA: 'true',
    GATEWAY_PORT: String(basePort),
  };
  for (const [index, name] of subgraphNames.entries()) {
    env[subgraphVariableNames(name).port] = String(basePort + index + 1);
  }
  if (serverUrl) {
    await onServer(databaseNames.map((db) => `CREATE DATABASE ${db}`));
    for (const [index, name] of subgraphNames.entries()) {
      const url = new URL(serverUrl);
      url.pathname = `/${databaseNames[index]}`;
      env[subgraphVariableNames(name).databaseUrl] = url.toString();
    }
  }
  stack = await startStack({ env, log: () => {} });
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  if (serverUrl) await onServer(databaseNames.map((db) => `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
});

async function post(query: string, headers: Record<string, string> = {}, url = stack.gatewayUrl) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

describe('the multi-process stack', () => {
  it('answers a query spanning all four subgraphs over HTTP', async () => {
    const { status, headers, body } = await post(`{
      organisations(first: 5, filter: { kinds: [SUPPLIER] }) { totalCount edges { node { name innovations(first: 2) { edges { node { title availableVia { reference } } } } } } }
      events(first: 3) { edges { node { title hosts { name } } } }
    }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.organisations.totalCount).toBeGreaterThan(5);
    expect(body.data.organisations.edges[0].node.innovations.edges.length).toBeGreaterThan(0);
    expect(body.data.events.edges[0].node.hosts.length).toBeGreaterThan(0);
    // The gateway adds up what each subgraph reported.
    expect(Number(headers.get(statementCountHeader))).toBeGreaterThan(0);
  });

  it('reports every service live and ready', async () => {
    const gatewayBase = new URL(stack.gatewayUrl).origin;
    const ports = [0, 1, 2, 3, 4].map((offset) => basePort + offset);
    for (const port of ports) {
      const base = port === basePort ? gatewayBase : `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    }
  });

  it('gives bad input a stable error code over HTTP', async () => {
    const { body } = await post(`{ innovations(first: 1000) { totalCount } }`);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('launches the development gateway with the demo personas, which the gateway itself does not hold', async () => {
    // gateway/ imports no demo data (tests/import-boundaries.test.ts); under the development profile
    // the stack starts it from scripts/development-gateway.ts, which hands it every demo persona.
    const gatewayBase = new URL(stack.gatewayUrl).origin;
    const personas = (await (await fetch(`${gatewayBase}/explorer/personas`)).json()) as { key: string }[];
    expect(personas.map((p) => p.key)).toEqual(expect.arrayContaining(['platform-admin', 'kent-buyer', 'second-assessor']));
    const signIn = await fetch(`${gatewayBase}/explorer/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ persona: 'kent-buyer' }),
    });
    expect(((await signIn.json()) as { token: string }).token).toMatch(/^ey/);
  });
});

describe('sign-in and the gateway boundary over HTTP', () => {
  const development = loadGatewayConfig({ NODE_ENV: 'test', IPS_PROFILE: 'development' }, subgraphNames).authentication as Extract<
    AuthenticationConfig,
    { kind: 'development' }
  >;
  const buyer = demoPersona('kent-buyer');
  const query = `{ organisations(first: 1) { totalCount } }`;

  function unsignedToken(payload: object): string {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
  }

  it('serves a signed-in person', async () => {
    const token = await mintDevelopmentToken(development, buyer.email);
    const { status, body } = await post(`{ viewer { person { email } organisationRoles } }`, {
      authorization: `Bearer ${token}`,
    });
    expect(status).toBe(200);
    // Looked up in members over HTTP and forwarded to members again as the signed assertion.
    expect(body.data.viewer).toEqual({ person: { email: buyer.email }, organisationRoles: ['BUYER'] });
  });

  it.each([
    ['a malformed header', async () => 'Token abc'],
    ['garbage', async () => 'Bearer not.a.jwt'],
    [
      'a token signed with another key',
      async () => `Bearer ${await mintDevelopmentToken({ ...development, secret: 'someone-elses-key-which-is-long-enough' }, buyer.email)}`,
    ],
    [
      'an expired token',
      async () => `Bearer ${await mintDevelopmentToken(development, buyer.email, { expiresIn: new Date(Date.now() - 60_000) })}`,
    ],
    [
      'an alg:none token',
      async () =>
        `Bearer ${unsignedToken({ email: buyer.email, iss: development.issuer, aud: development.audience, exp: Math.floor(Date.now() / 1000) + 600 })}`,
    ],
    [
      'a token for another audience',
      async () => `Bearer ${await mintDevelopmentToken({ ...development, audience: 'another-service' }, buyer.email)}`,
    ],
    ['a valid token naming nobody registered', async () => `Bearer ${await mintDevelopmentToken(development, 'stranger@nowhere.example')}`],
  ])('refuses %s with UNAUTHENTICATED and no data', async (_label, authorization) => {
    const { status, body } = await post(query, { authorization: await authorization() });
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('ignores identity a client tries to assert itself, even one signed with the real secret', async () => {
    const admin = demoPersona('platform-admin');
    const forgedAdmin = createGatewayAssertion({
      subgraph: 'members',
      body: JSON.stringify({ query: `{ viewer { person { email } } }` }),
      identity: {
        personId: admin.id,
        email: admin.email,
        organisationId: admin.organisationId,
        organisationKind: 'TRADE_BODY',
        membershipStatus: 'ACTIVE',
        organisationRoles: admin.organisationRoles,
        platformRoles: admin.platformRoles,
      },
      secret: developmentSubgraphSecret,
    });
    const { status, body } = await post(`{ viewer { person { email } } }`, {
      [gatewayAssertionHeader]: forgedAdmin,
      'x-user-email': admin.email,
    });
    expect(status).toBe(200);
    expect(body.data.viewer).toBeNull();
  });

  it('refuses requests that bypass the gateway, including _service and _entities', async () => {
    const members = `http://127.0.0.1:${basePort + 1}/graphql`;
    const forged = createGatewayAssertion({
      subgraph: 'members',
      body: JSON.stringify({ query: `{ organisations(first: 1) { totalCount } }` }),
      identity: null,
      secret: 'not-the-gateway-secret-but-long-enough-anyway',
    });
    for (const [directQuery, headers] of [
      [`{ _service { sdl } }`, {}],
      [
        `{ _entities(representations: [{ __typename: "Organisation", id: "${buyer.organisationId}" }]) { ... on Organisation { name } } }`,
        {},
      ],
      [`{ organisations(first: 1) { totalCount } }`, { [gatewayAssertionHeader]: forged }],
    ] as const) {
      const { status, body } = await post(directQuery, headers, members);
      expect(status).toBe(401);
      expect(body.data).toBeUndefined();
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    const identity = await fetch(`http://127.0.0.1:${basePort + 1}/internal/identity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: buyer.email, issuer: development.issuer, subject: buyer.email }),
    });
    expect(identity.status).toBe(401);
  });
});
