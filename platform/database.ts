import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource, MigrationExecutor, type DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from './config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { StatementCountingLogger } from './statement-counter';

/**
 * One subgraph's database: a TypeORM DataSource over its own PostgreSQL schema (named after the
 * subgraph) in its own database. Subgraphs never share a DataSource or read each other's schema;
 * cross-subgraph data travels only through federation entities.
 */
export interface SubgraphDatabase {
  dataSource: DataSource;
  /** Applies pending migrations, each in its own transaction. */
  migrate(): Promise<void>;
  /** True when the database answers and every migration has been applied. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

/** Entity classes and migrations, in TypeORM's own option types (which accept any class as a `Function`). */
export type EntityList = NonNullable<DataSourceOptions['entities']>;
export type MigrationList = NonNullable<DataSourceOptions['migrations']>;

export interface OpenDatabaseOptions {
  /** PostgreSQL schema that holds this subgraph's tables (and its migrations table). */
  schema: string;
  url: string;
  pool: Pick<DatabaseConfig, 'poolMax' | 'statementTimeoutMs' | 'connectionTimeoutMs'> & Partial<Pick<DatabaseConfig, 'poolMode'>>;
  entities: EntityList;
  migrations: MigrationList;
  logErrors: boolean;
  /** Stopped when the database is closed (the embedded server this process started). */
  owned?: EmbeddedPostgres;
}

/**
 * The schema must exist before TypeORM can create its migrations table inside it, so it is made
 * here; everything inside it is made by migrations. Under an advisory lock, because two replicas'
 * `CREATE SCHEMA IF NOT EXISTS` at the same instant can both miss it and one fail.
 */
async function ensureSchema(url: string, schema: string, pool: OpenDatabaseOptions['pool']): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: pool.connectionTimeoutMs });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`ips-graph:schema:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    if (pool.poolMode === 'transaction') {
      // Behind a transaction-mode pooler every server session may serve any client, and start-up
      // parameters are refused: the statement timeout becomes the role's default in this database,
      // which each server session the pooler opens takes on.
      const timeout = Math.trunc(pool.statementTimeoutMs);
      // One setting per role and database, which every subgraph sharing the database writes: the
      // schema's lock above does not keep two subgraphs apart (found starting `npm run stack:replicas`).
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('ips-graph:role-settings'))`);
      await client.query(
        `DO $$ BEGIN EXECUTE format('ALTER ROLE CURRENT_USER IN DATABASE %I SET statement_timeout = ${timeout}', current_database()); END $$`,
      );
      // The session this runs in was opened before the default existed, and the pooler will lend it on.
      await client.query(`SET statement_timeout = ${timeout}`);
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<SubgraphDatabase> {
  await ensureSchema(options.url, options.schema, options.pool);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // PGlite has no uuid-ossp; gen_random_uuid() is built in everywhere.
    uuidExtension: 'pgcrypto',
    logger: new StatementCountingLogger(options.logErrors),
    applicationName: `ips-graph-${options.schema}`,
    extra: {
      max: options.pool.poolMax,
      // node-postgres waits forever for a free connection by default; fail fast instead.
      connectionTimeoutMillis: options.pool.connectionTimeoutMs,
      // In the start-up packet, unless a transaction-mode pooler is in between (see ensureSchema).
      ...(options.pool.poolMode === 'transaction' ? {} : { statement_timeout: options.pool.statementTimeoutMs }),
    },
  });
  await dataSource.initialize();
  return {
    dataSource,
    async migrate() {
      await migrateOnce(dataSource, options.schema);
    },
    async isReady() {
      try {
        await dataSource.query('SELECT 1');
        return !(await dataSource.showMigrations());
      } catch {
        return false;
      }
    },
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await options.owned?.stop();
    },
  };
}

/**
 * Several replicas of a subgraph starting together migrate once (issue 26): each takes a
 * transaction-scoped advisory lock named after the schema, then runs the pending migrations in that
 * same transaction on that one connection; the first migrates, the rest wait, then find none
 * pending. One transaction on one connection because a session lock does not survive PgBouncer's
 * transaction pooling (the unlock could reach another backend), and because PGlite runs one
 * transaction at a time (a lock held open while migrating on another connection would wait on
 * itself). All pending migrations commit together, or none does.
 */
async function migrateOnce(dataSource: DataSource, schema: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    // statement_timeout would cut a long wait behind another replica's migration short.
    await runner.query(`SET LOCAL statement_timeout = 0`);
    await runner.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`ips-graph:migrate:${schema}`]);
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'none'; // already in ours
    await executor.executePendingMigrations();
    await runner.commitTransaction();
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}

/**
 * Opens the database a subgraph's configuration names: the PostgreSQL server at its URL, or an
 * embedded PGlite database on disk under the data directory when no URL is set.
 */
export async function openConfiguredDatabase(
  config: DatabaseConfig,
  options: Omit<OpenDatabaseOptions, 'url' | 'pool' | 'owned'>,
): Promise<SubgraphDatabase> {
  const embedded = config.url
    ? undefined
    : await startEmbeddedPostgres({ directory: config.embeddedDirectory, maxConnections: config.poolMax + 2 });
  try {
    return await openDatabase({ ...options, url: config.url ?? embedded!.url, pool: config, owned: embedded });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
