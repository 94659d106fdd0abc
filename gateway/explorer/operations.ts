import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type OperationDefinitionNode } from 'graphql';
import { repositoryRoot } from '../../platform/paths';

/**
 * The example operations in `operations/*.graphql`: offered by the explorer per role, compiled to
 * typed documents for front ends (codegen client preset), and replayed against a second gateway
 * by the tests. Each file holds one operation and opens with comment headers:
 *
 *   # title: Catalogue search
 *   # roles: EVERYONE | ANONYMOUS, BUYER, ANALYST, … (organisation and platform roles)
 *   # variables: { "search": "pothole" }     (optional, JSON)
 *   # Free text after the headers describes the example.
 */
export const operationsDirectory = path.join(repositoryRoot, 'operations');

export interface ExampleOperation {
  /** The file name without `.graphql`, e.g. `catalogue-search`. */
  name: string;
  /** The operation's own name, e.g. `CatalogueSearch`. */
  operationName: string;
  title: string;
  description: string;
  roles: string[];
  document: string;
  /** Example variables as pretty JSON text, as GraphiQL's variables editor shows them. */
  variables: string;
}

const header = /^#\s*(title|roles|variables):\s*(.*)$/;

export function parseExampleOperation(name: string, text: string): ExampleOperation {
  const fields: Record<string, string> = {};
  const description: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    const match = header.exec(line);
    if (match) fields[match[1]!] = match[2]!.trim();
    else description.push(line.replace(/^#\s?/, ''));
  }
  if (!fields.title || !fields.roles) throw new Error(`operations/${name}.graphql: needs "# title:" and "# roles:" headers`);
  const operations = parse(text).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  if (operations.length !== 1 || !operations[0]!.name) {
    throw new Error(`operations/${name}.graphql: must hold exactly one named operation`);
  }
  const variables = fields.variables ? (JSON.parse(fields.variables) as unknown) : {};
  return {
    name,
    operationName: operations[0]!.name.value,
    title: fields.title,
    description: description.join(' ').trim(),
    roles: fields.roles.split(',').map((role) => role.trim().toUpperCase()),
    document: text
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join('\n')
      .trim(),
    variables: JSON.stringify(variables, null, 2),
  };
}

export function loadExampleOperations(directory = operationsDirectory): ExampleOperation[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => parseExampleOperation(file.replace(/\.graphql$/, ''), readFileSync(path.join(directory, file), 'utf8')));
}
