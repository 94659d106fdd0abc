import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { loadTestDatabaseUrl } from '../../platform/config';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres';
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

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = loadTestDatabaseUrl(process.env);
  return serverUrl ? createServerDatabase(serverUrl) : createEmbeddedDatabase();
}

async function createEmbeddedDatabase(): Promise<TestDatabase> {
  const template = existsSync(embeddedTemplatePath) ? new Blob([readFileSync(embeddedTemplatePath)]) : undefined;
  const embedded = await startEmbeddedPostgres({ loadDataDir: template, maxConnections: 20 });
  return { url: embedded.url, drop: () => embedded.stop() };
}

async function createServerDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `ips_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
