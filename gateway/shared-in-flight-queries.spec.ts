import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Identity } from '../platform/identity';
import { cacheGenerationPlugin, InMemoryCacheGeneration } from './cache-generation';
import type { GatewayContext } from './data-sources';
import { sharedInFlightQueriesPlugin } from './shared-in-flight-queries';

const person = (personId: string): Identity => ({
  personId,
  email: `${personId}@council.example`,
  organisationId: '00000000-0000-4000-8000-000000000002',
  organisationKind: 'COUNTY_COUNCIL',
  membershipStatus: 'ACTIVE',
  organisationRoles: ['BUYER'],
  platformRoles: [],
});

/**
 * A schema whose resolvers wait until released and count their runs, so a test can hold several
 * requests in flight at once and see how many were executed.
 */
function heldServer() {
  let runs = 0;
  let failing = false;
  /** What the catalogue says; `publish` changes it without waiting. */
  let catalogue = 'draft';
  let release!: () => void;
  let held = new Promise<void>((resolve) => (release = resolve));
  const server = new ApolloServer<GatewayContext>({
    typeDefs: `type Query { dashboard(page: Int): String! catalogue: String! } type Mutation { write: Int! publish: String! }`,
    resolvers: {
      Query: {
        dashboard: async (_parent, _args, context: GatewayContext) => {
          runs += 1;
          await held;
          if (failing) throw new GraphQLError('members is down', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
          return `for ${context.viewer?.personId ?? 'anonymous'}`;
        },
        // Reads the catalogue when called, then waits: an answer begun before a write holds the old state.
        catalogue: async () => {
          runs += 1;
          const seen = catalogue;
          await held;
          return seen;
        },
      },
      Mutation: {
        write: async () => {
          runs += 1;
          await held;
          return runs;
        },
        publish: () => (catalogue = 'published'),
      },
    },
    // As the gateway installs it: with the plugin that keeps the cache generation.
    plugins: [cacheGenerationPlugin(new InMemoryCacheGeneration()), sharedInFlightQueriesPlugin()],
  });
  const execute = (query: string, viewer: Identity, variables?: Record<string, unknown>, operationName?: string) =>
    server.executeOperation(
      { query, ...(variables ? { variables } : {}), ...(operationName ? { operationName } : {}) },
      { contextValue: { viewer } },
    );
  const ask = (query: string, viewer: Identity, variables?: Record<string, unknown>) =>
    execute(query, viewer, variables).then((response) => (response.body.kind === 'single' ? response.body.singleResult : undefined));
  return {
    server,
    ask,
    execute,
    runs: () => runs,
    failing: () => (failing = true),
    /** Lets the held resolvers finish (after the requests have reached them). */
    release: async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      release();
      held = new Promise<void>((resolve) => (release = resolve));
    },
  };
}

describe('sharedInFlightQueriesPlugin', () => {
  it('executes identical queries of one caller in flight at once only once, and gives each the answer', async () => {
    const graph = heldServer();
    await graph.server.start();
    const kent = person('kent');
    const answers = Promise.all([1, 2, 3].map(() => graph.ask('{ dashboard }', kent)));
    await graph.release();
    expect(await answers).toEqual([1, 2, 3].map(() => ({ data: { dashboard: 'for kent' } })));
    expect(graph.runs()).toBe(1);
    // Nothing is kept: the next request runs again.
    const again = graph.ask('{ dashboard }', kent);
    await graph.release();
    await again;
    expect(graph.runs()).toBe(2);
    await graph.server.stop();
  });

  it('never shares between callers, variables or operations', async () => {
    const graph = heldServer();
    await graph.server.start();
    const query = 'query Dashboard($page: Int) { dashboard(page: $page) }';
    const answers = Promise.all([
      graph.ask(query, person('kent'), { page: 1 }),
      graph.ask(query, person('surrey'), { page: 1 }),
      graph.ask(query, null, { page: 1 }),
      graph.ask(query, person('kent'), { page: 2 }),
      graph.ask('{ dashboard }', person('kent')),
    ]);
    await graph.release();
    expect((await answers).map((answer) => answer?.data?.dashboard)).toEqual([
      'for kent',
      'for surrey',
      'for anonymous',
      'for kent',
      'for kent',
    ]);
    expect(graph.runs()).toBe(5);
    await graph.server.stop();
  });

  it('never shares mutations', async () => {
    const graph = heldServer();
    await graph.server.start();
    const writes = Promise.all([1, 2].map(() => graph.ask('mutation { write }', person('kent'))));
    await graph.release();
    await writes;
    expect(graph.runs()).toBe(2);
    await graph.server.stop();
  });

  it('lets each waiting request run on its own when the first one met errors', async () => {
    const graph = heldServer();
    await graph.server.start();
    graph.failing();
    const answers = Promise.all([1, 2].map(() => graph.ask('{ dashboard }', person('kent'))));
    await graph.release();
    await graph.release();
    const [first, second] = await answers;
    expect(first?.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(second?.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(graph.runs()).toBe(2);
    await graph.server.stop();
  });
  it('never lets a request that starts after a write join a flight begun before it (issue 22)', async () => {
    const graph = heldServer();
    await graph.server.start();
    // An anonymous read starts and holds the catalogue as it was.
    const before = graph.ask('{ catalogue }', null);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // A write is applied and answered while that read is still in flight.
    expect(await graph.ask('mutation { publish }', person('kent'))).toEqual({ data: { publish: 'published' } });
    // The same read, started after the write's answer: it must see the write, not join the old flight.
    const after = graph.ask('{ catalogue }', null);
    await graph.release();
    expect(await before).toEqual({ data: { catalogue: 'draft' } });
    expect(await after).toEqual({ data: { catalogue: 'published' } });
    expect(graph.runs()).toBe(2);
    await graph.server.stop();
  });

  it('still shares between requests that start after the same write', async () => {
    const graph = heldServer();
    await graph.server.start();
    await graph.ask('mutation { publish }', person('kent'));
    const answers = Promise.all([graph.ask('{ catalogue }', null), graph.ask('{ catalogue }', null)]);
    await graph.release();
    expect(await answers).toEqual([{ data: { catalogue: 'published' } }, { data: { catalogue: 'published' } }]);
    expect(graph.runs()).toBe(1);
    await graph.server.stop();
  });

  it('answers an operationName the document lacks with 400, never 500 (issue 22)', async () => {
    const graph = heldServer();
    await graph.server.start();
    const response = await graph.execute('query A { catalogue }', null, undefined, 'B');
    expect(response.http.status).toBe(400);
    expect(response.body.kind === 'single' && response.body.singleResult.errors?.[0]?.extensions?.code).toBe(
      'OPERATION_RESOLUTION_FAILURE',
    );
    await graph.server.stop();
  });
});
