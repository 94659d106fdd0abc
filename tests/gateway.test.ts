import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { SubgraphHttpDataSource } from '../gateway/data-sources';
import { startTestGraph, type TestGraph } from './support/graph-harness';

/**
 * End to end through the gateway over the committed supergraph, every subgraph in-process with the
 * demo data. Asserts the data, which subgraphs the plan touched, and the SQL statements per request,
 * which must not grow with the number of items returned.
 */
let graph: TestGraph;
/** Platform admins see every row, so batching is exercised over the whole demo catalogue. */
let admin: string;

beforeAll(async () => {
  graph = await startTestGraph();
  admin = `Bearer ${await graph.tokenFor(demoPersona('platform-admin').email)}`;
});
afterAll(async () => {
  await graph?.stop();
});

const innovationsWithSupplierAndRoutes = `query ($first: Int!) {
  innovations(first: $first, filter: { statuses: [APPROVED] }) {
    totalCount
    edges { node { id title category supplier { id name kind } availableVia { reference status } } }
  }
}`;

describe('gateway over the composed supergraph', () => {
  it('joins innovations to their supplier (members) and routes (procurement) in a constant number of statements', async () => {
    const small = await graph.execute(innovationsWithSupplierAndRoutes, { first: 5 });
    const large = await graph.execute(innovationsWithSupplierAndRoutes, { first: 60 });
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.data?.innovations.edges).toHaveLength(60);
    for (const { node } of large.data?.innovations.edges ?? []) {
      expect(node.supplier.kind).toBe('SUPPLIER');
      expect(node.supplier.name).toEqual(expect.any(String));
      for (const route of node.availableVia) expect(route.status).toBe('LIVE');
    }
    expect(large.data?.innovations.edges.some((e: any) => e.node.availableVia.length > 0)).toBe(true);
    expect(graph.lastPlan.sort()).toEqual(['innovations', 'members', 'procurement']);
    expect(large.statements).toBe(small.statements);
  });

  it('goes from organisations (members) to their innovations and on to routes, batched per level', async () => {
    const query = `query ($first: Int!) {
      organisations(first: $first, filter: { kinds: [SUPPLIER] }) {
        edges { node { name innovations(first: 3) { totalCount edges { node { title availableVia { reference } } } } } }
      }
    }`;
    const few = await graph.execute(query, { first: 2 }, admin);
    const many = await graph.execute(query, { first: 14 }, admin);
    expect(many.errors).toBeUndefined();
    const suppliers = many.data?.organisations.edges ?? [];
    expect(suppliers.length).toBeGreaterThanOrEqual(10);
    expect(suppliers.every((e: any) => e.node.innovations.totalCount > 0)).toBe(true);
    expect(many.statements).toBe(few.statements);
  });

  it('joins events to their hosts (members) and related routes (procurement)', async () => {
    const query = `query ($first: Int!) {
      events(first: $first) { totalCount edges { node { title startsAt hosts { name } relatedRoutes { reference name } } } }
    }`;
    const many = await graph.execute(query, { first: 25 }, admin);
    const all = await graph.execute(query, { first: 100 }, admin);
    expect(all.errors).toBeUndefined();
    const events = all.data?.events.edges ?? [];
    expect(events.length).toBeGreaterThan(25);
    expect(events.every((e: any) => e.node.hosts.length > 0)).toBe(true);
    expect(events.some((e: any) => e.node.relatedRoutes.some((r: any) => r.reference === 'RM6301'))).toBe(true);
    expect(graph.lastPlan.sort()).toEqual(['events', 'members', 'procurement']);
    // events: page, count, hosts, routes; members: organisations; procurement: routes.
    expect(all.statements).toBe(6);
    expect(many.statements).toBe(6);
  });

  it('fetches only from the subgraph a query needs', async () => {
    const { data, errors } = await graph.execute(`query ($id: ID!) { organisation(id: $id) { name } }`, {
      id: demoOrganisation('gwynedd').id,
    });
    expect(errors).toBeUndefined();
    expect(data?.organisation.name).toBe('Gwynedd Council');
    expect(graph.lastPlan).toEqual(['members']);
  });

  it('passes bad input back as BAD_USER_INPUT, with no SQL run and nothing internal in the message', async () => {
    for (const query of [
      `{ innovation(id: "not-a-uuid") { title } }`,
      `{ innovations(first: 500) { totalCount } }`,
      `{ innovations(filter: { trlAtLeast: 12 }) { totalCount } }`,
      `{ organisations(after: "bogus") { totalCount } }`,
    ]) {
      const { errors, statements } = await graph.execute(query);
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(errors)).not.toMatch(/stacktrace|SELECT|postgres/i);
      expect(statements).toBe(0);
    }
  });
});

describe('gateway with a subgraph down', () => {
  let degraded: TestGraph;
  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens, so every fetch to procurement fails fast.
    degraded = await startTestGraph({
      overrideDataSource: (name) =>
        name === 'procurement'
          ? new SubgraphHttpDataSource(name, 'http://127.0.0.1:9/graphql', 2_000, 'unused-secret-of-at-least-32-characters')
          : undefined,
    });
  });
  afterAll(async () => {
    await degraded?.stop();
  });

  it('still answers from the other subgraphs, with SERVICE_UNAVAILABLE for the missing part', async () => {
    const { data, errors } = await degraded.execute(`{
      innovations(first: 3) { edges { node { title supplier { name } availableVia { reference } } } }
    }`);
    expect(data?.innovations.edges).toHaveLength(3);
    expect(data?.innovations.edges[0].node.supplier.name).toEqual(expect.any(String));
    expect(data?.innovations.edges.map((e: any) => e.node.availableVia)).toEqual([null, null, null]);
    expect(errors?.map((e) => e.extensions?.code)).toContain('SERVICE_UNAVAILABLE');
    expect(errors?.[0]?.message).toMatch(/procurement service is unavailable/);
    const members = await degraded.execute(`{ organisations(first: 1) { totalCount } }`);
    expect(members.errors).toBeUndefined();
  });
});
