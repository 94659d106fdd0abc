import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repositoryRoot } from '../platform/paths';

/**
 * Issue 23 item 3: production code must not depend on subgraph code or demo data. The gateway
 * reaches the subgraphs only over federation (HTTP) and gets the explorer's personas from the
 * development launcher (scripts/development-gateway.ts); platform/ sits below both. The in-process
 * graph, which does assemble the subgraphs, lives in scripts/ for the tests and the benchmark.
 *
 * A static check of the import graph: every import, re-export, dynamic import() and require() of
 * every source file under gateway/ (but its *.spec.ts) and platform/ is resolved against the file's
 * folder, and none may land in subgraphs/ or demo-data/.
 */

const forbiddenFolders = ['subgraphs', 'demo-data'];

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(repositoryRoot, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(repositoryRoot, path.join(entry.parentPath, entry.name)));
}

/** Every module a file names: `import … from`, `import '…'`, `export … from`, `import(…)`, `require(…)`. */
function importedModules(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]!));
}

/** The imports of `file` (relative to the repository) that resolve into a forbidden folder. */
function forbiddenImports(file: string): string[] {
  return importedModules(readFileSync(path.join(repositoryRoot, file), 'utf8'))
    .filter((specifier) => specifier.startsWith('.'))
    .filter((specifier) => {
      const target = path.relative(repositoryRoot, path.resolve(repositoryRoot, path.dirname(file), specifier));
      return forbiddenFolders.some((folder) => target === folder || target.startsWith(`${folder}${path.sep}`));
    })
    .map((specifier) => `${file} imports ${specifier}`);
}

describe('import boundaries', () => {
  test('the scanner finds every form of import it must judge', () => {
    const source = [
      `import { a } from '../subgraphs/x';`,
      `import type { B } from "../demo-data/y";`,
      `import '../subgraphs/side-effect';`,
      `export { c } from '../subgraphs/z';`,
      `const d = await import('../demo-data/lazy');`,
      `const e = require('../subgraphs/required');`,
      `import {\n  f,\n  g,\n} from '../subgraphs/multi-line';`,
    ].join('\n');
    expect(importedModules(source).sort()).toEqual(
      [
        '../subgraphs/x',
        '../demo-data/y',
        '../subgraphs/side-effect',
        '../subgraphs/z',
        '../demo-data/lazy',
        '../subgraphs/required',
        '../subgraphs/multi-line',
      ].sort(),
    );
    // And on a real file that may and does import subgraph code: the in-process graph.
    expect(forbiddenImports(path.join('scripts', 'in-process-graph.ts'))).toEqual(
      expect.arrayContaining([expect.stringContaining('../subgraphs')]),
    );
  });

  test('no file under gateway/ (but its *.spec.ts) imports subgraph code or demo data', () => {
    const files = sourceFiles('gateway');
    expect(files).toEqual(expect.arrayContaining([path.join('gateway', 'server.ts'), path.join('gateway', 'explorer', 'routes.ts')]));
    expect(files.flatMap(forbiddenImports)).toEqual([]);
  });

  test('no file under platform/ (but its *.spec.ts) imports subgraph code or demo data', () => {
    const files = sourceFiles('platform');
    expect(files).toEqual(expect.arrayContaining([path.join('platform', 'config.ts')]));
    expect(files.flatMap(forbiddenImports)).toEqual([]);
  });
});
