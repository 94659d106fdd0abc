import type { ApolloServer, ApolloServerOptions, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type Request, type Response } from 'express';
import { createErrorFormatter, ErrorCode } from './errors';
import { addHealthRoutes, createApp, listen, type Listening } from './http';
import type { Identity } from './identity';
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

/**
 * ApolloServer settings every service shares: errors masked through the one formatter, schema
 * details and stack traces only in development, and shutdown left to platform/process.ts, which
 * stops HTTP, then Apollo, then the database, in that order.
 */
export function sharedApolloOptions(options: { development: boolean; exposeStatementCount: boolean }) {
  return {
    formatError: createErrorFormatter({ development: options.development }),
    includeStacktraceInErrorResponses: options.development,
    introspection: options.development,
    hideSchemaDetailsFromClientErrors: !options.development,
    // Apollo's own token limit rejects oversized documents with a proper 400, unlike some plugins.
    parseOptions: { maxTokens: 10_000 },
    stopOnTerminationSignals: false,
    plugins: options.exposeStatementCount ? [statementCountPlugin()] : [],
  } satisfies Partial<ApolloServerOptions<BaseContext>>;
}

/** Thrown by an `authenticate` function: the request is answered 401 with no data. */
export class AuthenticationError extends Error {}

export interface ServeOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  host: string;
  port: number;
  isReady: () => Promise<boolean>;
  /** Establishes who is asking, before any resolver runs; throws AuthenticationError to refuse. */
  authenticate: (request: Request) => Promise<Identity>;
  context: (viewer: Identity) => Promise<TContext>;
  /** Public routes beside /graphql, registered before it (gateway: downloads). */
  publicRoutes?: ((app: Express) => void)[];
  /** Further routes behind the same authentication (e.g. members' identity lookup). */
  internalRoutes?: (router: express.Router) => void;
}

function refuse(response: Response, message: string): void {
  response.status(401).json({ errors: [{ message, extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
}

/**
 * Serves a started ApolloServer at `/graphql`, with the health routes beside it. Each request is
 * authenticated first, then runs inside its own statement counter, so the gateway and every
 * subgraph can report what it cost.
 */
export function serveGraphQL<TContext extends BaseContext>(options: ServeOptions<TContext>): Promise<Listening> {
  const app: Express = createApp();
  addHealthRoutes(app, options.isReady);
  app.get('/', (_request, response) => response.redirect('/graphql'));
  for (const add of options.publicRoutes ?? []) add(app);
  const authenticate: express.RequestHandler = (request, response, next) => {
    options.authenticate(request).then(
      (viewer) => {
        response.locals.viewer = viewer;
        withStatementCounter({ count: 0 }, next);
      },
      (error: unknown) => {
        if (error instanceof AuthenticationError) return refuse(response, error.message);
        // Identity could not be established (e.g. members unreachable): fail closed, retryably.
        console.error(error);
        response.status(503).json({
          errors: [{ message: 'Sign-in is temporarily unavailable.', extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } }],
        });
      },
    );
  };
  if (options.internalRoutes) {
    const router = express.Router();
    options.internalRoutes(router);
    app.use('/internal', authenticate, router);
  }
  app.use(
    '/graphql',
    authenticate,
    express.json({ limit: '1mb' }),
    expressMiddleware(options.apollo, {
      context: async ({ res }) => options.context((res.locals.viewer ?? null) as Identity),
    }),
  );
  return listen(app, options.host, options.port);
}
