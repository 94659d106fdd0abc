import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'typeorm';

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

export class StatementCountingLogger implements Logger {
  constructor(private readonly logErrors: boolean) {}

  logQuery(): void {
    const counter = storage.getStore();
    if (counter) counter.count += 1;
  }

  // logQuery has already counted the statement that failed.
  logQueryError(error: string | Error, query: string): void {
    if (this.logErrors) console.error(`[sql] ${query}\n  ${error instanceof Error ? error.message : error}`);
  }

  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    if (this.logErrors) console.log(`[migration] ${message}`);
  }
  log(): void {}
}
