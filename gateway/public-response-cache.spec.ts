import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { Identity } from '../platform/identity';
import { cacheGenerationPlugin, InMemoryCacheGeneration } from './cache-generation';
import type { GatewayContext } from './data-sources';
import { publicResponseCachePlugin, type PublicResponseCacheOptions } from './public-response-cache';

/** The cache as the gateway installs it: with the plugin that keeps its generation. */
function cachePlugins(options: PublicResponseCacheOptions, generation = new InMemoryCacheGeneration()) {
  return [cacheGenerationPlugin(generation), publicResponseCachePlugin({ ...options, generation })];
}

/**
 * The cache in front of a tiny schema whose resolvers count how often they run, so a test can tell
 * an answer computed from one served from the cache.
 */
function cachedServer(ttlSeconds = 10, maxBytes = 1024 * 1024) {
  let clock = 1_000_000;
  let executions = 0;
  let failNext = false;
  const lookups: string[] = [];
  const server = new ApolloServer<GatewayContext>({
    typeDefs: `type Query { count(of: String): String! } type Mutation { write: Boolean! refuse: Boolean! fail: Boolean! written: Written! decline: Declined! } type Written { ok: Boolean! detail: String! } type Declined { done: Boolean refusal: Refused } type Refused { code: String! }`,
    resolvers: {
      Query: {
        count: (_parent, args: { of?: string }) => {
          executions += 1;
          if (failNext) {
            failNext = false;
            throw new GraphQLError('a subgraph was down', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
          }
          return `${args.of ?? 'catalogue'} #${executions}`;
        },
      },
      Mutation: {
        write: () => true,
        // A refusal rolls its transaction back: nothing was written.
        refuse: () => {
          throw new GraphQLError('You may not do that.', { extensions: { code: 'FORBIDDEN' } });
        },
        // An unexpected failure: whether anything was written is unknown.
        fail: () => {
          throw new Error('the database went away mid-commit');
        },
        // Written, then reading the answer back failed.
        written: () => ({ ok: true, detail: null }),
        // An expected refusal, answered in the payload (schema/refusals.graphql): rolled back too.
        decline: () => ({ done: null, refusal: { code: 'CONFLICT' } }),
      },
    },
    plugins: cachePlugins({ ttlSeconds, maxBytes, now: () => clock, onLookup: (o) => lookups.push(o) }),
  });
  const ask = async (query: string, viewer: Identity = null, variables?: Record<string, unknown>, operationName?: string) => {
    const response = await server.executeOperation(
      { query, ...(variables ? { variables } : {}), ...(operationName ? { operationName } : {}) },
      { contextValue: { viewer } },
    );
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { result: response.body.singleResult, headers: response.http.headers, status: response.http.status };
  };
  return {
    server,
    ask,
    lookups,
    executions: () => executions,
    advance: (ms: number) => (clock += ms),
    failNextExecution: () => (failNext = true),
  };
}

const buyer: Identity = {
  personId: '00000000-0000-4000-8000-000000000001',
  email: 'buyer@council.example',
  organisationId: '00000000-0000-4000-8000-000000000002',
  organisationKind: 'COUNTY_COUNCIL',
  membershipStatus: 'ACTIVE',
  organisationRoles: ['BUYER'],
  platformRoles: [],
};

describe('publicResponseCachePlugin', () => {
  it('answers a repeated anonymous query from the cache, with a public max-age that counts down', async () => {
    const graph = cachedServer(10);
    await graph.server.start();
    const first = await graph.ask('{ count }');
    expect(first.result.data).toEqual({ count: 'catalogue #1' });
    expect(first.headers.get('cache-control')).toBe('public, max-age=10');
    expect(first.headers.get('vary')).toBe('authorization');
    graph.advance(4_000);
    const second = await graph.ask('{ count }');
    expect(second.result.data).toEqual({ count: 'catalogue #1' });
    expect(second.headers.get('cache-control')).toBe('public, max-age=6');
    expect(graph.executions()).toBe(1);
    expect(graph.lookups).toEqual(['miss', 'hit']);
    await graph.server.stop();
  });

  it('computes the answer again once the time to live has passed', async () => {
    const graph = cachedServer(10);
    await graph.server.start();
    await graph.ask('{ count }');
    graph.advance(10_000);
    expect((await graph.ask('{ count }')).result.data).toEqual({ count: 'catalogue #2' });
    await graph.server.stop();
  });

  it('keeps answers apart by variables and operation', async () => {
    const graph = cachedServer();
    await graph.server.start();
    const query = 'query Count($of: String) { count(of: $of) }';
    expect((await graph.ask(query, null, { of: 'lighting' })).result.data).toEqual({ count: 'lighting #1' });
    expect((await graph.ask(query, null, { of: 'drainage' })).result.data).toEqual({ count: 'drainage #2' });
    expect((await graph.ask(query, null, { of: 'lighting' })).result.data).toEqual({ count: 'lighting #1' });
    expect((await graph.ask('{ other: count }')).result.data).toEqual({ other: 'catalogue #3' });
    await graph.server.stop();
  });

  it('never keeps or serves a signed-in caller’s answer', async () => {
    const graph = cachedServer();
    await graph.server.start();
    await graph.ask('{ count }');
    const signedIn = await graph.ask('{ count }', buyer);
    expect(signedIn.result.data).toEqual({ count: 'catalogue #2' });
    expect(String(signedIn.headers.get('cache-control'))).not.toContain('public');
    expect((await graph.ask('{ count }', buyer)).result.data).toEqual({ count: 'catalogue #3' });
    // The anonymous answer is still the first one: the signed-in answers were not stored.
    expect((await graph.ask('{ count }')).result.data).toEqual({ count: 'catalogue #1' });
    await graph.server.stop();
  });

  it('does not keep an answer with errors', async () => {
    const graph = cachedServer();
    await graph.server.start();
    graph.failNextExecution();
    const failed = await graph.ask('{ count }');
    expect(failed.result.errors).toHaveLength(1);
    expect(String(failed.headers.get('cache-control'))).not.toContain('public');
    expect((await graph.ask('{ count }')).result.data).toEqual({ count: 'catalogue #2' });
    await graph.server.stop();
  });

  it('empties the cache when a mutation has been answered, so the next read sees the write', async () => {
    const graph = cachedServer();
    await graph.server.start();
    await graph.ask('{ count }');
    await graph.ask('mutation { write }', buyer);
    expect((await graph.ask('{ count }')).result.data).toEqual({ count: 'catalogue #2' });
    await graph.server.stop();
  });

  it('does not store an answer computed while a mutation was answered', async () => {
    const graph = cachedServer();
    await graph.server.start();
    // The read starts, a mutation completes before the read is sent: what the read computed may
    // predate the write, so it is sent but not kept.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slowServer = new ApolloServer<GatewayContext>({
      typeDefs: `type Query { count: Int! } type Mutation { write: Boolean! }`,
      resolvers: {
        Query: { count: async () => (await held, graph.executions()) },
        Mutation: { write: () => true },
      },
      plugins: cachePlugins({ ttlSeconds: 10, maxBytes: 1024 * 1024, onLookup: (o) => graph.lookups.push(o) }),
    });
    await slowServer.start();
    const read = slowServer.executeOperation({ query: '{ count }' }, { contextValue: { viewer: null } });
    await slowServer.executeOperation({ query: 'mutation { write }' }, { contextValue: { viewer: buyer } });
    release();
    const answered = await read;
    expect(String(answered.http.headers.get('cache-control'))).not.toContain('public');
    await slowServer.executeOperation({ query: '{ count }' }, { contextValue: { viewer: null } });
    expect(graph.lookups.slice(-2)).toEqual(['miss', 'miss']);
    await slowServer.stop();
    await graph.server.stop();
  });
  it('keeps the cache when a mutation was refused: it wrote nothing (issue 22)', async () => {
    const graph = cachedServer();
    await graph.server.start();
    await graph.ask('{ count }');
    // An anonymous caller's mutation, refused: before, any mutation emptied the cache, so anyone
    // could keep it empty.
    const refused = await graph.ask('mutation { refuse }');
    expect(refused.result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.result.data).toBeNull();
    // Refused before it ran (a validation error): nothing written either.
    expect((await graph.ask('mutation { nonsense }')).result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await graph.ask('{ count }')).result.data).toEqual({ count: 'catalogue #1' });
    expect(graph.lookups).toEqual(['miss', 'hit']);
    await graph.server.stop();
  });

  it("keeps the cache when a mutation's payload says it was refused, and only if the refusal was read", async () => {
    const graph = cachedServer();
    await graph.server.start();
    await graph.ask('{ count }');
    expect((await graph.ask('mutation { decline { done refusal { code } } }', buyer)).result.data).toEqual({
      decline: { done: null, refusal: { code: 'CONFLICT' } },
    });
    expect((await graph.ask('{ count }')).result.data).toEqual({ count: 'catalogue #1' });
    // Without its `refusal` the answer cannot say nothing was written: the cache is emptied.
    await graph.ask('mutation { decline { done } }', buyer);
    expect((await graph.ask('{ count }')).result.data).toEqual({ count: 'catalogue #2' });
    await graph.server.stop();
  });

  it('empties the cache when a mutation may have written something, even with errors', async () => {
    const graph = cachedServer();
    await graph.server.start();
    const cases = [
      // Partly applied: the first field wrote, the second was refused.
      'mutation { first: write second: refuse }',
      // Unknown failure: it may have committed.
      'mutation { fail }',
      // Written, then the answer could not be read back.
      'mutation { written { ok detail } }',
    ];
    let computed = 1;
    await graph.ask('{ count }');
    for (const mutation of cases) {
      const answer = await graph.ask(mutation, buyer);
      expect(answer.result.errors?.length).toBeGreaterThan(0);
      computed += 1;
      expect((await graph.ask('{ count }')).result.data).toEqual({ count: `catalogue #${computed}` });
    }
    await graph.server.stop();
  });

  it('answers an operationName the document lacks with 400, never 500 (issue 22)', async () => {
    const graph = cachedServer();
    await graph.server.start();
    const answer = await graph.ask('query A { count }', null, undefined, 'B');
    expect(answer.status).toBe(400);
    expect(answer.result.errors?.[0]?.extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
    await graph.server.stop();
  });

  it('counts what it keeps in bytes with an allowance per answer, so tiny answers are bounded too', async () => {
    // 16 KB: each tiny answer counts its ~30 bytes plus the allowance, so only some 60 fit (before,
    // only the JSON characters were counted and all 200 stayed).
    const graph = cachedServer(10, 16 * 1024);
    await graph.server.start();
    const query = 'query Count($of: String) { count(of: $of) }';
    for (let i = 0; i < 200; i += 1) await graph.ask(query, null, { of: `item ${i}` });
    expect((await graph.ask(query, null, { of: 'item 199' })).result.data).toEqual({ count: 'item 199 #200' });
    // The oldest answers were let go to keep within the limit.
    expect((await graph.ask(query, null, { of: 'item 0' })).result.data).toEqual({ count: 'item 0 #201' });
    expect(graph.lookups.slice(-2)).toEqual(['hit', 'miss']);
    await graph.server.stop();
  });

  it('serves a kept answer as a copy: a caller changing its answer does not change the next one', async () => {
    const graph = cachedServer();
    await graph.server.start();
    await graph.ask('{ count }');
    const hit = await graph.ask('{ count }');
    (hit.result.data as { count: string }).count = 'tampered';
    expect((await graph.ask('{ count }')).result.data).toEqual({ count: 'catalogue #1' });
    await graph.server.stop();
  });
  it('never serves an answer of an older generation, however the generation moved on (another replica’s write)', async () => {
    const generation = new InMemoryCacheGeneration();
    let executions = 0;
    const server = new ApolloServer<GatewayContext>({
      typeDefs: `type Query { count: Int! }`,
      resolvers: { Query: { count: () => (executions += 1) } },
      plugins: cachePlugins({ ttlSeconds: 10, maxBytes: 1024 * 1024 }, generation),
    });
    await server.start();
    const ask = async () => {
      const response = await server.executeOperation({ query: '{ count }' }, { contextValue: { viewer: null } });
      return response.body.kind === 'single' ? response.body.singleResult.data : undefined;
    };
    expect(await ask()).toEqual({ count: 1 });
    expect(await ask()).toEqual({ count: 1 });
    // A write elsewhere moves the shared generation on; no mutation passed through this plugin.
    await generation.advance();
    expect(await ask()).toEqual({ count: 2 });
    expect(await ask()).toEqual({ count: 2 });
    await server.stop();
  });
});
