import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { HttpLimits } from './config';

/**
 * Liveness says the process is up; readiness says it can do its job (for a subgraph: the database
 * answers and every migration is applied). Orchestrators route traffic only to ready services.
 */
export type Readiness = boolean | { ready: boolean; checks: Record<string, string> };

export function addHealthRoutes(app: Express, isReady: () => Promise<Readiness>): void {
  app.get('/health/live', (_request, response) => {
    response.json({ status: 'live' });
  });
  app.get('/health/ready', async (_request, response) => {
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
  return app;
}

export interface Listening {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Node checks header and request timeouts only this often (30 s by default). */
const TIMEOUT_CHECK_INTERVAL_MS = 250;

export function listen(app: Express, host: string, port: number, limits: HttpLimits): Promise<Listening> {
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
    server.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      const actualPort = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: actualPort,
        // Finish requests in flight (their database work included) before the caller closes the
        // database; connections still busy after the grace period are cut.
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeIdleConnections();
            setTimeout(() => server.closeAllConnections(), 5_000).unref();
          }),
      });
    });
  });
}
