import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type DocumentNode } from 'graphql';
import { schemaDirectory } from './paths';

/**
 * The files a subgraph's SDL is made of: its own `schema/<name>.graphql`, then the refusal shape
 * every subgraph shares (`schema/refusals.graphql`), and for those keeping files the document shape
 * (`schema/documents.graphql`). Serving, composing and code generation all
 * read this list, so the shared part is written once and never drifts.
 */
export function subgraphSchemaFiles(name: string): string[] {
  return [
    path.join(schemaDirectory, `${name}.graphql`),
    path.join(schemaDirectory, 'refusals.graphql'),
    ...(subgraphsKeepingDocuments.has(name) ? [path.join(schemaDirectory, 'documents.graphql')] : []),
  ];
}

/** The subgraphs that keep uploaded files (issue 28): each serves the shared `Document` shape of `schema/documents.graphql`. */
const subgraphsKeepingDocuments: ReadonlySet<string> = new Set(['innovations', 'procurement']);

/** A subgraph's type definitions, parsed. */
export function loadSubgraphTypeDefs(name: string): DocumentNode {
  return parse(
    subgraphSchemaFiles(name)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n'),
  );
}
