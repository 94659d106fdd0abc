import { AsyncLocalStorage } from 'node:async_hooks';
import { connect } from 'node:net';
import type { Logger, QueryRunner } from 'typeorm';
import { logger } from './logger';
import { currentRequestBudget, RequestAbandonedError, type RequestBudget } from './request-budget';

/**
 * Counts the SQL statements each request runs. A request runs inside `withStatementCounter`; the
 * TypeORM logger below increments the counter of whichever request is current. Tests and the
 * benchmark assert on these counts: they show at once when a resolver starts querying per item.
 */
export interface StatementCounter {
  count: number;
}

const storage = new AsyncLocalStorage<StatementCounter>();

export function withStatementCounter<T>(counter: StatementCounter, run: () => T): T {
  return storage.run(counter, run);
}

export function currentStatementCounter(): StatementCounter | undefined {
  return storage.getStore();
}

/** Runs `work` and returns its result with the number of statements it ran. */
export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const counter: StatementCounter = { count: 0 };
  const result = await withStatementCounter(counter, work);
  return { result, statements: counter.count };
}

/** Response header carrying the count from a subgraph to the gateway, and from the gateway to tests. */
export const statementCountHeader = 'x-sql-statements';

/**
 * Counts every statement, and is also the one point every statement passes before it is sent: a
 * request whose budget is spent (client gone, time up) runs no further SQL, and the statements it
 * still has running are cancelled, so an abandoned request frees its pool connections at once.
 */
export class StatementCountingLogger implements Logger {
  constructor(private readonly logErrors: boolean) {}

  logQuery(_query: string, _parameters?: unknown[], queryRunner?: QueryRunner): void {
    const counter = storage.getStore();
    if (counter) counter.count += 1;
    const budget = currentRequestBudget();
    if (!budget) return;
    if (budget.signal.aborted) throw new RequestAbandonedError();
    if (queryRunner) cancelOnAbort(budget, queryRunner);
  }

  // logQuery has already counted the statement that failed.
  logQueryError(error: string | Error, query: string): void {
    // The statement only, never its parameters (they carry personal data).
    if (this.logErrors) logger().warn({ sql: query, reason: error instanceof Error ? error.message : error }, 'SQL statement failed');
  }

  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    if (this.logErrors) logger().info({ migration: message }, 'migration');
  }
  log(): void {}
}

/** The query runners (each holding one pooled connection) a request has used, by request. */
const runnersByBudget = new WeakMap<RequestBudget, Set<QueryRunner>>();

function cancelOnAbort(budget: RequestBudget, queryRunner: QueryRunner): void {
  let runners = runnersByBudget.get(budget);
  if (!runners) {
    const tracked = new Set<QueryRunner>();
    runnersByBudget.set(budget, (runners = tracked));
    budget.signal.addEventListener('abort', () => tracked.forEach(cancelRunningStatement), { once: true });
  }
  runners.add(queryRunner);
}

interface PgClientInternals {
  host?: string;
  port?: number;
  processID?: number | null;
  secretKey?: number | null;
  /** pg 8.x: the statement in flight (`activeQuery` itself is deprecated and warns on each read). */
  _getActiveQuery?: () => unknown;
}

/** TypeORM's PostgresQueryRunner internals: its pg client, and how it hands the client back to the pool. */
interface PostgresQueryRunnerInternals {
  databaseConnection?: PgClientInternals;
  /** pg's `release(err)`: with an error, the pool closes the client instead of keeping it. */
  releaseCallback?: (error?: Error) => void;
}

/**
 * Sends PostgreSQL's CancelRequest for the statement a still-held connection is running (a
 * released runner's connection may already serve another request, so it is left alone). The
 * embedded server ignores cancel requests; there the statement guard above does the work.
 *
 * A cancel names a server process, not a statement, and arrives a moment after it is sent: if our
 * statement finished meanwhile and the pool lent the connection to another request, that
 * request's statement would be the one cancelled. So the connection is closed when the runner is
 * released, never handed out again (a cancel reaching an idle or closed session does nothing).
 */
function cancelRunningStatement(queryRunner: QueryRunner): void {
  if (queryRunner.isReleased) return;
  const runner = queryRunner as unknown as PostgresQueryRunnerInternals;
  const client = runner.databaseConnection;
  if (!client?._getActiveQuery?.() || !client.processID || client.secretKey == null || !client.host || !client.port) return;
  const release = runner.releaseCallback;
  if (!release) return;
  runner.releaseCallback = () => release(new Error('A statement on this connection was cancelled; it is closed rather than reused.'));
  const message = Buffer.alloc(16);
  message.writeInt32BE(16, 0);
  message.writeInt32BE(80877102, 4);
  message.writeInt32BE(client.processID, 8);
  message.writeInt32BE(client.secretKey, 12);
  // Sent, then the server (or pooler) closes the connection when it has passed the cancel on, as the
  // protocol has it. Closing our side first makes PgBouncer 1.18 (Debian 12's) abort with "bad
  // client state", taking every connection through it down (found by the PgBouncer pass, issue 26).
  const socket = connect(client.port, client.host, () => socket.write(message));
  socket.on('end', () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.setTimeout(5_000, () => socket.destroy());
}
