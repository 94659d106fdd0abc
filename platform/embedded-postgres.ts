import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { keepProtocolBatchesTogether } from './pglite-socket-queue';

/**
 * PostgreSQL embedded in the process: PGlite (PostgreSQL compiled to WebAssembly) served over the
 * PostgreSQL wire protocol on a loopback port. Serving it over a socket, rather than through an
 * in-process TypeORM driver shim, means the subgraphs use the ordinary `pg` driver exactly as
 * against a real server, and PGlite's query queue gives a connection inside a transaction
 * exclusive use of the database until it commits (the shim interleaves concurrent transactions).
 *
 * Beware: a request that holds a transaction open and then waits on a second connection
 * deadlocks here; on a real server it would only be slow. Services never do that.
 */
export interface EmbeddedPostgres {
  /** A `postgres://` URL for the `pg` driver. */
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Data directory on disk; absent means in memory (tests). */
  directory?: string;
  /** A data directory tarball to start from (skips initdb, which takes seconds). */
  loadDataDir?: Blob;
  maxConnections: number;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  if (options.directory) mkdirSync(options.directory, { recursive: true });
  const db = await PGlite.create({
    ...(options.directory ? { dataDir: options.directory } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: options.maxConnections,
  });
  // Without it, two services' parameterised queries interleave on PGlite's one session and get each
  // other's statements or answers (seen with notifications' email sender polling while the other
  // subgraphs started: "invalid input syntax for type bigint", then both connections waiting for ever).
  keepProtocolBatchesTogether(server);
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
