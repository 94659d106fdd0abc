import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repositoryRoot } from '../../platform/paths';

const pgliteVersion = (
  JSON.parse(readFileSync(path.join(repositoryRoot, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as {
    version: string;
  }
).version;

/**
 * Where the global setup leaves a freshly initialised PGlite data directory for test files to
 * start from. Named by PGlite version, since a data directory only loads into the version that made it.
 */
export const embeddedTemplatePath = path.join(tmpdir(), `ips-graph-pglite-${pgliteVersion}-template.tar`);
