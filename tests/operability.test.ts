import { randomBytes } from 'node:crypto';
import { createServer, Socket, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { demoPersona } from '../demo-data/personas';
import { mintDevelopmentToken } from '../gateway/development-tokens';
import { startGatewayService } from '../gateway/server';
import { gatewayVariableNames, loadGatewayConfig, loadSubgraphConfig, subgraphVariableNames, type Environment } from '../platform/config';
import { createErrorFormatter } from '../platform/errors';
import { configureLogging } from '../platform/logger';
import { withRequestContext } from '../platform/request-context';
import { subgraphNames } from '../platform/subgraph-names';
import { startSubgraphService, type RunningService } from '../platform/subgraph-server';
import { subgraphModules } from '../subgraphs';
import { startHttpGraph, type HttpGraph } from './support/http-graph';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Issue 13, items 2, 4 and 6: one JSON log line per request in every service it touched, sharing
 * the gateway's request id; Prometheus metrics on every service (never on the public port in
 * production); readiness that reports members being unreachable, a refused credential, or a
 * subgraph's database being cut, and recovers without a restart.
 */
jest.setTimeout(180_000);

let graph: HttpGraph;
const lines: Record<string, any>[] = [];
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line));
    done();
  },
});

beforeAll(async () => {
  configureLogging({ level: 'info', format: 'json' }, capture);
  graph = await startHttpGraph({ nodeEnv: 'test', gateway: true });
});

afterAll(async () => {
  await graph?.stop();
  configureLogging({ level: 'error', format: 'json' });
});

const development = loadGatewayConfig({ NODE_ENV: 'test', IPS_PROFILE: 'development' }, subgraphNames).authentication;
const buyer = demoPersona('kent-buyer');

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

function gatewayEnv(overrides: Environment = {}): Environment {
  const env: Environment = { NODE_ENV: 'test', IPS_PROFILE: 'development', [gatewayVariableNames().port]: '0' };
  for (const name of subgraphNames) env[gatewayVariableNames().subgraphUrl(name)] = graph.subgraphUrls[name];
  return { ...env, ...overrides };
}

/** The value of one Prometheus sample, whatever order its labels come in (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...match[2]!.matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

/** Waits out the gateway's short readiness cache, then asks. */
async function readiness(base: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}/health/ready`);
  return { status: response.status, body: await response.json() };
}

describe('structured logs', () => {
  it('writes one line per request in the gateway and each subgraph it touched, all with the request id', async () => {
    const token = await mintDevelopmentToken(development, buyer.email);
    const { status, headers, body } = await post(
      graph.gatewayUrl!,
      `query SuppliersOfProven { innovations(first: 3, filter: { statuses: [APPROVED] }) { edges { node { title supplier { name } } } } }`,
      { authorization: `Bearer ${token}` },
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const requestId = headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const mine = lines.filter((line) => line.requestId === requestId);
    const requestLines = mine.filter((line) => line.msg === 'request');
    // Sign-in (members' identity route), the gateway, and one fetch each to innovations and members.
    const byService = (service: string) => requestLines.filter((line) => line.service === service);
    expect(byService('gateway')).toHaveLength(1);
    expect(byService('innovations')).toHaveLength(1);
    expect(byService('members').length).toBeGreaterThanOrEqual(2);
    const gateway = byService('gateway')[0]!;
    expect(gateway).toMatchObject({
      level: 'info',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operationName: 'SuppliersOfProven',
      personId: buyer.id,
    });
    expect(typeof gateway.durationMs).toBe('number');
    const innovations = byService('innovations')[0]!;
    expect(innovations).toMatchObject({ status: 200, personId: buyer.id });
    expect(innovations.statements).toBeGreaterThan(0);
    // Never the token or the person's email.
    const written = JSON.stringify(lines);
    expect(written).not.toContain(token);
    expect(written).not.toContain(buyer.email);
  });

  it('makes its own request id rather than taking an untrusted traceparent or x-request-id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { headers } = await post(graph.gatewayUrl!, `{ events(first: 1) { totalCount } }`, {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      'x-request-id': 'chosen-by-the-client',
    });
    const requestId = headers.get('x-request-id')!;
    expect(requestId).not.toBe(traceId);
    expect(requestId).not.toBe('chosen-by-the-client');
    expect(lines.some((line) => line.requestId === 'chosen-by-the-client')).toBe(false);
    // The subgraph adopted the gateway's id.
    expect(lines.some((line) => line.service === 'events' && line.requestId === requestId)).toBe(true);
  });

  it('takes the trace id of a traceparent as request id when told the caller is trusted', async () => {
    const gateway = await startGatewayService(loadGatewayConfig(gatewayEnv({ TRUST_INCOMING_TRACEPARENT: 'true' }), subgraphNames));
    try {
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const { headers } = await post(gateway.url, `{ events(first: 1) { totalCount } }`, {
        traceparent: `00-${traceId}-b7ad6b7169203331-01`,
      });
      expect(headers.get('x-request-id')).toBe(traceId);
    } finally {
      await gateway.stop();
    }
  });

  it('puts the request id into masked errors', () => {
    const format = createErrorFormatter({ development: false, log: () => {} });
    const masked = withRequestContext({ service: 'gateway', requestId: 'a1b2c3d4-request', errorCodes: [] }, () =>
      format({ message: 'relation "secret_table" does not exist' }, new Error('relation "secret_table" does not exist')),
    );
    expect(masked).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'a1b2c3d4-request' },
    });
  });

  it('answers a sign-in it cannot complete with the request id, and logs it under that id', async () => {
    const unreachableMembers = 'http://127.0.0.1:9/graphql';
    const gateway = await startGatewayService(loadGatewayConfig(gatewayEnv({ MEMBERS_URL: unreachableMembers }), subgraphNames));
    try {
      const token = await mintDevelopmentToken(development, buyer.email);
      const { status, headers, body } = await post(gateway.url, `{ viewer { person { name } } }`, { authorization: `Bearer ${token}` });
      expect(status).toBe(503);
      const requestId = headers.get('x-request-id');
      expect(body.errors[0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', requestId });
      expect(lines.some((line) => line.requestId === requestId && line.level === 'error')).toBe(true);
    } finally {
      await gateway.stop();
    }
  });
});

describe('metrics', () => {
  it('serves Prometheus metrics on every service (development and test: on its own port too)', async () => {
    await post(graph.gatewayUrl!, `query ProvenCount { innovations(first: 2) { totalCount edges { node { supplier { name } } } } }`);
    const token = await mintDevelopmentToken(development, buyer.email);
    await post(graph.gatewayUrl!, `query Me { viewer { person { name } } }`, { authorization: `Bearer ${token}` });
    const gateway = await (await fetch(new URL('/metrics', graph.gatewayUrl!))).text();
    const service = 'gateway';
    expect(
      sample(gateway, 'ips_requests_total', { service, route: '/graphql', operation: 'ProvenCount', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(gateway, 'ips_request_duration_seconds_count', { service, route: '/graphql', operation: 'ProvenCount' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(gateway, 'ips_subgraph_fetch_duration_seconds_count', { service, subgraph: 'innovations', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(gateway, 'ips_identity_lookups_total', { service, outcome: 'signed-in' })).toBeGreaterThanOrEqual(1);
    expect(sample(gateway, 'ips_identity_lookup_duration_seconds_count', { service })).toBeGreaterThanOrEqual(1);

    const innovations = await (await fetch(new URL('/metrics', graph.subgraphUrls.innovations))).text();
    for (const state of ['in_use', 'idle', 'waiting']) {
      expect(sample(innovations, 'ips_db_pool_connections', { service: 'innovations', state })).toBeGreaterThanOrEqual(0);
    }
    expect(sample(innovations, 'ips_requests_total', { service: 'innovations', route: '/graphql', status: '200' })).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('counts errors by code and subgraph fetch failures', async () => {
    const gateway = await startGatewayService(
      loadGatewayConfig(gatewayEnv({ EVENTS_URL: 'http://127.0.0.1:9/graphql', [gatewayVariableNames().metricsPort]: '0' }), subgraphNames),
    );
    try {
      const { body } = await post(gateway.url, `query Upcoming { events(first: 1) { totalCount } }`);
      expect(body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(gateway.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const text = await (await fetch(gateway.metricsUrl!)).text();
      expect(sample(text, 'ips_request_errors_total', { operation: 'Upcoming', code: 'SERVICE_UNAVAILABLE' })).toBe(1);
      expect(sample(text, 'ips_subgraph_fetch_failures_total', { subgraph: 'events' })).toBe(1);
    } finally {
      await gateway.stop();
    }
  });

  it('keeps /metrics off the public port in production, on the separate metrics port only', async () => {
    const env: Environment = {
      NODE_ENV: 'production',
      GATEWAY_SUBGRAPH_SECRET: randomBytes(48).toString('base64url'),
      AUTH_JWKS_URL: 'https://id.ips-graph.example/.well-known/jwks.json',
      AUTH_ISSUER: 'https://id.ips-graph.example/',
      AUTH_AUDIENCE: 'ips-graph',
      [gatewayVariableNames().port]: '0',
      [gatewayVariableNames().metricsPort]: '0',
    };
    for (const name of subgraphNames) env[gatewayVariableNames().subgraphUrl(name)] = graph.subgraphUrls[name];
    const gateway = await startGatewayService(loadGatewayConfig(env, subgraphNames));
    try {
      expect((await fetch(new URL('/metrics', gateway.url))).status).toBe(404);
      const scraped = await fetch(gateway.metricsUrl!);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('ips_requests_total');
      // The subgraphs do not know this gateway's secret: it must not claim to be ready.
      const ready = await readiness(new URL(gateway.url).origin);
      expect(ready.status).toBe(503);
      expect(ready.body.checks.identity).toBe('credentials refused');
    } finally {
      await gateway.stop();
    }
    const production = loadGatewayConfig({ ...env, [gatewayVariableNames().metricsPort]: undefined }, subgraphNames);
    expect(production.observability).toMatchObject({ metricsPort: undefined, metricsOnPublicPort: false });
  });
});

describe('readiness', () => {
  it('reports the gateway ready when members signs callers in and every subgraph accepts it', async () => {
    const ready = await readiness(new URL(graph.gatewayUrl!).origin);
    expect(ready).toEqual({
      status: 200,
      body: {
        status: 'ready',
        checks: { identity: 'ok', members: 'ok', innovations: 'ok', procurement: 'ok', events: 'ok', notifications: 'ok' },
      },
    });
  });

  it('reports the gateway not ready while it cannot reach members for identity', async () => {
    const gateway = await startGatewayService(loadGatewayConfig(gatewayEnv({ MEMBERS_URL: 'http://127.0.0.1:9/graphql' }), subgraphNames));
    try {
      const ready = await readiness(new URL(gateway.url).origin);
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toMatchObject({ identity: 'unreachable', members: 'unreachable', innovations: 'ok' });
    } finally {
      await gateway.stop();
    }
  });

  describe('a subgraph whose database connection is cut', () => {
    let database: TestDatabase;
    let proxy: CuttableProxy;
    let events: RunningService;

    beforeAll(async () => {
      database = await createTestDatabase();
      const target = new URL(database.url);
      proxy = await cuttableProxy(target.hostname, Number(target.port));
      const proxied = new URL(database.url);
      proxied.port = String(proxy.port);
      const names = subgraphVariableNames('events');
      events = await startSubgraphService(
        subgraphModules.events,
        loadSubgraphConfig('events', {
          NODE_ENV: 'test',
          IPS_PROFILE: 'development',
          [names.port]: '0',
          [names.databaseUrl]: proxied.toString(),
          DB_POOL_MAX: '2',
          DB_CONNECTION_TIMEOUT_MS: '1000',
        }),
      );
    });

    afterAll(async () => {
      await proxy?.restore();
      await events?.stop();
      await proxy?.close();
      await database?.drop();
    });

    it('reports not ready while the database is unreachable, and ready again without a restart', async () => {
      const base = new URL(events.url).origin;
      expect((await readiness(base)).status).toBe(200);
      await proxy.cut();
      expect(await readiness(base)).toEqual({ status: 503, body: { status: 'not ready' } });
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      await proxy.restore();
      expect(await readiness(base)).toEqual({ status: 200, body: { status: 'ready' } });
    });
  });
});

interface CuttableProxy {
  port: number;
  /** Refuses new connections and drops the open ones: the database is unreachable. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy in front of the test database that the test can cut and restore, on a fixed port. */
async function cuttableProxy(host: string, targetPort: number): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve, reject) => {
      const listening = createServer((client) => {
        const upstream = new Socket();
        upstream.connect(targetPort, host);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', () => {
        port = (listening.address() as AddressInfo).port;
        server = listening;
        resolve();
      });
    });
  await open();
  return {
    get port() {
      return port;
    },
    async cut() {
      const closing = server;
      server = undefined;
      const closed = new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async restore() {
      if (!server) await open();
    },
    async close() {
      const closing = server;
      server = undefined;
      const closed = new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
