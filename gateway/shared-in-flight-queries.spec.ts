import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError } from 'graphql';
import type { Identity } from '../platform/identity';
import { cacheGenerationPlugin, InMemoryCacheGeneration } from './cache-generation';
import type { GatewayContext } from './data-sources';
import { sharedInFlightQueriesFastPath, sharedInFlightQueriesPlugin } from './shared-in-flight-queries';

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
function heldServer(generation = new InMemoryCacheGeneration()) {
  let runs = 0;
  /** Requests Apollo's pipeline saw: those answered in front of it never reach it. */
  let pipelines = 0;
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
    plugins: [
      cacheGenerationPlugin(generation),
      sharedInFlightQueriesPlugin(),
      {
        async requestDidStart() {
          pipelines += 1;
        },
      },
    ],
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
    pipelines: () => pipelines,
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

/**
 * The held schema behind the gateway's express layer: the raw body kept as the gateway keeps it,
 * the caller (an `x-person` header here, sign-in in the gateway) in `response.locals.viewer`, then
 * the fast path, then Apollo.
 */
async function heldHttpServer() {
  const generation = new InMemoryCacheGeneration();
  const graph = heldServer(generation);
  await graph.server.start();
  const app = express();
  let arrived = 0;
  app.use(
    '/graphql',
    (_request, _response, next) => {
      arrived += 1;
      next();
    },
    express.json({ verify: (request, _response, body) => ((request as unknown as { rawBody: Buffer }).rawBody = body) }),
    (request, response, next) => {
      const personId = request.get('x-person');
      response.locals.viewer = personId ? person(personId) : null;
      next();
    },
    sharedInFlightQueriesFastPath({ generation, mayShare: () => true, exposeStatementCount: false }),
    expressMiddleware(graph.server, { context: async ({ res }) => ({ viewer: res.locals.viewer as Identity }) }),
  );
  const listening = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listening.once('listening', resolve));
  const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/graphql`;
  const post = async (query: string, personId?: string, variables?: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(personId ? { 'x-person': personId } : {}) },
      body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
    });
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as unknown };
  };
  return {
    ...graph,
    post,
    /** Waits until `count` requests have reached the gateway's layer. */
    async arrived(count: number) {
      for (let waited = 0; arrived < count && waited < 10_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    },
    /** As the held server's, after longer: requests over HTTP take a little while to reach the resolvers. */
    async release() {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await graph.release();
    },
    async stop() {
      await new Promise((resolve) => listening.close(resolve));
      await graph.server.stop();
    },
  };
}

describe('sharedInFlightQueriesFastPath', () => {
  it('answers identical requests of one caller in flight with the answer of the first, in front of Apollo', async () => {
    const graph = await heldHttpServer();
    try {
      const answers = Promise.all([1, 2, 3].map(() => graph.post('{ dashboard }', 'kent')));
      await graph.arrived(3);
      await graph.release();
      expect(await answers).toEqual(
        [1, 2, 3].map(() => ({ status: 200, type: 'application/json; charset=utf-8', body: { data: { dashboard: 'for kent' } } })),
      );
      expect(graph.runs()).toBe(1);
      // The two that waited never went through Apollo's pipeline.
      expect(graph.pipelines()).toBe(1);
      // Nothing is kept: the next request runs again.
      const again = graph.post('{ dashboard }', 'kent');
      await graph.release();
      await again;
      expect(graph.runs()).toBe(2);
    } finally {
      await graph.stop();
    }
  });

  it('never shares between callers or variables', async () => {
    const graph = await heldHttpServer();
    try {
      const query = 'query Dashboard($page: Int) { dashboard(page: $page) }';
      const answers = Promise.all([
        graph.post(query, 'kent', { page: 1 }),
        graph.post(query, 'surrey', { page: 1 }),
        graph.post(query, undefined, { page: 1 }),
        graph.post(query, 'kent', { page: 2 }),
      ]);
      await graph.release();
      expect((await answers).map((answer) => (answer.body as { data: { dashboard: string } }).data.dashboard)).toEqual([
        'for kent',
        'for surrey',
        'for anonymous',
        'for kent',
      ]);
      expect(graph.runs()).toBe(4);
    } finally {
      await graph.stop();
    }
  });

  it('runs every mutation, and each request after an answer with errors, through Apollo', async () => {
    const graph = await heldHttpServer();
    try {
      const writes = Promise.all([1, 2].map(() => graph.post('mutation { write }', 'kent')));
      await graph.release();
      await graph.release();
      expect((await writes).map((answer) => answer.body)).toEqual([{ data: { write: 1 } }, { data: { write: 2 } }]);
      expect(graph.runs()).toBe(2);

      graph.failing();
      const answers = Promise.all([1, 2].map(() => graph.post('{ dashboard }', 'kent')));
      await graph.release();
      await graph.release();
      for (const answer of await answers) {
        expect((answer.body as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('SERVICE_UNAVAILABLE');
      }
      expect(graph.runs()).toBe(4);
      expect(graph.pipelines()).toBe(4);
    } finally {
      await graph.stop();
    }
  });

  it('never lets a request that starts after a write join a flight begun before it', async () => {
    const graph = await heldHttpServer();
    try {
      const before = graph.post('{ catalogue }');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await graph.post('mutation { publish }', 'kent')).body).toEqual({ data: { publish: 'published' } });
      const after = graph.post('{ catalogue }');
      await graph.release();
      expect((await before).body).toEqual({ data: { catalogue: 'draft' } });
      expect((await after).body).toEqual({ data: { catalogue: 'published' } });
      expect(graph.runs()).toBe(2);
    } finally {
      await graph.stop();
    }
  });
});
