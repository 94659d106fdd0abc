import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadHttpLimits } from './config';
import { addHealthRoutes, createApp, listen } from './http';

/**
 * Express takes its `env` from NODE_ENV (unset means development; jest sets `test`) and, in any
 * env but production, writes stack traces into its own error pages. Every service's app comes
 * from createApp, so none may, whatever NODE_ENV says (issue 22 item 4).
 */
it('never writes a stack trace into Express’s own error page, whatever NODE_ENV says', async () => {
  expect(process.env.NODE_ENV).not.toBe('production');
  // Express's final handler writes the stack to stderr in production (our services log through
  // their own error handler, registered after their routes); this bare app has none, so hush it.
  const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const app = createApp();
  app.get('/boom', () => {
    throw new Error('boom at the database layer');
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/boom`);
    expect(response.status).toBe(500);
    const page = await response.text();
    expect(page).not.toMatch(/boom at the database layer|at .*\.ts:\d+|node_modules/);
    // Express logs the error on a later turn of the event loop (finalhandler defers it); wait for
    // that line before unhushing the console, or it lands in whichever test file runs next.
    for (let turn = 0; turn < 1_000 && consoleError.mock.calls.length === 0; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(consoleError).toHaveBeenCalled();
  } finally {
    await new Promise((resolve) => server.close(resolve));
    consoleError.mockRestore();
  }
});

/**
 * Stopping drains (issue 26 item 4): from the moment `close` is called, readiness answers 503 so a
 * load balancer takes the service out of rotation, and for `drainDelayMs` it still answers what
 * reaches it, each answer closing its connection; only then does it stop accepting.
 */
it('drains on close: readiness 503 at once, still serving with connection: close, then closed', async () => {
  const app = createApp();
  addHealthRoutes(app, async () => true);
  app.get('/work', (_request, response) => response.json({ done: true }));
  const limits = { ...loadHttpLimits({}), drainDelayMs: 600 };
  const listening = await listen(app, '127.0.0.1', 0, limits);
  const base = `http://127.0.0.1:${listening.port}`;
  expect((await fetch(`${base}/health/ready`)).status).toBe(200);
  const closed = listening.close();
  const readiness = await fetch(`${base}/health/ready`);
  expect(readiness.status).toBe(503);
  expect(await readiness.json()).toEqual({ status: 'not ready', checks: { process: 'stopping' } });
  const work = await fetch(`${base}/work`);
  expect(await work.json()).toEqual({ done: true });
  expect(work.headers.get('connection')).toBe('close');
  await closed;
  await expect(fetch(`${base}/work`)).rejects.toThrow();
});
