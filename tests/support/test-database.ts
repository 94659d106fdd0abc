import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { loadTestDatabaseUrl } from '../../platform/config';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres';
import { createScratchDatabase } from '../../scripts/scratch-database';
import { embeddedTemplatePath } from './embedded-template';

/**
 * A database of its own for one test file: a fresh in-memory PGlite (started from a template data
 * directory made once per run, which skips initdb) or, with TEST_DATABASE_URL set, a throwaway
 * database on that PostgreSQL server. Subgraphs inside it keep to their own schemas, exactly as in
 * production.
 */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** True on the PostgreSQL-server pass (TEST_DATABASE_URL set); false on the embedded PGlite pass. */
export const onDatabaseServer = loadTestDatabaseUrl(process.env) !== undefined;

/**
 * For races: PGlite runs one transaction at a time, so concurrent requests cannot race there and a
 * race test would pass whether or not its lock or version check exists. Such tests run on the
 * server pass only, and show as skipped (not green) on the embedded one.
 */
export const describeOnServer = onDatabaseServer ? describe : describe.skip;
export const itOnServer = onDatabaseServer ? it : it.skip;

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = loadTestDatabaseUrl(process.env);
  return serverUrl ? createServerDatabase(serverUrl) : createEmbeddedDatabase();
}

async function createEmbeddedDatabase(): Promise<TestDatabase> {
  const template = existsSync(embeddedTemplatePath) ? new Blob([readFileSync(embeddedTemplatePath)]) : undefined;
  // Room for every subgraph's full pool (five subgraphs × testPool.poolMax 5) plus the test's own
  // connections: past the limit the embedded server drops the newest connection mid-request.
  const embedded = await startEmbeddedPostgres({ loadDataDir: template, maxConnections: 40 });
  return { url: embedded.url, drop: () => embedded.stop() };
}

function createServerDatabase(serverUrl: string): Promise<TestDatabase> {
  return createScratchDatabase(serverUrl, `ips_test_${randomBytes(6).toString('hex')}`);
}
