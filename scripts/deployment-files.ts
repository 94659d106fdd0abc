import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gatewayVariableNames, subgraphVariableNames } from '../platform/config';
import { repositoryRoot } from '../platform/paths';
import { askedUrlVariable, defaultPorts, subgraphNames, subgraphsAskedBy, type SubgraphName } from '../platform/subgraph-names';

/**
 * The deployment files are written by hand, except their per-subgraph sections, which follow the
 * subgraph registry (platform/subgraph-names.ts): each such section sits between a
 * `BEGIN generated: <section>` and an `END generated: <section>` comment and is rewritten here, so
 * a new subgraph is one registry entry and `npm run compose`, and what all subgraphs share stays in
 * the hand-written anchors (`x-subgraph`, `x-subgraph-environment`, …) around them. Settings only one
 * subgraph needs (notifications' GOV.UK Notify key) are a hand-written `x-<name>-environment` anchor
 * in the compose file, which that subgraph's generated service merges when the file has one: the
 * values, and the messages asking an operator for secrets, stay in the file an operator reads.
 * tests/deployment-files.test.ts fails when a committed file differs from what this writes;
 * tests/docker-compose.test.ts checks what the files mean.
 */

/** Each subgraph's database on the PostgreSQL server (docker/postgres/init-databases.sql creates them). */
export const subgraphDatabase = (name: SubgraphName) => `ips_${name}`;

/** How many replicas of a service HAProxy finds through Docker's DNS (`--scale <service>=N` up to this). */
const haproxyReplicaSlots = 4;

interface ComposeShape {
  /** Where subgraphs reach PostgreSQL: the server itself, or PgBouncer. */
  database: string;
  /** Where the gateway (and a subgraph that asks another) reaches a subgraph: its own service, or HAProxy. */
  subgraphHost: (name: SubgraphName) => string;
}

const urlOf = (shape: ComposeShape, name: SubgraphName) => `http://${shape.subgraphHost(name)}:${defaultPorts[name]}/graphql`;

/** Top-level anchors the hand-written gateway services merge: the subgraphs' URLs, what the gateway waits for, their ports. */
function composeAnchors(shape: ComposeShape, withPorts: boolean): string[] {
  return [
    'x-subgraph-urls: &subgraph-urls',
    ...subgraphNames.map((name) => `  ${gatewayVariableNames().subgraphUrl(name)}: ${urlOf(shape, name)}`),
    'x-subgraphs-started: &subgraphs-started',
    ...subgraphNames.flatMap((name) => [`  ${name}:`, '    condition: service_started']),
    ...(withPorts ? ['x-subgraph-ports: &subgraph-ports', ...subgraphNames.map((name) => `  - "${defaultPorts[name]}"`)] : []),
  ];
}

/** The anchor holding settings only `name` needs (`x-notifications-environment: &notifications-environment`). */
const ownEnvironmentAnchor = (name: SubgraphName) => `${name}-environment`;

/** Whether the compose file declares `name`'s own-settings anchor, by hand, outside the generated sections. */
function hasOwnEnvironment(committed: string, name: SubgraphName): boolean {
  return new RegExp(`^x-${ownEnvironmentAnchor(name)}: &${ownEnvironmentAnchor(name)}\\s*$`, 'm').test(committed);
}

/**
 * One service per subgraph, on the hand-written `x-subgraph`, `x-subgraph-environment` and
 * `x-subgraph-healthcheck` anchors, and its own `x-<name>-environment` when `committed` has one.
 */
function composeServices(shape: ComposeShape, committed: string): string[] {
  return subgraphNames.flatMap((name, index) => {
    const variables = subgraphVariableNames(name);
    const port = defaultPorts[name];
    const environments = ['subgraph-environment', ...(hasOwnEnvironment(committed, name) ? [ownEnvironmentAnchor(name)] : [])];
    return [
      ...(index > 0 ? [''] : []),
      `  ${name}:`,
      '    <<: *subgraph',
      `    command: ["node", "dist/subgraphs/${name}/main.js"]`,
      '    environment:',
      environments.length === 1 ? `      <<: *${environments[0]}` : `      <<: [${environments.map((anchor) => `*${anchor}`).join(', ')}]`,
      `      ${variables.host}: 0.0.0.0`,
      `      ${variables.port}: "${port}"`,
      `      ${variables.databaseUrl}: postgres://postgres:\${POSTGRES_PASSWORD:-ips}@${shape.database}/${subgraphDatabase(name)}`,
      ...subgraphsAskedBy(name).map((asked) => `      ${askedUrlVariable(name, asked)}: ${urlOf(shape, asked)}`),
      '    expose:',
      `      - "${port}"`,
      '    healthcheck:',
      '      <<: *subgraph-healthcheck',
      '      test:',
      '        - CMD',
      '        - node',
      '        - -e',
      `        - "fetch('http://127.0.0.1:${port}/health/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"`,
    ];
  });
}

const single: ComposeShape = { database: 'postgres:5432', subgraphHost: (name) => name };
const scaledOut: ComposeShape = { database: 'pgbouncer:6432', subgraphHost: () => 'haproxy' };

/**
 * Every generated section, by file (relative to the repository) and section name; `committed(file)`
 * is the file as it stands, for the hand-written anchors a section refers to.
 */
export function generatedSections(committed: (file: string) => string): Record<string, Record<string, string[]>> {
  return {
    'docker-compose.yml': {
      'subgraph anchors': composeAnchors(single, false),
      'subgraph services': composeServices(single, committed('docker-compose.yml')),
    },
    'docker-compose.scale-out.yml': {
      'subgraph anchors': composeAnchors(scaledOut, true),
      'subgraph services': composeServices(scaledOut, committed('docker-compose.scale-out.yml')),
    },
    'docker/haproxy/haproxy.cfg': {
      subgraphs: subgraphNames.flatMap((name, index) => [
        ...(index > 0 ? [''] : []),
        `frontend ${name}`,
        `  bind :${defaultPorts[name]}`,
        `  default_backend ${name}`,
        '',
        `backend ${name}`,
        `  server-template ${name}- ${haproxyReplicaSlots} ${name}:${defaultPorts[name]}`,
      ]),
    },
    'docker/postgres/init-databases.sql': {
      'subgraph databases': subgraphNames.map((name) => `CREATE DATABASE ${subgraphDatabase(name)};`),
    },
  };
}

/**
 * `text` with each named section's lines replaced. A section's markers are comment lines (`#` or
 * `--`, indented as its content is); a section missing from the file, or one the file has that is
 * not generated, is an error rather than a silent skip.
 */
export function replaceSections(file: string, text: string, sections: Record<string, string[]>): string {
  const lines = text.split('\n');
  const found = new Set<string>();
  const output: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const begin = /^\s*(?:#|--) BEGIN generated: (.+?)\s*$/.exec(lines[index]!);
    output.push(lines[index]!);
    if (!begin) continue;
    const section = begin[1]!;
    const content = sections[section];
    if (!content) throw new Error(`${file}: no generated section is called "${section}"`);
    const end = lines.findIndex((line, at) => at > index && new RegExp(`^\\s*(?:#|--) END generated: ${section}\\s*$`).test(line));
    if (end === -1) throw new Error(`${file}: "BEGIN generated: ${section}" has no "END generated: ${section}"`);
    output.push(...content, lines[end]!);
    found.add(section);
    index = end;
  }
  const missing = Object.keys(sections).filter((section) => !found.has(section));
  if (missing.length > 0) throw new Error(`${file}: no "BEGIN generated: …" marker for ${missing.join(', ')}`);
  return output.join('\n');
}

/** Each deployment file as it is committed and as the registry says it should be. */
export function deploymentFiles(): { file: string; committed: string; generated: string }[] {
  const read = (file: string) => readFileSync(path.join(repositoryRoot, file), 'utf8');
  return Object.entries(generatedSections(read)).map(([file, sections]) => {
    const committed = read(file);
    return { file, committed, generated: replaceSections(file, committed, sections) };
  });
}

/** Rewrites the files whose sections are out of date; returns their names. */
export function writeDeploymentFiles(): string[] {
  const changed = deploymentFiles().filter(({ committed, generated }) => committed !== generated);
  for (const { file, generated } of changed) writeFileSync(path.join(repositoryRoot, file), generated);
  return changed.map(({ file }) => file);
}
