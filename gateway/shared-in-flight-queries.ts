import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { FormattedExecutionResult } from 'graphql';
import type { AnswerContents } from './answer-contents';
import type { GatewayContext } from './data-sources';

/** A first run's answer, and what it contains when the subgraphs said (gateway/answer-contents.ts). */
interface Shared {
  result: FormattedExecutionResult;
  contents: AnswerContents | undefined;
}

/**
 * Identical queries from the same caller in flight at once are executed once: the first runs, the
 * others wait for its answer. A dashboard's widgets, a page opened in several tabs, or a client
 * retrying impatiently send the same operation several times; each would otherwise fan out to the
 * subgraphs again.
 *
 * The key holds the caller's whole identity (as the subgraph-fetch deduplication in
 * data-sources.ts does), the document, the operation name and the variables, so two callers never
 * share an answer, and the cache generation the request started in (gateway/cache-generation.ts), so
 * a request that starts after a write was answered never gets an answer begun before it. Only
 * queries, never mutations. Nothing is kept once the answer is sent. Each
 * waiting request has still passed its own sign-in, operation limits and introspection rules
 * (`responseForOperation` comes after `didResolveOperation`). Only an answer without errors is
 * shared: errors carry the request id of the request that met them, so after a failed first run
 * each waiting request runs on its own.
 */
export function sharedInFlightQueriesPlugin(): ApolloServerPlugin<GatewayContext> {
  const running = new Map<string, Promise<Shared | undefined>>();
  return {
    async requestDidStart({ contextValue }) {
      let leading: { key: string; settle: (shared: Shared | undefined) => void } | undefined;
      return {
        async responseForOperation({ operation, queryHash, request }) {
          // No operation (an operationName the document lacks) is refused before this; never read it.
          // An unknown generation (its shared store is away) shares nothing.
          if (operation?.operation !== 'query' || contextValue.generation === undefined) return null;
          // The generation the request started in is part of the key: a request that starts after
          // a write was answered never joins a flight that began before it (gateway/cache-generation.ts).
          const key = `${contextValue.generation}\n${JSON.stringify(contextValue.viewer)}\n${queryHash}\n${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`;
          const first = running.get(key);
          if (first) {
            const shared = await first;
            if (!shared) return null;
            // What the answer contains comes with it, so the public cache can keep it (gateway/answer-contents.ts).
            if (contextValue.contents) {
              for (const tag of shared.contents?.tags ?? []) contextValue.contents.tags.add(tag);
              contextValue.contents.complete &&= shared.contents?.complete ?? false;
            }
            return { body: { kind: 'single', singleResult: shared.result }, http: { headers: new HeaderMap() } };
          }
          let settle!: (shared: Shared | undefined) => void;
          running.set(key, new Promise((resolve) => (settle = resolve)));
          leading = { key, settle };
          return null;
        },
        // Errors settle waiting requests at once (they run on their own); so does the answer.
        async didEncounterErrors() {
          if (!leading) return;
          running.delete(leading.key);
          leading.settle(undefined);
        },
        async willSendResponse({ response }) {
          if (!leading) return;
          running.delete(leading.key);
          const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
          leading.settle(
            result?.data && !result.errors?.length ? { result: { data: result.data }, contents: contextValue.contents } : undefined,
          );
        },
      };
    },
  };
}
