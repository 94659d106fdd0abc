import { existsSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { loadTestDatabaseUrl } from '../../platform/config';
import { embeddedTemplatePath } from './embedded-template';

/**
 * initdb takes ~5 s and a lot of memory per PGlite instance; doing it once per run and letting
 * every test file start from the result keeps the embedded suite fast.
 */
export default async function globalSetup(): Promise<void> {
  if (loadTestDatabaseUrl(process.env) || existsSync(embeddedTemplatePath)) return;
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('none');
  await db.close();
  writeFileSync(embeddedTemplatePath, Buffer.from(await dump.arrayBuffer()));
}
