import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { COUNCIL_KINDS } from '../platform/organisation-kinds';
import { repositoryRoot } from '../platform/paths';

/**
 * Issue 23 item 2: the groups of organisation kinds (councils, local authorities, public bodies) are
 * spelled out once, in platform/organisation-kinds.ts, and everything else imports them. A static
 * check: no other TypeScript file names three different council kinds close together (a list, a set,
 * a union or a table keyed by kind). Demo rows name one kind each and pass; the members migrations are
 * exempt, being history that must not change (their CHECK constraint is the database's own copy).
 */

const folders = ['platform', 'subgraphs', 'gateway', 'demo-data', 'scripts', 'tests'];
const home = path.join('platform', 'organisation-kinds.ts');
const exempt = (file: string) =>
  file === home ||
  file === path.join('tests', 'organisation-kinds.test.ts') ||
  file.split(path.sep).includes('migrations') ||
  file.split(path.sep).includes('generated');

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(repositoryRoot, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(repositoryRoot, path.join(entry.parentPath, entry.name)));
}

/** The line of the first place in `source` where three different council kinds appear within 200 characters, if any. */
function spelledOutKindsAt(source: string): number | null {
  const mentions = [...source.matchAll(new RegExp(`\\b(${COUNCIL_KINDS.join('|')})\\b`, 'g'))];
  for (const [index, first] of mentions.entries()) {
    const near = new Set(
      mentions
        .slice(index)
        .filter((m) => m.index - first.index <= 200)
        .map((m) => m[1]),
    );
    if (near.size >= 3) return source.slice(0, first.index).split('\n').length;
  }
  return null;
}

test('the check finds a list written out, across lines or in one, and passes one kind per row', () => {
  expect(spelledOutKindsAt(`const buyers = new Set([\n  'COUNTY_COUNCIL',\n  'DISTRICT_COUNCIL',\n  'LONDON_BOROUGH',\n]);`)).toBe(2);
  expect(
    spelledOutKindsAt(`x\n  COUNTY_COUNCIL: ['FUNDED_COUNCIL'], WELSH_COUNCIL: ['FUNDED_COUNCIL'], SCOTTISH_COUNCIL: ['FUNDED_COUNCIL'],`),
  ).toBe(2);
  const rows = ['COUNTY_COUNCIL', 'COUNTY_COUNCIL', 'DISTRICT_COUNCIL', 'DISTRICT_COUNCIL', 'WELSH_COUNCIL'].map(
    (kind, n) =>
      `  ['org-${n}', 'Council number ${n} of a long and realistic name', '${kind}', 'ENGLAND', 'Somewhere', 'https://www.example'],`,
  );
  expect(spelledOutKindsAt(rows.join('\n'))).toBeNull();
});

test('no file but platform/organisation-kinds.ts spells out a list of council kinds', () => {
  const files = folders.flatMap(sourceFiles);
  expect(files).toEqual(
    expect.arrayContaining([
      home,
      path.join('demo-data', 'organisations.ts'),
      path.join('subgraphs', 'members', 'services', 'membership-lifecycle.ts'),
    ]),
  );
  expect(spelledOutKindsAt(readFileSync(path.join(repositoryRoot, home), 'utf8'))).not.toBeNull();
  const offenders = files
    .filter((file) => !exempt(file))
    .flatMap((file) => {
      const line = spelledOutKindsAt(readFileSync(path.join(repositoryRoot, file), 'utf8'));
      return line === null ? [] : [`${file}:${line}`];
    });
  expect(offenders).toEqual([]);
});
