import type { ApolloServer, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { addHealthRoutes, createApp, listen, type Listening } from './http';
import { currentStatementCounter, statementCountHeader, withStatementCounter } from './statement-counter';

/** Adds the request's SQL statement count to the response, for the gateway and the tests. */
export function statementCountPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const counter = currentStatementCounter();
          if (counter) response.http.headers.set(statementCountHeader, String(counter.count));
        },
      };
    },
  };
}

export interface ServeOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  host: string;
  port: number;
  isReady: () => Promise<boolean>;
  context: () => Promise<TContext>;
}

/**
 * Serves a started ApolloServer at `/graphql`, with the health routes beside it. Each request runs
 * inside its own statement counter, so the gateway and every subgraph can report what it cost.
 */
export function serveGraphQL<TContext extends BaseContext>(options: ServeOptions<TContext>): Promise<Listening> {
  const app = createApp();
  addHealthRoutes(app, options.isReady);
  app.get('/', (_request, response) => response.redirect('/graphql'));
  app.use(
    '/graphql',
    (_request, _response, next) => withStatementCounter({ count: 0 }, next),
    express.json({ limit: '1mb' }),
    expressMiddleware(options.apollo, { context: options.context }),
  );
  return listen(app, options.host, options.port);
}
