import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

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
  queryQueue: QueryQueueInternals;
}

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueueInternals {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const sync = 'S'.charCodeAt(0);
const simpleQuery = 'Q'.charCodeAt(0);

/**
 * pglite-socket queues protocol messages one by one and, outside a transaction, interleaves the
 * connections between any two of them. PGlite is one session, so connection B's Parse can replace
 * the unnamed statement between connection A's Parse and Bind: seen here as "prepared statement
 * does not exist" (26000) when four subgraphs migrated at once. This queue keeps a connection's
 * extended-protocol batch (Parse … Sync) together, as it keeps a transaction together, and keeps
 * going after a failed message instead of stalling every connection.
 */
function keepProtocolBatchesTogether(queue: QueryQueueInternals): void {
  let midBatch = false;
  const clearQueueForHandler = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clearQueueForHandler(handlerId);
    if (queue.lastHandlerId === handlerId && midBatch) {
      midBatch = false;
      void queue.processQueue();
    }
  };
  queue.processQueue = async () => {
    if (queue.processing || queue.queue.length === 0) return;
    queue.processing = true;
    try {
      while (queue.queue.length > 0) {
        let item: QueuedMessage | undefined;
        if (queue.lastHandlerId !== null && (midBatch || queue.db.isInTransaction())) {
          const index = queue.queue.findIndex((queued) => queued.handlerId === queue.lastHandlerId);
          if (index === -1) break; // its next message has not arrived yet
          item = queue.queue.splice(index, 1)[0];
        } else {
          item = queue.queue.shift();
        }
        if (!item) break;
        const type = item.message[0];
        // A startup message begins with its length (first byte 0); Sync and a simple query end a batch.
        midBatch = type !== 0 && type !== sync && type !== simpleQuery;
        queue.lastHandlerId = item.handlerId;
        try {
          let bytes = 0;
          const current = item;
          await queue.db.runExclusive(() =>
            queue.db.execProtocolRawStream(current.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                current.onData(data);
              },
            }),
          );
          item.resolve(bytes);
        } catch (error) {
          midBatch = false;
          item.reject(error);
        }
      }
    } finally {
      queue.processing = false;
    }
  };
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
  keepProtocolBatchesTogether((server as unknown as SocketServerInternals).queryQueue);
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
  process.on('disconnect', () => void stop('the stack runner is gone'));
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
