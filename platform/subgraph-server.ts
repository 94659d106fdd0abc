import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import express from 'express';
import { parse, type DocumentNode } from 'graphql';
import type { DataSource, EntitySchema, MixedList } from 'typeorm';
import type { SubgraphConfig } from './config';
import { openConfiguredDatabase, type SubgraphDatabase } from './database';
import { createErrorFormatter } from './errors';
import { addHealthRoutes, createApp, listen } from './http';
import { schemaDirectory } from './paths';
import { currentStatementCounter, statementCountHeader, withStatementCounter } from './statement-counter';
import type { SubgraphName } from './subgraph-names';

/**
 * Everything that makes one subgraph what it is. The bootstrap below turns a module into a
 * running service, and tests and the in-process gateway turn it into an ApolloServer, so every
 * subgraph runs through the same plumbing.
 */
export interface SubgraphModule<TContext extends BaseContext> {
  name: SubgraphName;
  resolvers: object;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Called once per request: a fresh set of DataLoaders, so nothing is cached across requests. */
  createContext(request: { dataSource: DataSource }): TContext;
  /** Inserts the demo data set when the subgraph's tables are empty; a no-op otherwise. */
  seedDemoData(dataSource: DataSource): Promise<void>;
}

export function loadSubgraphTypeDefs(name: SubgraphName): DocumentNode {
  return parse(readFileSync(path.join(schemaDirectory, `${name}.graphql`), 'utf8'));
}

/** Adds the request's SQL statement count to the response, for the gateway and the tests. */
function statementCountPlugin(): ApolloServerPlugin<BaseContext> {
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

export function createSubgraphServer<TContext extends BaseContext>(
  module: SubgraphModule<TContext>,
  options: { development: boolean; exposeStatementCount: boolean },
): ApolloServer<TContext> {
  return new ApolloServer<TContext>({
    schema: buildSubgraphSchema({
      typeDefs: loadSubgraphTypeDefs(module.name),
      resolvers: module.resolvers as GraphQLResolverMap<unknown>,
    }),
    formatError: createErrorFormatter({ development: options.development }),
    includeStacktraceInErrorResponses: options.development,
    introspection: options.development,
    hideSchemaDetailsFromClientErrors: !options.development,
    // Apollo's own token limit rejects oversized documents with a proper 400, unlike some plugins.
    parseOptions: { maxTokens: 10_000 },
    plugins: [
      // Traces are only useful to Apollo usage reporting, which nothing here consumes.
      ApolloServerPluginInlineTraceDisabled(),
      ...(options.exposeStatementCount ? [statementCountPlugin()] : []),
    ],
  });
}

export interface RunningService {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface StartSubgraphOptions {
  /** Use this database instead of the configured one (tests). */
  database?: SubgraphDatabase;
}

/** Opens the database, migrates, seeds if asked, and serves `/graphql` plus the health routes. */
export async function startSubgraphService<TContext extends BaseContext>(
  module: SubgraphModule<TContext>,
  config: SubgraphConfig,
  options: StartSubgraphOptions = {},
): Promise<RunningService> {
  const database =
    options.database ??
    (await openConfiguredDatabase(config.database, {
      schema: module.name,
      entities: module.entities,
      migrations: module.migrations,
      logErrors: config.development,
    }));
  try {
    await database.migrate();
    if (config.seedDemoData) await module.seedDemoData(database.dataSource);

    const apollo = createSubgraphServer(module, config);
    await apollo.start();

    const app = createApp();
    addHealthRoutes(app, () => database.isReady());
    app.use(
      '/graphql',
      (_request, _response, next) => withStatementCounter({ count: 0 }, next),
      express.json({ limit: '1mb' }),
      expressMiddleware(apollo, { context: async () => module.createContext({ dataSource: database.dataSource }) }),
    );
    const listening = await listen(app, config.host, config.port);
    return {
      url: `http://${config.host}:${listening.port}/graphql`,
      port: listening.port,
      async stop() {
        await listening.close();
        await apollo.stop();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
