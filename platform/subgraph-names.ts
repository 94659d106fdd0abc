/**
 * The subgraph registry: the one place a subgraph is declared (README, "Recipe: add a subgraph").
 * Everything that runs, composes, configures or deploys the subgraphs derives from it:
 * - the order they are started (`npm start`, the replica stack) and composed (`npm run compose`);
 * - their default ports, environment variables (`<NAME>_PORT`, `<NAME>_DATABASE_URL`, the
 *   gateway's `<NAME>_URL`: platform/config.ts) and PostgreSQL schema (the name);
 * - the gateway's list of subgraphs;
 * - the in-process modules of the test graph and the benchmark (subgraphs/index.ts finds
 *   `create<Name>Subgraph` in `subgraphs/<name>/subgraph.ts`);
 * - typed resolvers (codegen.ts reads `schema/<name>.graphql` and `subgraphs/<name>/mappers.ts`);
 * - the deployment files' per-subgraph sections (docker-compose*.yml, docker/haproxy/haproxy.cfg,
 *   docker/postgres/init-databases.sql), which `npm run compose` rewrites from this list.
 *
 * It sits in platform/ because the gateway and the configuration need the names, and platform/
 * may not import subgraph code (tests/import-boundaries.test.ts); the subgraphs are found from
 * here by convention instead. tests/subgraph-registry.test.ts checks every entry has the files.
 */
export const subgraphRegistry = [
  { name: 'members', port: 4001 },
  { name: 'innovations', port: 4002 },
  // Procurement asks innovations about the innovations a buyer shortlists (PROCUREMENT_INNOVATIONS_URL).
  { name: 'procurement', port: 4003, asks: ['innovations'] },
  { name: 'events', port: 4004 },
  // Consumes every other subgraph's domain events (issue 25): inboxes, preferences, email through GOV.UK Notify.
  { name: 'notifications', port: 4005 },
] as const satisfies readonly SubgraphEntry[];

/** One subgraph: how it is named and where it listens unless configured otherwise. */
export interface SubgraphEntry {
  /** Lower-case letters only: the folder, the schema file, the PostgreSQL schema, the service name and (upper-cased) the variables' prefix. */
  name: string;
  /** Default port; the gateway's is 4000, so 4001 upwards. Overridden by `<NAME>_PORT`. */
  port: number;
  /**
   * Subgraphs this one calls directly (not through the gateway), each at the URL in
   * `<NAME>_<OTHER>_URL`; the stack runners and the deployment files point it at that subgraph.
   */
  asks?: readonly string[];
}

export type SubgraphName = (typeof subgraphRegistry)[number]['name'];

/** The subgraphs, in the order they are started and composed. */
export const subgraphNames: readonly SubgraphName[] = subgraphRegistry.map((entry) => entry.name);

/** Default ports: gateway 4000, then one per subgraph. Every one can be overridden. */
export const defaultPorts = {
  gateway: 4000,
  ...Object.fromEntries(subgraphRegistry.map((entry) => [entry.name, entry.port])),
} as Record<SubgraphName | 'gateway', number>;

/** The subgraphs `name` calls directly (its entry's `asks`). */
export function subgraphsAskedBy(name: SubgraphName): readonly SubgraphName[] {
  const entry: SubgraphEntry | undefined = subgraphRegistry.find((candidate) => candidate.name === name);
  return (entry?.asks ?? []) as readonly SubgraphName[];
}

/** `members` → `MEMBERS`: the prefix of every environment variable that belongs to one service. */
export function environmentPrefix(name: SubgraphName | 'gateway'): string {
  return name.toUpperCase();
}

/** Where `name` finds a subgraph it asks: `PROCUREMENT_INNOVATIONS_URL`. */
export function askedUrlVariable(name: SubgraphName, asked: SubgraphName): string {
  return `${environmentPrefix(name)}_${environmentPrefix(asked)}_URL`;
}
