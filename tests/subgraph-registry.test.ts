import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repositoryRoot } from '../platform/paths';
import { defaultPorts, subgraphNames, subgraphRegistry, subgraphsAskedBy, type SubgraphEntry } from '../platform/subgraph-names';
import { subgraphFactoryName, subgraphModules } from '../subgraphs';

/**
 * The subgraph registry (platform/subgraph-names.ts) is the one place a subgraph is declared, and
 * everything else finds the subgraph from it by convention (README, "Recipe: add a subgraph"). This
 * holds the registry and the folders to that convention, so a newcomer who misses a file reads
 * which one here rather than in a failure three layers down.
 */

const pascal = (name: string) => `${name[0]!.toUpperCase()}${name.slice(1)}`;
const read = (file: string) => readFileSync(path.join(repositoryRoot, file), 'utf8');

describe('the subgraph registry', () => {
  test('names are distinct and lower-case letters only (a folder, a PostgreSQL schema, a variable prefix)', () => {
    for (const name of subgraphNames) expect(name).toMatch(/^[a-z]+$/);
    expect(new Set(subgraphNames).size).toBe(subgraphNames.length);
  });

  test('default ports are distinct, and none is the gateway’s', () => {
    const ports = Object.values(defaultPorts);
    expect(new Set(ports).size).toBe(ports.length);
    for (const entry of subgraphRegistry) expect(entry.port).toBeGreaterThan(defaultPorts.gateway);
  });

  test('a subgraph asks only registered subgraphs, never itself', () => {
    for (const entry of subgraphRegistry as readonly SubgraphEntry[]) {
      for (const asked of entry.asks ?? []) {
        expect({ subgraph: entry.name, asks: asked, registered: (subgraphNames as readonly string[]).includes(asked) }).toEqual({
          subgraph: entry.name,
          asks: asked,
          registered: true,
        });
        expect(asked).not.toBe(entry.name);
      }
    }
    expect(subgraphsAskedBy('procurement')).toEqual(['innovations']);
  });

  test('every folder under subgraphs/ is registered', () => {
    const folders = readdirSync(path.join(repositoryRoot, 'subgraphs'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect([...folders].sort()).toEqual([...subgraphNames].sort());
  });

  describe.each(subgraphNames.map((name) => [name]))('%s', (name) => {
    test('has the standard shape: its schema, and the files the build, the runner and codegen look for', () => {
      const files = [
        `schema/${name}.graphql`,
        `subgraphs/${name}/main.ts`,
        `subgraphs/${name}/subgraph.ts`,
        `subgraphs/${name}/context.ts`,
        `subgraphs/${name}/mappers.ts`,
        `subgraphs/${name}/policy.ts`,
        `subgraphs/${name}/seed.ts`,
        `subgraphs/${name}/README.md`,
        `subgraphs/${name}/entities/index.ts`,
        `subgraphs/${name}/migrations/index.ts`,
        `subgraphs/${name}/resolvers/index.ts`,
        `subgraphs/${name}/loaders/index.ts`,
      ];
      expect(files.filter((file) => !existsSync(path.join(repositoryRoot, file)))).toEqual([]);
    });

    test(`main.ts runs it under its own name, and context.ts exports ${'<Name>'}Context for codegen`, () => {
      const main = read(`subgraphs/${name}/main.ts`);
      expect(main).toContain(`startTracing('${name}'`);
      expect(main).toContain(`loadSubgraphConfig('${name}'`);
      expect(read(`subgraphs/${name}/context.ts`)).toMatch(new RegExp(`export (interface|type) ${pascal(name)}Context\\b`));
    });

    test(`subgraph.ts exports its factory, and the module it builds carries its name`, () => {
      expect(subgraphFactoryName(name)).toBe(`create${pascal(name)}Subgraph`);
      expect(subgraphModules[name].name).toBe(name);
    });
  });
});
