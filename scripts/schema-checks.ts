import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLSchema,
} from 'graphql';
import { schemaDirectory } from '../platform/paths';

/**
 * Schema change checks for `npm run schema:check` (and the test that runs them in `npm test`).
 * The API schema (what clients see: the composed supergraph without federation's machinery) is
 * compared with the last released one, kept in `schema/released/api.graphql`. Additions pass;
 * breaking changes fail unless `schema/released/intended-breaking-changes.json` lists them, each
 * with the reason. `npm run schema:release` makes the current API schema the released one.
 */
export const releasedDirectory = path.join(schemaDirectory, 'released');
export const releasedApiSchemaPath = path.join(releasedDirectory, 'api.graphql');
export const intendedBreakingChangesPath = path.join(releasedDirectory, 'intended-breaking-changes.json');

/** A breaking change someone decided on: matched by inspector's change type and schema path. */
export interface IntendedBreakingChange {
  type: string;
  path: string;
  why: string;
}

export interface SchemaCheckOutcome {
  breaking: Change[];
  /** Breaking, but listed as intended. */
  intended: Change[];
  /** Safe for most clients, worth a look (e.g. a new enum value a client's switch may not handle). */
  dangerous: Change[];
  safe: Change[];
  lintProblems: string[];
  ok: boolean;
}

/** The client-facing schema of a supergraph, printed in a stable order. */
export function apiSchemaSdl(supergraphSdl: string): string {
  const api = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  return `${printSchema(lexicographicSortSchema(api)).trimEnd()}\n`;
}

export function readIntendedBreakingChanges(file = intendedBreakingChangesPath): IntendedBreakingChange[] {
  return JSON.parse(readFileSync(file, 'utf8')) as IntendedBreakingChange[];
}

const pascalCase = /^[A-Z][A-Za-z0-9]*$/;
const camelCase = /^[a-z][A-Za-z0-9]*$/;
const screamingSnakeCase = /^[A-Z][A-Z0-9_]*$/;
/** Input types say what they are for: `CreateXInput` for a mutation, `XFilter` for a list. */
const inputTypeName = /(Input|Filter)$/;

/**
 * House rules for the API schema: every type, field, argument, input field and enum value has a
 * description, and names follow GraphQL convention (types PascalCase, fields and arguments
 * camelCase, enum values SCREAMING_SNAKE_CASE, input types ending in Input or Filter).
 */
export function lintSchema(schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  const described = (coordinate: string, description: string | null | undefined) => {
    if (!description?.trim()) problems.push(`${coordinate} has no description`);
  };
  const named = (coordinate: string, name: string, pattern: RegExp, convention: string) => {
    if (!pattern.test(name)) problems.push(`${coordinate} should be ${convention}`);
  };
  // Root types are extended by every subgraph, so none of them owns their description.
  const rootTypes = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    // Built-in scalars are described by the specification, not by us.
    if (['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
    if (!rootTypes.includes(type as never)) described(type.name, type.description);
    named(type.name, type.name, pascalCase, 'PascalCase');
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        described(coordinate, field.description);
        named(coordinate, field.name, camelCase, 'camelCase');
        for (const argument of field.args) {
          described(`${coordinate}(${argument.name}:)`, argument.description);
          named(`${coordinate}(${argument.name}:)`, argument.name, camelCase, 'camelCase');
        }
      }
    } else if (isInputObjectType(type)) {
      named(type.name, type.name, inputTypeName, 'named …Input or …Filter');
      for (const field of Object.values(type.getFields())) {
        described(`${type.name}.${field.name}`, field.description);
        named(`${type.name}.${field.name}`, field.name, camelCase, 'camelCase');
      }
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) {
        described(`${type.name}.${value.name}`, value.description);
        named(`${type.name}.${value.name}`, value.name, screamingSnakeCase, 'SCREAMING_SNAKE_CASE');
      }
    } else if (isUnionType(type)) {
      // A union's members are types, checked on their own.
    }
  }
  return problems;
}

export async function checkSchema(options: {
  releasedSdl: string;
  currentSdl: string;
  intended: IntendedBreakingChange[];
}): Promise<SchemaCheckOutcome> {
  const current = buildSchema(options.currentSdl);
  const changes = await diff(buildSchema(options.releasedSdl), current);
  const isIntended = (change: Change) => options.intended.some((allowed) => allowed.type === change.type && allowed.path === change.path);
  const breakingChanges = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
  const breaking = breakingChanges.filter((c) => !isIntended(c));
  const lintProblems = lintSchema(current);
  return {
    breaking,
    intended: breakingChanges.filter(isIntended),
    dangerous: changes.filter((c) => c.criticality.level === CriticalityLevel.Dangerous),
    safe: changes.filter((c) => c.criticality.level === CriticalityLevel.NonBreaking),
    lintProblems,
    ok: breaking.length === 0 && lintProblems.length === 0,
  };
}

/** A report a person can act on, one line per change. */
export function describeOutcome(outcome: SchemaCheckOutcome): string {
  const lines: string[] = [];
  const list = (title: string, changes: Change[]) => {
    if (changes.length === 0) return;
    lines.push(`${title}:`);
    for (const change of changes) lines.push(`  - [${change.type}] ${change.path ?? ''}: ${change.message}`);
  };
  list('Breaking changes (not listed as intended)', outcome.breaking);
  list('Breaking changes listed as intended', outcome.intended);
  list('Dangerous changes', outcome.dangerous);
  list('Safe changes', outcome.safe);
  if (outcome.lintProblems.length > 0) lines.push('Schema rules broken:', ...outcome.lintProblems.map((p) => `  - ${p}`));
  if (outcome.breaking.length > 0) {
    lines.push(
      'To make a breaking change on purpose, deprecate first; when removing, list each change in',
      `  ${path.relative(process.cwd(), intendedBreakingChangesPath)} as { "type", "path", "why" }.`,
    );
  }
  lines.push(outcome.ok ? 'Schema check passed.' : 'Schema check FAILED.');
  return lines.join('\n');
}
