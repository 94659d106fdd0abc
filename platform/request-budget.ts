import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one HTTP request may still spend, shared by everything that runs on its behalf. The signal
 * aborts when the client goes away or the request's time budget is spent; from then on the
 * gateway's subgraph calls are cancelled and a subgraph runs no further SQL for it (see
 * StatementCountingLogger). Requests made outside HTTP (tests' executeOperation) have no budget.
 */
export interface RequestBudget {
  signal: AbortSignal;
  /** Subgraph response bytes the gateway may still gather for this request. */
  responseBytesLeft: number;
  /** Subgraphs that already timed out during this request: later calls to them fail at once. */
  timedOutSubgraphs: Set<string>;
}

const storage = new AsyncLocalStorage<RequestBudget>();

/** Requests this process abandoned (client gone or budget spent): a figure for monitoring and tests. */
export const abandonedRequests = { count: 0 };

export function withRequestBudget<T>(budget: RequestBudget, run: () => T): T {
  return storage.run(budget, run);
}

export function currentRequestBudget(): RequestBudget | undefined {
  return storage.getStore();
}

/**
 * Runs `run` with no request budget: for a streamed document transfer (platform/documents/
 * document-routes.ts), whose length is the file's and the client's, not a query's. It is bounded
 * instead by its size limit, the server's HTTP request timeout and the stream's own end or error.
 */
export function outsideRequestBudget<T>(run: () => T): T {
  return storage.exit(run);
}

/** Thrown instead of running SQL for a request nobody waits for any more. */
export class RequestAbandonedError extends Error {
  constructor() {
    super('The request was abandoned (the client went away or its time budget was spent); no further SQL runs for it.');
    this.name = 'RequestAbandonedError';
  }
}
