import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';

/**
 * Liveness says the process is up; readiness says it can do its job (for a subgraph: the database
 * answers and every migration is applied). Orchestrators route traffic only to ready services.
 */
export function addHealthRoutes(app: Express, isReady: () => Promise<boolean>): void {
  app.get('/health/live', (_request, response) => {
    response.json({ status: 'live' });
  });
  app.get('/health/ready', async (_request, response) => {
    const ready = await isReady().catch(() => false);
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready' });
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

export function listen(app: Express, host: string, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
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
