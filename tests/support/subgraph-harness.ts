import type { BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../platform/database';
import type { Identity } from '../../platform/identity';
import { countStatements } from '../../platform/statement-counter';
import { createSubgraphServer, type SubgraphModule } from '../../platform/subgraph-server';

export interface OperationResult<TData> {
  data?: TData | null;
  errors?: readonly GraphQLFormattedError[];
  /** SQL statements the operation ran. */
  statements: number;
}

export interface TestSubgraph {
  dataSource: DataSource;
  /** Runs an operation as `viewer` (anonymous when omitted), as if the gateway had asserted it. */
  execute<TData = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    viewer?: Identity,
  ): Promise<OperationResult<TData>>;
  stop(): Promise<void>;
}

export const testPool = { poolMax: 5, statementTimeoutMs: 10_000, connectionTimeoutMs: 5_000 };

/**
 * A subgraph as production builds it (its migrations, its ApolloServer with production error
 * masking) over a test database, executed in-process through `executeOperation`.
 */
export async function startTestSubgraph<TContext extends BaseContext>(
  module: SubgraphModule<TContext>,
  url: string,
): Promise<TestSubgraph> {
  const database = await openDatabase({
    schema: module.name,
    url,
    pool: testPool,
    entities: module.entities,
    migrations: module.migrations,
    logErrors: false,
  });
  await database.migrate();
  const server = createSubgraphServer(module, { development: false, exposeStatementCount: true });
  await server.start();
  return {
    dataSource: database.dataSource,
    async execute<TData>(query: string, variables?: Record<string, unknown>, viewer: Identity = null) {
      const { result, statements } = await countStatements(() =>
        server.executeOperation<TData>(
          { query, variables },
          { contextValue: module.createContext({ dataSource: database.dataSource, viewer }) },
        ),
      );
      if (result.body.kind !== 'single') throw new Error('Expected a single result');
      return { data: result.body.singleResult.data, errors: result.body.singleResult.errors, statements };
    },
    async stop() {
      await server.stop();
      await database.close();
    },
  };
}
