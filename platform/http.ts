import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express, { type Express } from 'express';
import type { HttpLimits } from './config';
import { logger } from './logger';

/**
 * Liveness says the process is up; readiness says it can do its job (for a subgraph: the database
 * answers and every migration is applied). Orchestrators route traffic only to ready services.
 */
export type Readiness = boolean | { ready: boolean; checks: Record<string, string> };

/**
 * Apps whose service has begun to stop (`Listening.close`). A draining service still answers what
 * reaches it, but its readiness answers 503 at once, so a load balancer's health checks take it out
 * of rotation, and every answer closes its connection, so no balancer or keep-alive client sends a
 * further request down a connection about to close.
 */
const drainingApps = new WeakSet<Express>();

export function addHealthRoutes(app: Express, isReady: () => Promise<Readiness>): void {
  app.get('/health/live', (_request, response) => {
    response.json({ status: 'live' });
  });
  app.get('/health/ready', async (_request, response) => {
    if (drainingApps.has(app)) {
      response.status(503).json({ status: 'not ready', checks: { process: 'stopping' } });
      return;
    }
    const answer = await isReady().catch(() => false);
    const ready = typeof answer === 'boolean' ? answer : answer.ready;
    // The checks name what is wrong (e.g. `members: unreachable`), never URLs or secrets.
    response
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not ready', ...(typeof answer === 'boolean' ? {} : { checks: answer.checks }) });
  });
}

export function createApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  // Express takes its `env` from NODE_ENV (unset means development) and then puts stack traces in
  // its own error pages. Errors are answered as JSON by platform/graphql-http.ts; should one ever
  // reach Express's page, it carries no trace whatever NODE_ENV says.
  app.set('env', 'production');
  app.use((_request, response, next) => {
    if (drainingApps.has(app)) response.setHeader('connection', 'close');
    next();
  });
  return app;
}

/** Which cap closed a connection: the process's (`HTTP_MAX_CONNECTIONS`) or one address's. */
export type ConnectionLimit = 'process' | 'address';

/** Refusals are logged at most this often (a flood would otherwise become a flood of log lines). */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * Caps open connections: Node closes any past `maxConnections` before the server sees it (the
 * 'drop' event), and a connection from an address that already holds `maxConnectionsPerAddress`
 * is destroyed as it arrives, before any byte is read, so one host holding thousands of slow
 * connections cannot take the descriptors every other client needs. The address is the TCP peer:
 * behind a reverse proxy that is the proxy (README, "Connections").
 */
function capConnections(server: Server, limits: HttpLimits, onRefused?: (limit: ConnectionLimit) => void): void {
  let quietUntil = 0;
  let unlogged = 0;
  const refused = (limit: ConnectionLimit) => {
    onRefused?.(limit);
    const now = Date.now();
    if (now < quietUntil) {
      unlogged += 1;
      return;
    }
    // No client address in the line: logs carry no personal data (README, "Operating it").
    logger().warn(
      {
        limit,
        maxConnections: limits.maxConnections,
        maxConnectionsPerAddress: limits.maxConnectionsPerAddress,
        refusedSinceLastLine: unlogged,
      },
      'connection refused: too many open connections',
    );
    unlogged = 0;
    quietUntil = now + REFUSAL_LOG_INTERVAL_MS;
  };
  server.maxConnections = limits.maxConnections;
  server.on('drop', () => refused('process'));
  if (limits.maxConnectionsPerAddress <= 0) return;
  const openByAddress = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const open = openByAddress.get(address) ?? 0;
    if (open >= limits.maxConnectionsPerAddress) {
      socket.destroy();
      refused('address');
      return;
    }
    openByAddress.set(address, open + 1);
    socket.once('close', () => {
      const left = (openByAddress.get(address) ?? 1) - 1;
      if (left > 0) openByAddress.set(address, left);
      else openByAddress.delete(address);
    });
  });
}

export interface Listening {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Node checks header and request timeouts only this often (30 s by default). */
const TIMEOUT_CHECK_INTERVAL_MS = 250;

export function listen(
  app: Express,
  host: string,
  port: number,
  limits: HttpLimits,
  onRefusedConnection?: (limit: ConnectionLimit) => void,
): Promise<Listening> {
  return new Promise((resolve, reject) => {
    // A client that trickles its headers or body is cut off with 408 after these limits, instead
    // of holding a connection for Node's defaults (60 s for headers, 300 s for the request).
    const server = createServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, limits.headersTimeoutMs),
      },
      app,
    );
    server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
    capConnections(server, limits, onRefusedConnection);
    server.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      const actualPort = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: actualPort,
        // Drain first (readiness 503, keep serving for `drainDelayMs` while a balancer notices),
        // then stop accepting and finish requests in flight (their database work included) before
        // the caller closes the database; connections still busy after the grace period are cut.
        close: async () => {
          drainingApps.add(app);
          if (limits.drainDelayMs > 0) await new Promise((wait) => setTimeout(wait, limits.drainDelayMs));
          await new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeIdleConnections();
            setTimeout(() => server.closeAllConnections(), 5_000).unref();
          });
        },
      });
    });
  });
}
