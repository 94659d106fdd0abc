import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type DocumentNode } from 'graphql';
import { schemaDirectory } from './paths';

/**
 * The files a subgraph's SDL is made of: its own `schema/<name>.graphql`, then the refusal shape
 * every subgraph shares (`schema/refusals.graphql`). Serving, composing and code generation all
 * read this list, so the shared part is written once and never drifts.
 */
export function subgraphSchemaFiles(name: string): string[] {
  return [path.join(schemaDirectory, `${name}.graphql`), path.join(schemaDirectory, 'refusals.graphql')];
}

/** A subgraph's type definitions, parsed. */
export function loadSubgraphTypeDefs(name: string): DocumentNode {
  return parse(
    subgraphSchemaFiles(name)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n'),
  );
}
