import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { keepProtocolBatchesTogether } from '../platform/pglite-socket-queue';
import { orphanedStopDeadlineMs } from '../platform/process';

/**
 * The one embedded PostgreSQL of the development stack (`npm start`), run by the stack runner as
 * a process of its own: one PGlite instance on disk under DEV_DATABASE_DIRECTORY, served over the
 * PostgreSQL wire protocol on a loopback port. Each subgraph keeps its tables in its own schema
 * (named after it, see platform/database.ts) and reaches only that schema; one instance instead of
 * four saves some 1 GB at rest and 2.5 GB during a first start (each PGlite holds ~350 MB, initdb
 * ~850 MB).
 *
 * One instance runs one transaction at a time for all four subgraphs: pglite-socket gives the
 * connection inside a transaction the database until it commits. A subgraph that held a
 * transaction while waiting on another subgraph would deadlock the stack; none does (procurement
 * asks innovations before its transaction opens).
 *
 * The first start runs initdb in a short-lived process of its own: PGlite's WebAssembly memory never
 * shrinks, so a server that had run initdb itself would hold ~800 MB for as long as it runs
 * instead of ~350 MB.
 *
 * Messages from the runner (IPC): `{ type: 'terminate-connections' }` drops every client
 * connection as `pg_terminate_backend` would (open transactions are rolled back); the chaos suite
 * uses it. The process stops on SIGINT/SIGTERM or when the runner's channel closes.
 */
interface SocketServerInternals {
  handlers: Set<{ detach(close: boolean): Promise<unknown> }>;
}

async function main(): Promise<void> {
  const directory = process.env.DEV_DATABASE_DIRECTORY;
  if (!directory) throw new Error('DEV_DATABASE_DIRECTORY is not set');
  mkdirSync(directory, { recursive: true });
  if (process.argv.includes('--initdb')) {
    await (await PGlite.create({ dataDir: directory })).close();
    return;
  }
  if (!existsSync(path.join(directory, 'PG_VERSION'))) {
    console.log(`embedded PostgreSQL: first start, initialising ${directory}`);
    const initdb = spawnSync(process.execPath, [__filename, '--initdb'], { stdio: 'inherit', env: process.env });
    if (initdb.status !== 0) throw new Error(`initialising ${directory} failed (${initdb.signal ?? `exit code ${initdb.status}`})`);
  }
  const db = await PGlite.create({ dataDir: directory });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: Number(process.env.DEV_DATABASE_MAX_CONNECTIONS ?? 64),
  });
  keepProtocolBatchesTogether(server);
  await server.start();

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`embedded PostgreSQL stopping (${reason})`);
    try {
      await server.stop();
      await db.close();
      process.exit(0);
    } catch (error) {
      console.error('embedded PostgreSQL did not stop cleanly', error);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('disconnect', () => {
    // As every service of the stack: no runner is left to SIGKILL it if closing hangs, so it never
    // outlives the runner by more than a few seconds (PostgreSQL's WAL makes that a crash it recovers from).
    setTimeout(() => process.exit(1), orphanedStopDeadlineMs).unref();
    void stop('the stack runner is gone');
  });
  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'terminate-connections') return;
    const open = (server as unknown as SocketServerInternals).handlers;
    const handlers = [...open];
    // detach() removes the socket's listeners, so the server never hears these close: forget them here.
    for (const handler of handlers) open.delete(handler);
    void Promise.all(handlers.map((handler) => handler.detach(true))).then(() =>
      process.send?.({ type: 'connections-terminated', count: handlers.length }),
    );
  });

  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  console.log(`embedded PostgreSQL ready at ${url} (data in ${directory})`);
  process.send?.({ type: 'ready', pid: process.pid, url });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
