import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { ServiceMetrics } from './metrics';

/**
 * What a service knows about the request it is serving, for its log line and its metrics: the
 * request id that ties the gateway's and every subgraph's log lines to one user report, and what
 * the request turned out to be (operation, caller, errors). One per HTTP request, current for all
 * the work done on its behalf (resolvers, SQL, subgraph fetches).
 */
export interface RequestContext {
  service: string;
  requestId: string;
  /** The GraphQL operation's name, once Apollo has resolved it. */
  operationName?: string;
  /** The caller's person id (never the token, email or any other personal data). */
  personId?: string;
  /** `extensions.code` of every error the response carries. */
  errorCodes: string[];
  metrics?: ServiceMetrics;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function withRequestContext<T>(context: RequestContext, run: () => T): T {
  return storage.run(context, run);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Header carrying the request id from the gateway to the subgraphs, and back to the client. */
export const requestIdHeader = 'x-request-id';

/**
 * A request id a subgraph adopts from the gateway: what `newRequestId` makes, or a W3C trace id.
 * Anything else (too long, odd characters) is ignored, so a header cannot inject into log lines.
 */
const requestIdPattern = /^[A-Za-z0-9-]{8,64}$/;

export function isWellFormedRequestId(value: unknown): value is string {
  return typeof value === 'string' && requestIdPattern.test(value);
}

export function newRequestId(): string {
  return randomUUID();
}

/** The trace id of a W3C `traceparent` header (`00-<32 hex>-<16 hex>-<2 hex>`), if well formed and not all zeros. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const match = traceparent && /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent.trim());
  if (!match || /^0+$/.test(match[1]!)) return undefined;
  return match[1];
}
