import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadTestDatabaseUrl, subgraphVariableNames, type Environment } from '../platform/config';
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

const basePort = 20_000 + Math.floor(Math.random() * 20_000);
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

async function post(query: string) {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
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
});
