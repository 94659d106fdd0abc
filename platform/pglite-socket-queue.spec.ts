import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';
import { keepProtocolBatchesTogether } from './pglite-socket-queue';

/**
 * The replacement queue of every embedded database (platform/embedded-postgres.ts, scripts/dev-database.ts), under many connections at once:
 * parameterised queries (Parse, Bind, Execute, Sync) must each get their own statement's answer,
 * transactions must stay whole (a counter incremented inside transactions ends exact), and a
 * connection dropped inside a transaction must not stall the others. (pglite-socket's own queue
 * stalls in this test: it stops processing for good after a failed message.)
 */
jest.setTimeout(60_000);

async function hammer(): Promise<{ wrong: number; errors: string[] }> {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 20 });
  keepProtocolBatchesTogether(server);
  await server.start();
  const clients = Array.from(
    { length: 8 },
    () => new Client({ connectionString: `postgres://postgres@${server.getServerConn()}/postgres` }),
  );
  let wrong = 0;
  const errors: string[] = [];
  try {
    await Promise.all(clients.map((client) => client.connect()));
    await clients[0]!.query('CREATE TABLE counter (n int NOT NULL); INSERT INTO counter VALUES (0)');
    // A connection that vanishes inside a transaction: its transaction is rolled back, nobody waits on it.
    const quitter = new Client({ connectionString: `postgres://postgres@${server.getServerConn()}/postgres` });
    quitter.on('error', () => {});
    await quitter.connect();
    await quitter.query('BEGIN');
    await quitter.query('UPDATE counter SET n = n + 1000');
    (quitter as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await Promise.all(
      clients.map(async (client, index) => {
        if (index % 2 === 0) {
          for (let round = 0; round < 10; round += 1) {
            await client.query('BEGIN');
            const [{ n }] = (await client.query('SELECT n FROM counter FOR UPDATE')).rows as [{ n: number }];
            await client.query('UPDATE counter SET n = $1', [n + 1]);
            await client.query('COMMIT');
          }
          return;
        }
        for (let round = 0; round < 40; round += 1) {
          // Each connection its own statement text, so a swapped unnamed statement shows as a wrong answer.
          const queries = Array.from({ length: 3 }, (_, k) =>
            client
              .query(`SELECT $1::int * ${index + 2} + ${k} AS answer`, [round])
              .then((result) => {
                if (result.rows[0]?.answer !== round * (index + 2) + k) wrong += 1;
              })
              .catch((error: Error) => void errors.push(error.message)),
          );
          await Promise.all(queries);
        }
      }),
    );
    const [{ n }] = (await clients[1]!.query('SELECT n FROM counter')).rows as [{ n: number }];
    if (n !== 40) errors.push(`counter ${n}, expected 40`);
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => {})));
    await server.stop();
    await db.close();
  }
  return { wrong, errors };
}

describe('one PGlite served to many connections', () => {
  it('answers every statement correctly and keeps transactions whole', async () => {
    expect(await hammer()).toEqual({ wrong: 0, errors: [] });
  });
});
