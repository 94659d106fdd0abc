import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { gatewayVariableNames, loadGatewayConfig, type Environment } from '../platform/config';
import { subgraphNames } from '../platform/subgraph-names';
import type { RunningService } from '../platform/subgraph-server';
import { startGatewayService } from '../gateway/server';

/**
 * Issue 22 item 10: ~20,000 slow connections from one host filled the gateway's descriptors and
 * new requests hung. The gateway now caps open connections per client address and per process
 * (platform/http.ts); a connection past either cap is closed as it arrives, and everyone else is
 * still served. Over real TCP: Linux routes all of 127.0.0.0/8 to loopback, so binding client
 * sockets to 127.0.0.2, 127.0.0.3, … gives the test several client addresses.
 *
 * No subgraph is needed: `/health/live` and `{ __typename }` are answered by the gateway alone.
 */
jest.setTimeout(60_000);

/** Long enough that an idle connection is never closed by the header timeout during the test. */
const slowClientLimits: Environment = { HTTP_HEADERS_TIMEOUT_MS: '30000', HTTP_REQUEST_TIMEOUT_MS: '40000' };

async function startGateway(env: Environment): Promise<RunningService> {
  const names = gatewayVariableNames();
  const unreachable = Object.fromEntries(subgraphNames.map((name) => [names.subgraphUrl(name), 'http://127.0.0.1:9/graphql']));
  return startGatewayService(
    loadGatewayConfig(
      { NODE_ENV: 'test', IPS_PROFILE: 'development', [names.port]: '0', ...unreachable, ...slowClientLimits, ...env },
      subgraphNames,
    ),
  );
}

const opened: Socket[] = [];
afterEach(() => {
  for (const socket of opened.splice(0)) socket.destroy();
});

/** An idle connection from `localAddress`, as a slow client holds one: connected, nothing sent. */
function openIdle(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    opened.push(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Whether the server closes `socket` within `ms`, without answering anything. */
function closedByServerWithin(socket: Socket, ms: number): Promise<{ closed: boolean; received: string }> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    if (socket.destroyed || socket.readableEnded) return resolve({ closed: true, received });
    const timer = setTimeout(() => resolve({ closed: false, received }), ms);
    const closed = () => {
      clearTimeout(timer);
      resolve({ closed: true, received });
    };
    socket.once('end', closed);
    socket.once('close', closed);
  });
}

/** GET or POST over a fresh connection from `localAddress`; the status and body. */
function ask(port: number, localAddress: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const call = request(
      {
        host: '127.0.0.1',
        port,
        path,
        localAddress,
        agent: false,
        method: body ? 'POST' : 'GET',
        headers: body ? { 'content-type': 'application/json' } : {},
        timeout: 5_000,
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    call.on('timeout', () => call.destroy(new Error(`no answer from ${path} within 5 s`)));
    call.on('error', reject);
    call.end(body);
  });
}

/** A request on a connection that is already open (a raw HTTP/1.1 GET); the status line. */
function askOn(socket: Socket, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) resolve(received.slice(0, received.indexOf('\r\n')));
    });
    socket.once('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: gateway\r\n\r\n`);
  });
}

const typename = JSON.stringify({ query: '{ __typename }' });

describe('connections per client address', () => {
  let gateway: RunningService;
  const cap = 5;
  beforeAll(async () => {
    gateway = await startGateway({ HTTP_MAX_CONNECTIONS_PER_ADDRESS: String(cap) });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('closes the connection past the cap at once, while other addresses, and held connections, are served', async () => {
    const held: Socket[] = [];
    for (let i = 0; i < cap; i += 1) held.push(await openIdle(gateway.port, '127.0.0.1'));
    // Another address is served (and, being accepted after them, proves the held ones were counted).
    expect(await ask(gateway.port, '127.0.0.2', '/health/live')).toEqual({ status: 200, body: '{"status":"live"}' });

    const started = Date.now();
    const extra = await openIdle(gateway.port, '127.0.0.1').catch(() => undefined);
    const outcome = extra ? await closedByServerWithin(extra, 2_000) : { closed: true, received: '' };
    expect(outcome).toEqual({ closed: true, received: '' });
    expect(Date.now() - started).toBeLessThan(1_000);

    // The held connections are untouched and still carry requests.
    expect(await askOn(held[0]!, '/health/live')).toBe('HTTP/1.1 200 OK');
    const graphql = await ask(gateway.port, '127.0.0.2', '/graphql', typename);
    expect(graphql.status).toBe(200);
    expect(JSON.parse(graphql.body)).toEqual({ data: { __typename: 'Query' } });

    // Closing one frees its place for the same address.
    const freed = held.pop()!;
    await new Promise<void>((resolve) => {
      freed.once('close', () => resolve());
      freed.destroy();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await ask(gateway.port, '127.0.0.1', '/health/live')).status).toBe(200);

    // Operators see it: counted (and logged, at most once per 10 s).
    const metrics = await ask(gateway.port, '127.0.0.2', '/metrics');
    expect(metrics.body).toMatch(/ips_connections_refused_total\{limit="address",service="gateway"\} [1-9]/);
  });
});

describe('connections per process', () => {
  let gateway: RunningService;
  const cap = 6;
  beforeAll(async () => {
    gateway = await startGateway({ HTTP_MAX_CONNECTIONS: String(cap), HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0' });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('closes connections past the process cap at once; requests on open connections still finish', async () => {
    const held: Socket[] = [];
    // Several addresses, so only the process cap can be what refuses.
    for (let i = 0; i < cap; i += 1) held.push(await openIdle(gateway.port, `127.0.0.${3 + (i % 3)}`));
    expect(await askOn(held[0]!, '/health/live')).toBe('HTTP/1.1 200 OK');

    const started = Date.now();
    const extra = await openIdle(gateway.port, '127.0.0.9').catch(() => undefined);
    const outcome = extra ? await closedByServerWithin(extra, 2_000) : { closed: true, received: '' };
    expect(outcome).toEqual({ closed: true, received: '' });
    expect(Date.now() - started).toBeLessThan(1_000);

    expect(await askOn(held[1]!, '/metrics')).toBe('HTTP/1.1 200 OK');
    const scrape = await new Promise<string>((resolve) => {
      let text = '';
      const timer = setTimeout(() => resolve(text), 2_000);
      held[2]!.on('data', (chunk) => {
        text += chunk.toString('latin1');
        if (/ips_connections_refused_total\{limit="process"[^\n]*\n/.test(text)) {
          clearTimeout(timer);
          resolve(text);
        }
      });
      held[2]!.write('GET /metrics HTTP/1.1\r\nHost: gateway\r\n\r\n');
    });
    expect(scrape).toMatch(/ips_connections_refused_total\{limit="process",service="gateway"\} [1-9]/);
  });
});
