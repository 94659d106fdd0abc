import { randomBytes, randomUUID } from 'node:crypto';
import * as graphqlParser from 'graphql/language/parser';
import * as graphqlValidation from 'graphql/validation/validate';
import { Redis } from 'ioredis';
import { mintDevelopmentToken } from '../gateway/development-tokens';
import { REFUSED_OPERATION_POINTS } from '../gateway/rate-limit';
import { loadGatewayConfig, type Environment } from '../platform/config';
import { subgraphNames } from '../platform/subgraph-names';
import type { RunningService } from '../platform/subgraph-server';
import { startProductionGraph, type ProductionGraph } from './support/production-graph';

/**
 * Issue 22, item 1 and items 11a/11c: abusive documents are refused by cheap counts BEFORE
 * graphql-js validation (and remembered), clients are rate limited (in memory, or through Redis
 * across replicas), and a variable's default value meets the string limit. Over HTTP, against a
 * gateway in the production profile, anonymous unless said otherwise.
 */
jest.setTimeout(90_000);

let graph: ProductionGraph;

beforeAll(async () => {
  graph = await startProductionGraph();
});
afterAll(async () => {
  // Stops the extra gateways too.
  await graph?.stop();
});

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function post(
  url: string,
  query: string,
  headers: Record<string, string> = {},
  variables?: Record<string, unknown>,
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

const ask = (query: string, variables?: Record<string, unknown>) => post(graph.gatewayUrl, query, {}, variables);

const startGateway = (env: Environment): Promise<RunningService> => graph.startGateway(env);

function expectLimit(answer: Answer, limit: string) {
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors[0].extensions).toEqual(expect.objectContaining({ code: 'OPERATION_LIMIT_EXCEEDED', limit }));
}

/** Without the request id, which differs per request. */
function withoutRequestId(answer: Answer) {
  return answer.body.errors.map(({ extensions: { requestId: _, ...extensions }, ...error }: any) => ({ ...error, extensions }));
}

/** Calls of graphql-js `validate` with its own rules (Apollo's validation), while `work` runs. */
async function apolloValidationsDuring(work: () => Promise<unknown>): Promise<number> {
  const spy = jest.spyOn(graphqlValidation, 'validate');
  try {
    await work();
    // The shape limits run `validate` with only their four rules; Apollo's carries graphql-js's ~26.
    return spy.mock.calls.filter(([, , rules]) => rules === undefined || rules.length > 10).length;
  } finally {
    spy.mockRestore();
  }
}

const limits = loadGatewayConfig(
  {
    NODE_ENV: 'production',
    GATEWAY_SUBGRAPH_SECRET: randomBytes(48).toString('base64url'),
    AUTH_JWKS_URL: 'https://id.example/jwks',
    AUTH_ISSUER: 'i',
    AUTH_AUDIENCE: 'a',
  },
  subgraphNames,
).limits;

/** The documents of the outside review (issue 22), each refused at its first cheap count. */
const reviewProbes: [string, string, string][] = [
  ['900 repeated innovations { edges { node { id } } } (26 KB)', `{ ${'innovations{edges{node{id}}} '.repeat(900)}}`, 'tokens'],
  ['9,990 __typename', `{ ${'__typename '.repeat(9_990)}}`, 'tokens'],
  ['3,300 aliases', `{ ${Array.from({ length: 3_300 }, (_, i) => `a${i}:__typename`).join(' ')} }`, 'tokens'],
  ['1,600 inline fragments', `{ ${'...on Query{__typename} '.repeat(1_600)}}`, 'tokens'],
  ['graphql-cop directive overloading (unknown directives)', `query cop { __typename ${'@aa'.repeat(500)} }`, 'directives'],
  ['directive overloading under the token limit', `query cop { __typename ${'@aa'.repeat(50)} }`, 'directives'],
];

/** Smaller documents, under the token limit, that each count refuses on its own. */
const countProbes: [string, string, string][] = [
  ['150 repeated innovations { edges { node { id } } }', `{ ${'innovations{edges{node{id}}} '.repeat(150)}}`, 'fieldRepeats'],
  ['501 distinct (unknown) fields', `{ ${Array.from({ length: 501 }, (_, i) => `f${i}`).join(' ')} }`, 'fields'],
  ['60 inline fragments', `{ ${'...on Query{__typename} '.repeat(60)}}`, 'fragments'],
  ['31 aliases', `{ ${Array.from({ length: 31 }, (_, i) => `a${i}:__typename`).join(' ')} }`, 'aliases'],
];

describe('operation limits counted before validation (issue 22, items 1 and 11c)', () => {
  it.each([...reviewProbes, ...countProbes].map(([name, document, limit]) => ({ name, document, limit })))(
    'refuses $name with 400 OPERATION_LIMIT_EXCEEDED ($limit)',
    async ({ document, limit }) => {
      expectLimit(await ask(document), limit);
    },
  );

  it('names the maximum of each counted limit', async () => {
    expect((await ask(reviewProbes[1]![1])).body.errors[0].extensions.maximum).toBe(limits.maxTokens);
    expect((await ask(countProbes[1]![1])).body.errors[0].extensions.maximum).toBe(limits.maxFields);
    expect((await ask(countProbes[2]![1])).body.errors[0].extensions.maximum).toBe(limits.maxFragments);
  });

  it('refuses by the limits before graphql-js validation: a document both invalid and over a limit gets the limit', async () => {
    // Validation first (the old order) would answer GRAPHQL_VALIDATION_FAILED: no such field, no such directive.
    expectLimit(await ask(`{ ${'noSuchField '.repeat(200)}}`), 'fieldRepeats');
    expectLimit(await ask(`{ __typename ${'@noSuchDirective'.repeat(20)} }`), 'directives');
  });

  it('never runs Apollo’s validation for a refused document, first time or repeated', async () => {
    // The spy sees Apollo's validation of a document it has not seen before…
    const fresh = `{ innovations(first: 1) { totalCount } __typename a${randomUUID().replace(/-/g, '')}: __typename }`;
    expect(await apolloValidationsDuring(() => ask(fresh))).toBeGreaterThan(0);
    // …and none for the abusive documents.
    const validations = await apolloValidationsDuring(async () => {
      for (const [, document] of [...reviewProbes, ...countProbes]) {
        await ask(document);
        await ask(document);
      }
    });
    expect(validations).toBe(0);
  });

  it('remembers a refused document by its text: the repeat is answered without parsing it again, with the same refusal', async () => {
    // Invalid as well as over a limit, so Apollo, had it seen the document, would not have kept it.
    const document = `{ ${'noSuchField '.repeat(200)} # ${randomUUID()}\n}`;
    const spy = jest.spyOn(graphqlParser, 'parse');
    try {
      const first = await ask(document);
      const parsedFirst = spy.mock.calls.length;
      const second = await ask(document);
      expect(parsedFirst).toBe(1);
      // Not parsed again, by this stage or by Apollo.
      expect(spy.mock.calls.length).toBe(parsedFirst);
      expectLimit(second, 'fieldRepeats');
      expect(withoutRequestId(second)).toEqual(withoutRequestId(first));
    } finally {
      spy.mockRestore();
    }
  });

  it('answers a syntax error as before (GRAPHQL_PARSE_FAILED), not as a limit', async () => {
    const answer = await ask('{ innovations(first: 1) { totalCount ');
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});

describe('string limit on variable default values (issue 22, item 11a)', () => {
  it('refuses a default value longer than the string limit, naming the variable', async () => {
    const long = 'x'.repeat(limits.maxStringLength + 1);
    const answer = await ask(`query ($s: String = "${long}") { innovations(search: $s, first: 1) { totalCount } }`);
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors[0].extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', argument: '$s' }));
  });

  it('accepts a default value within the limit', async () => {
    const answer = await ask(`query ($s: String = "graphene") { innovations(search: $s, first: 1) { totalCount } }`);
    expect(answer.body.errors).toBeUndefined();
  });
});

describe('rate limiting per client (issue 22, item 1)', () => {
  function expectRateLimited(answer: Answer) {
    expect(answer.status).toBe(429);
    const retryAfter = Number(answer.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(answer.body).toEqual({
      errors: [
        expect.objectContaining({
          message: expect.any(String),
          extensions: expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: retryAfter }),
        }),
      ],
    });
  }

  it('answers 429 with Retry-After and RATE_LIMITED once an address has spent its budget', async () => {
    const gateway = await startGateway({ GATEWAY_RATE_LIMIT_PER_MINUTE: '5' });
    for (let i = 0; i < 5; i += 1) expect((await post(gateway.url, '{ __typename }')).status).toBe(200);
    expectRateLimited(await post(gateway.url, '{ __typename }'));
  });

  it('charges a refused document more, so a client looping on one runs out sooner', async () => {
    const points = 2 * REFUSED_OPERATION_POINTS;
    const gateway = await startGateway({ GATEWAY_RATE_LIMIT_PER_MINUTE: String(points) });
    const abusive = `{ ${'__typename '.repeat(9_990)}}`;
    expectLimit(await post(gateway.url, abusive), 'tokens');
    expectLimit(await post(gateway.url, abusive), 'tokens');
    // Two refusals spent the whole budget that twenty ordinary requests would have.
    expectRateLimited(await post(gateway.url, '{ __typename }'));
  });

  it('counts a signed-in person apart from their address', async () => {
    const secret = randomBytes(48).toString('base64url');
    const env: Environment = {
      NODE_ENV: 'test',
      AUTH_JWKS_URL: undefined,
      AUTH_ISSUER: undefined,
      AUTH_AUDIENCE: undefined,
      AUTH_DEV_SECRET: secret,
      GATEWAY_RATE_LIMIT_PER_MINUTE: '3',
    };
    const gateway = await startGateway(env);
    const authentication = loadGatewayConfig({ ...graph.env, ...env }, subgraphNames).authentication;
    const token = (email: string) => mintDevelopmentToken(authentication, email).then((t) => ({ authorization: `Bearer ${t}` }));
    const kent = await token('tom.fairweather@kent.gov.uk');
    const leeds = await token('callum.reid@leeds.gov.uk');
    const viewer = '{ viewer { person { email } } }';
    for (let i = 0; i < 3; i += 1) {
      const answer = await post(gateway.url, viewer, kent);
      expect(answer.status).toBe(200);
      expect(answer.body.data.viewer.person.email).toBe('tom.fairweather@kent.gov.uk');
    }
    expectRateLimited(await post(gateway.url, viewer, kent));
    // Another person from the same address, and the address itself, each have a budget of their own.
    expect((await post(gateway.url, viewer, leeds)).status).toBe(200);
    expect((await post(gateway.url, '{ __typename }')).status).toBe(200);
  });

  it('behind a trusted load balancer, counts each client by the address it forwards (HTTP_TRUST_PROXY)', async () => {
    const from = (address: string) => ({ 'x-forwarded-for': address });
    const trusting = await startGateway({ GATEWAY_RATE_LIMIT_PER_MINUTE: '2', HTTP_TRUST_PROXY: 'loopback' });
    for (let i = 0; i < 2; i += 1) expect((await post(trusting.url, '{ __typename }', from('203.0.113.7'))).status).toBe(200);
    expectRateLimited(await post(trusting.url, '{ __typename }', from('203.0.113.7')));
    // Another client behind the same balancer has a budget of its own.
    expect((await post(trusting.url, '{ __typename }', from('198.51.100.23'))).status).toBe(200);
    // Not trusted (the default), the header is anybody's to write: the TCP peer is the client.
    const plain = await startGateway({ GATEWAY_RATE_LIMIT_PER_MINUTE: '2' });
    for (let i = 0; i < 2; i += 1) expect((await post(plain.url, '{ __typename }', from(`192.0.2.${i}`))).status).toBe(200);
    expectRateLimited(await post(plain.url, '{ __typename }', from('192.0.2.99')));
  });

  describe('through Redis (REDIS_URL)', () => {
    // The Redis every machine of this project runs (.ci/run starts it when it is not running).
    const redisUrl = 'redis://127.0.0.1:6379';
    const keyPrefix = `ips-graph-test:${randomUUID()}`;

    afterAll(async () => {
      const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        const keys = await redis.keys(`${keyPrefix}*`);
        if (keys.length) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    });

    it('shares one budget between two gateways (replicas)', async () => {
      const env = { GATEWAY_RATE_LIMIT_PER_MINUTE: '4', REDIS_URL: redisUrl, GATEWAY_RATE_LIMIT_KEY_PREFIX: keyPrefix };
      // Each gateway waits for Redis before it serves.
      const [first, second] = [await startGateway(env), await startGateway(env)];
      expect((await post(first!.url, '{ __typename }')).status).toBe(200);
      expect((await post(second!.url, '{ __typename }')).status).toBe(200);
      expect((await post(first!.url, '{ __typename }')).status).toBe(200);
      expect((await post(second!.url, '{ __typename }')).status).toBe(200);
      // Four spent across the two: each refuses the fifth, though neither has seen four itself.
      expectRateLimited(await post(second!.url, '{ __typename }'));
      expectRateLimited(await post(first!.url, '{ __typename }'));
    });

    it('falls back to counting in memory when Redis cannot be reached', async () => {
      const gateway = await startGateway({
        GATEWAY_RATE_LIMIT_PER_MINUTE: '3',
        REDIS_URL: 'redis://127.0.0.1:9',
        GATEWAY_RATE_LIMIT_KEY_PREFIX: keyPrefix,
      });
      for (let i = 0; i < 3; i += 1) expect((await post(gateway.url, '{ __typename }')).status).toBe(200);
      expectRateLimited(await post(gateway.url, '{ __typename }'));
    });
  });
});
