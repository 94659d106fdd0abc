import { existsSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { loadTestDatabaseUrl } from '../../platform/config';
import { startTestClamd, type TestClamd } from './clamd';
import { embeddedTemplatePath } from './embedded-template';

/** The clamd this run started, for tests/support/global-teardown.ts (same process). */
export const testClamd: { current?: TestClamd } = ((globalThis as { ipsTestClamd?: { current?: TestClamd } }).ipsTestClamd ??= {});

/**
 * initdb takes ~5 s and a lot of memory per PGlite instance; doing it once per run and letting
 * every test file start from the result keeps the embedded suite fast.
 */
export default async function globalSetup(): Promise<void> {
  await startClamdUnlessGiven();
  if (loadTestDatabaseUrl(process.env) || existsSync(embeddedTemplatePath)) return;
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('none');
  await db.close();
  writeFileSync(embeddedTemplatePath, Buffer.from(await dump.arrayBuffer()));
}

/**
 * Uploaded documents are scanned by a real clamd in the tests (issue 28): one per run, with the
 * EICAR-only database, unless CLAMD_URL names one already. Set here, CLAMD_URL reaches every jest
 * worker (they start after global setup). Without clamd installed the tests run with the development
 * scanner (EICAR refused, every other file marked "not scanned"), and
 * platform/documents/virus-scan.spec.ts fails under CI.
 */
async function startClamdUnlessGiven(): Promise<void> {
  if (process.env.CLAMD_URL) return;
  const clamd = await startTestClamd();
  if (!clamd) return;
  testClamd.current = clamd;
  process.env.CLAMD_URL = clamd.url;
}
