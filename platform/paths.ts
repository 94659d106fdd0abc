import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository root, found by walking up from this file. The same code runs from TypeScript
 * sources (tests) and from the compiled `dist/` tree, so a fixed number of `..` would be wrong
 * in one of the two.
 */
function findRepositoryRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const repositoryRoot = findRepositoryRoot(__dirname);
export const schemaDirectory = path.join(repositoryRoot, 'schema');
export const supergraphPath = path.join(schemaDirectory, 'supergraph.graphql');
export const defaultDataDirectory = path.join(repositoryRoot, 'data');
