import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError } from 'graphql';
import type { Identity } from '../platform/identity';
import { noteContents } from './answer-contents';
import { cacheGenerationPlugin, InMemoryCacheGeneration } from './cache-generation';
import type { GatewayContext } from './data-sources';
import { PublicResponseCache, publicResponseCachePlugin, type PublicResponseCacheOptions } from './public-response-cache';

/** The cache as the gateway installs it: with the plugin that keeps its generation. */
function cachePlugins(options: PublicResponseCacheOptions, generation = new InMemoryCacheGeneration()) {
  return [cacheGenerationPlugin(generation), publicResponseCachePlugin({ ...options, generation })];
}

/**
 * What a subgraph fetch would report (platform/entity-tags.ts), said by a resolver of the tiny
 * schemas below: the gateway collects it only while the request wants it (gateway/answer-contents.ts).
 */
function report(context: GatewayContext, tags: string[] | undefined): void {
  if (context.contents) noteContents(context.contents, tags);
}

/**
 * The cache in front of a tiny schema whose resolvers count how often they run, so a test can tell
 * an answer computed from one served from the cache. `count(of)` contains the entity `Count:<of>`;
 * `change(of)` writes it; `silent` cannot say what it contains; `write` cannot say what it changed.
 */
function cachedServer(ttlSeconds = 10, maxBytes = 1024 * 1024) {
  let clock = 1_000_000;
  let executions = 0;
  let failNext = false;
  const lookups: string[] = [];
  const server = new ApolloServer<GatewayContext>({
    typeDefs: `type Query { count(of: String): String! silent: Int! } type Mutation { change(of: String!): Boolean! write: Boolean! refuse: Boolean! fail: Boolean! written: Written! decline: Declined! } type Written { ok: Boolean! detail: String! } type Declined { done: Boolean refusal: Refused } type Refused { code: String! }`,
    resolvers: {
      Query: {
        count: (_parent, args: { of?: string }, context: GatewayContext) => {
          executions += 1;
          report(context, [`Count:${args.of ?? 'catalogue'}`]);
          if (failNext) {
            failNext = false;
            throw new GraphQLError('a subgraph was down', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
          }
          return `${args.of ?? 'catalogue'} #${executions}`;
        },
        // From a subgraph that does not report what its answer contains.
        silent: (_parent: unknown, _args: unknown, context: GatewayContext) => {
          if (context.contents) noteContents(context.contents, undefined);
          return (executions += 1);
        },
      },
      Mutation: {
        change: (_parent, args: { of: string }, context: GatewayContext) => {
          report(context, [`Count:${args.of}`]);
          return true;
        },
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
        Query: {
          count: async (_parent: unknown, _args: unknown, context: GatewayContext) => {
            report(context, ['Count:catalogue']);
            return (await held, graph.executions());
          },
        },
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
      resolvers: {
        Query: {
          count: (_parent: unknown, _args: unknown, context: GatewayContext) => {
            report(context, ['Count:catalogue']);
            return (executions += 1);
          },
        },
      },
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
  it('keeps an answer through a write that changed nothing in it, and drops it when a write changes it (issue 27)', async () => {
    const graph = cachedServer();
    await graph.server.start();
    const query = 'query Count($of: String) { count(of: $of) }';
    await graph.ask(query, null, { of: 'lighting' });
    await graph.ask(query, null, { of: 'drainage' });
    // Drainage changed: the lighting answer does not contain it and stays.
    expect((await graph.ask('mutation { change(of: "drainage") }', buyer)).result.data).toEqual({ change: true });
    expect((await graph.ask(query, null, { of: 'lighting' })).result.data).toEqual({ count: 'lighting #1' });
    expect((await graph.ask(query, null, { of: 'drainage' })).result.data).toEqual({ count: 'drainage #3' });
    // Lighting changed: its answer is gone before the mutation's response is back.
    await graph.ask('mutation { change(of: "lighting") }', buyer);
    expect((await graph.ask(query, null, { of: 'lighting' })).result.data).toEqual({ count: 'lighting #4' });
    expect((await graph.ask(query, null, { of: 'drainage' })).result.data).toEqual({ count: 'drainage #3' });
    expect(graph.lookups).toEqual(['miss', 'miss', 'hit', 'miss', 'miss', 'hit']);
    await graph.server.stop();
  });

  it('does not keep an answer that cannot say what it contains', async () => {
    const graph = cachedServer();
    await graph.server.start();
    expect((await graph.ask('{ silent }')).result.data).toEqual({ silent: 1 });
    const again = await graph.ask('{ silent }');
    expect(again.result.data).toEqual({ silent: 2 });
    expect(String(again.headers.get('cache-control'))).not.toContain('public');
    // Nor one that is partly silent.
    await graph.ask('{ silent count }');
    expect((await graph.ask('{ silent count }')).result.data).toEqual({ silent: 5, count: 'catalogue #6' });
    await graph.server.stop();
  });

  it('stores an answer computed while an unrelated write was answered, not one computed while a related one was', async () => {
    const generation = new InMemoryCacheGeneration();
    let release!: () => void;
    let held = new Promise<void>((resolve) => (release = resolve));
    let executions = 0;
    const lookups: string[] = [];
    const server = new ApolloServer<GatewayContext>({
      typeDefs: `type Query { count: Int! } type Mutation { change(of: String!): Boolean! }`,
      resolvers: {
        Query: {
          count: async (_parent: unknown, _args: unknown, context: GatewayContext) => {
            report(context, ['Count:catalogue']);
            executions += 1;
            await held;
            return executions;
          },
        },
        Mutation: {
          change: (_parent: unknown, args: { of: string }, context: GatewayContext) => {
            report(context, [`Count:${args.of}`]);
            return true;
          },
        },
      },
      plugins: cachePlugins({ ttlSeconds: 10, maxBytes: 1024 * 1024, onLookup: (o) => lookups.push(o) }, generation),
    });
    await server.start();
    const read = () => server.executeOperation({ query: '{ count }' }, { contextValue: { viewer: null } });
    const write = (of: string) =>
      server.executeOperation({ query: `mutation { change(of: "${of}") }` }, { contextValue: { viewer: buyer } });
    let reading = read();
    await write('drainage');
    release();
    expect(String((await reading).http.headers.get('cache-control'))).toContain('public');
    await read();
    expect(lookups).toEqual(['miss', 'hit']);
    held = new Promise<void>((resolve) => (release = resolve));
    await write('catalogue');
    reading = read();
    await write('catalogue');
    release();
    expect(String((await reading).http.headers.get('cache-control'))).not.toContain('public');
    await read();
    expect(lookups).toEqual(['miss', 'hit', 'miss', 'miss']);
    await server.stop();
  });

  it("drops a replica's kept answer when another replica answers a write that changes it, and only then", async () => {
    // Two gateways sharing one generation, as replicas share it through Redis.
    const generation = new InMemoryCacheGeneration();
    let executions = 0;
    const replica = () =>
      new ApolloServer<GatewayContext>({
        typeDefs: `type Query { count(of: String!): Int! } type Mutation { change(of: String!): Boolean! }`,
        resolvers: {
          Query: {
            count: (_parent: unknown, args: { of: string }, context: GatewayContext) => {
              report(context, [`Count:${args.of}`]);
              return (executions += 1);
            },
          },
          Mutation: {
            change: (_parent: unknown, args: { of: string }, context: GatewayContext) => {
              report(context, [`Count:${args.of}`]);
              return true;
            },
          },
        },
        plugins: cachePlugins({ ttlSeconds: 10, maxBytes: 1024 * 1024 }, generation),
      });
    const [first, second] = [replica(), replica()];
    await Promise.all([first.start(), second.start()]);
    const count = async (server: ApolloServer<GatewayContext>, of: string) => {
      const response = await server.executeOperation({ query: `{ count(of: "${of}") }` }, { contextValue: { viewer: null } });
      return response.body.kind === 'single' ? response.body.singleResult.data : undefined;
    };
    expect(await count(first, 'lighting')).toEqual({ count: 1 });
    expect(await count(first, 'drainage')).toEqual({ count: 2 });
    await second.executeOperation({ query: 'mutation { change(of: "drainage") }' }, { contextValue: { viewer: buyer } });
    expect(await count(first, 'lighting')).toEqual({ count: 1 });
    expect(await count(first, 'drainage')).toEqual({ count: 3 });
    await Promise.all([first.stop(), second.stop()]);
  });
});

/**
 * The cache as gateway/server.ts serves it: its express fast path in front of Apollo, over HTTP.
 * `x-test-signed-in` stands for a signed-in caller (the real sign-in is platform/graphql-http.ts's).
 * `pipelineEntries` counts requests Apollo's pipeline was entered for (an Apollo plugin's
 * requestDidStart), so a test can tell a hit answered in front of Apollo from one answered by it.
 */
async function servedCache(generation = new InMemoryCacheGeneration()) {
  let executions = 0;
  let pipelineEntries = 0;
  const lookups: string[] = [];
  const cache = new PublicResponseCache({ ttlSeconds: 10, maxBytes: 1024 * 1024, generation, onLookup: (o) => lookups.push(o) });
  const server = new ApolloServer<GatewayContext>({
    typeDefs: `type Query { count(of: String): String! } type Mutation { change(of: String!): Boolean! }`,
    resolvers: {
      Query: {
        count: (_parent, args: { of?: string }, context: GatewayContext) => {
          executions += 1;
          report(context, [`Count:${args.of ?? 'catalogue'}`]);
          return `${args.of ?? 'catalogue'} #${executions}`;
        },
      },
      Mutation: {
        change: (_parent, args: { of: string }, context: GatewayContext) => {
          report(context, [`Count:${args.of}`]);
          return true;
        },
      },
    },
    plugins: [
      {
        async requestDidStart() {
          pipelineEntries += 1;
        },
      },
      cacheGenerationPlugin(generation),
      cache.plugin(),
    ],
  });
  await server.start();
  const app = express();
  app.use(
    '/graphql',
    express.json(),
    (request, response, next) => {
      response.locals.viewer = request.get('x-test-signed-in') ? buyer : null;
      next();
    },
    cache.fastPath({ isAnonymous: (_request, response) => response.locals.viewer === null, exposeStatementCount: false }),
    expressMiddleware(server, { context: async ({ res }) => ({ viewer: res.locals.viewer as Identity }) }),
  );
  const listening = await new Promise<Server>((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/graphql`;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const get = (parameters: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${url}?${new URLSearchParams(parameters).toString()}`, { headers });
  return {
    post,
    get,
    lookups,
    executions: () => executions,
    pipelineEntries: () => pipelineEntries,
    async stop() {
      listening.closeAllConnections();
      await new Promise((resolve) => listening.close(resolve));
      await server.stop();
    },
  };
}

/** The headers a hit must repeat exactly (not the date, nor the max-age, which counts down). */
function sameHeaders(response: Response) {
  const headers: Record<string, string> = Object.fromEntries(response.headers);
  delete headers.date;
  headers['cache-control'] = String(headers['cache-control']).replace(/\d+$/, 'N');
  return headers;
}

describe('the public cache in front of Apollo (issue 27 item 2)', () => {
  it('answers a hit with the kept bytes and headers, without entering Apollo’s pipeline', async () => {
    const graph = await servedCache();
    const query = 'query Count($of: String) { count(of: $of) }';
    const first = await graph.post({ query, variables: { of: 'lighting' } });
    const firstBody = await first.text();
    expect(graph.pipelineEntries()).toBe(1);
    const second = await graph.post({ query, variables: { of: 'lighting' } });
    expect(await second.text()).toBe(firstBody);
    expect(JSON.parse(firstBody)).toEqual({ data: { count: 'lighting #1' } });
    expect(second.status).toBe(200);
    expect(sameHeaders(second)).toEqual(sameHeaders(first));
    expect(second.headers.get('cache-control')).toMatch(/^public, max-age=(9|10)$/);
    expect(second.headers.get('etag')).toBeTruthy();
    // Answered in front of Apollo: its pipeline was not entered, the hit still counted.
    expect(graph.pipelineEntries()).toBe(1);
    expect(graph.lookups).toEqual(['miss', 'hit']);
    // Other variables are another answer, computed by Apollo.
    expect(await (await graph.post({ query, variables: { of: 'drainage' } })).json()).toEqual({ data: { count: 'drainage #2' } });
    expect(graph.pipelineEntries()).toBe(2);
    // The content type Apollo would negotiate for this Accept header.
    const negotiated = await graph.post(
      { query, variables: { of: 'lighting' } },
      { accept: 'application/graphql-response+json, application/json;q=0.9' },
    );
    expect(negotiated.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
    expect(graph.pipelineEntries()).toBe(2);
    await graph.stop();
  });

  it('answers 304 to a GET naming the ETag of a hit, and gives a changed answer a new ETag', async () => {
    const graph = await servedCache();
    const asked = { query: '{ count(of: "lighting") }' };
    const preflight = { 'apollo-require-preflight': 'true' };
    const first = await graph.get(asked, preflight);
    expect(await first.json()).toEqual({ data: { count: 'lighting #1' } });
    const etag = first.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const hit = await graph.get(asked, preflight);
    expect(hit.headers.get('etag')).toBe(etag);
    // fetch adds `cache-control: no-cache` to a conditional request unless told otherwise, and
    // no-cache asks for the answer whatever the ETag.
    const conditional = { ...preflight, 'if-none-match': etag, 'cache-control': 'max-age=0' };
    const unchanged = await graph.get(asked, conditional);
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');
    expect(graph.pipelineEntries()).toBe(1);
    // A related write drops the kept answer before the mutation's response is sent.
    const written = await graph.post({ query: 'mutation { change(of: "lighting") }' }, { 'x-test-signed-in': 'yes' });
    expect(await written.json()).toEqual({ data: { change: true } });
    const changed = await graph.get(asked, conditional);
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ data: { count: 'lighting #2' } });
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(graph.lookups).toEqual(['miss', 'hit', 'hit', 'miss']);
    await graph.stop();
  });

  it('drops an answer another replica’s write changed, before the fast path can serve it', async () => {
    const generation = new InMemoryCacheGeneration();
    const [first, second] = [await servedCache(generation), await servedCache(generation)];
    const asked = { query: '{ count(of: "drainage") }' };
    await first.post(asked);
    expect(await (await first.post(asked)).json()).toEqual({ data: { count: 'drainage #1' } });
    await second.post({ query: 'mutation { change(of: "drainage") }' }, { 'x-test-signed-in': 'yes' });
    expect(await (await first.post(asked)).json()).toEqual({ data: { count: 'drainage #2' } });
    expect(first.lookups).toEqual(['miss', 'hit', 'miss']);
    await Promise.all([first.stop(), second.stop()]);
  });

  it('hands Apollo every request it would answer otherwise', async () => {
    const graph = await servedCache();
    const asked = { query: '{ count }' };
    await graph.post(asked);
    expect(graph.pipelineEntries()).toBe(1);
    // Signed in: never from the anonymous cache.
    expect(await (await graph.post(asked, { 'x-test-signed-in': 'yes' })).json()).toEqual({ data: { count: 'catalogue #2' } });
    // A GET without a preflight header is refused by Apollo's CSRF prevention, cached or not.
    expect((await graph.get(asked)).status).toBe(400);
    // An empty operation name is keyed like none, but names no operation: Apollo refuses it.
    expect((await graph.post({ ...asked, operationName: '' })).status).toBe(400);
    // Apollo resolves persisted queries, and refuses a batch (batching is off).
    const persisted = await graph.post({ ...asked, extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } });
    expect(persisted.status).toBe(400);
    expect((await graph.post([asked])).status).toBe(400);
    // An Accept header Apollo cannot satisfy.
    expect((await graph.post(asked, { accept: 'text/csv' })).status).toBe(406);
    // Apollo refuses the GET and the batch before its pipeline starts; it ran for the other five.
    expect(graph.pipelineEntries()).toBe(5);
    expect(graph.executions()).toBe(2);
    await graph.stop();
  });
});
