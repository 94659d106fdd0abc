/** The four subgraphs, in the order they are started and composed. */
export const subgraphNames = ['members', 'innovations', 'procurement', 'events'] as const;
export type SubgraphName = (typeof subgraphNames)[number];

/** Default ports: gateway 4000, then one per subgraph. Every one can be overridden. */
export const defaultPorts: Record<SubgraphName | 'gateway', number> = {
  gateway: 4000,
  members: 4001,
  innovations: 4002,
  procurement: 4003,
  events: 4004,
};

/** `members` → `MEMBERS`: the prefix of every environment variable that belongs to one service. */
export function environmentPrefix(name: SubgraphName | 'gateway'): string {
  return name.toUpperCase();
}
