import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { RunningService } from '../platform/subgraph-server';
import { startProductionGraph, type ProductionGraph } from './support/production-graph';

/**
 * No client input is ever answered with a 5xx (issue 22): first the shapes the outside review
 * found (an operationName the document lacks, variables nested thousands deep, malformed
 * persisted-query extensions, a malformed DateTime), each with the answer it must get; then
 * fast-check throws a few hundred arbitrary request shapes at a production gateway over HTTP and
 * checks that none is answered 5xx and that every error carries an `extensions.code`.
 */
jest.setTimeout(120_000);

let graph: ProductionGraph;
let gateway: RunningService;

beforeAll(async () => {
  graph = await startProductionGraph();
  // A gateway of its own whose rate limit the fuzzing cannot reach: every request must get as far
  // as the shape it probes.
  gateway = await graph.startGateway({ GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000' });
});
afterAll(async () => {
  await graph?.stop();
});

interface Answer {
  status: number;
  text: string;
  body: any;
}

async function send(init: RequestInit & { search?: string }): Promise<Answer> {
  const response = await fetch(`${gateway.url}${init.search ?? ''}`, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, text, body };
}

const post = (body: string, contentType = 'application/json') => send({ method: 'POST', headers: { 'content-type': contentType }, body });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** `{"a":{"a":…"leaf"…}}` (or `[[…]]`) `depth` levels deep, written as text: no recursion builds it. */
function nestedJson(depth: number, array = false): string {
  return (array ? '[' : '{"a":').repeat(depth) + '"leaf"' + (array ? ']' : '}').repeat(depth);
}

const firstCode = (answer: Answer): unknown => answer.body?.errors?.[0]?.extensions?.code;
const innovationId = '00000000-0000-4000-8000-000000000001';

describe('the malformed requests the review found', () => {
  const cases: [string, string, number, string][] = [
    [
      'an operationName the document lacks',
      JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }),
      400,
      'OPERATION_RESOLUTION_FAILURE',
    ],
    [
      'two operations and no operationName',
      JSON.stringify({ query: 'query A { __typename } query B { __typename }' }),
      400,
      'OPERATION_RESOLUTION_FAILURE',
    ],
    ['two unnamed operations', JSON.stringify({ query: '{ __typename } { __typename }' }), 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['variables nested 10,000 deep', `{"query":"{ __typename }","variables":{"x":${nestedJson(10_000)}}}`, 400, 'BAD_REQUEST'],
    [
      'variables nested 10,000 deep in lists',
      `{"query":"{ __typename }","variables":{"x":${nestedJson(10_000, true)}}}`,
      400,
      'BAD_REQUEST',
    ],
    ['extensions nested 10,000 deep', `{"query":"{ __typename }","extensions":{"x":${nestedJson(10_000)}}}`, 400, 'BAD_REQUEST'],
    [
      'a persisted query of version 2',
      JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: sha256('{ __typename }') } } }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a persisted query whose hash is a number',
      JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 5 } } }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a persisted query whose hash is an object, without a query',
      JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: { a: 1 } } } }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a persisted query without a hash',
      JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1 } } }),
      400,
      'BAD_REQUEST',
    ],
    ['a persisted query that is a string', JSON.stringify({ extensions: { persistedQuery: 'yes' } }), 400, 'BAD_REQUEST'],
    [
      'a persisted query that is a list',
      JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: [1] } }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a persisted query whose hash is not its query’s',
      JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ other }') } } }),
      400,
      'BAD_REQUEST',
    ],
    // Apollo's own answer to a hash it does not know (the client then sends the query): 200 by its protocol.
    [
      'a persisted query the gateway does not know',
      JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ unknown }') } } }),
      200,
      'PERSISTED_QUERY_NOT_FOUND',
    ],
    [
      'a DateTime literal that is no date',
      JSON.stringify({ query: `{ innovation(id: "${innovationId}", asOf: "not-a-date") { id } }` }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'a DateTime literal that is a number',
      JSON.stringify({ query: `{ innovation(id: "${innovationId}", asOf: 5) { id } }` }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'a DateTime in an input object that is no date',
      JSON.stringify({ query: '{ events(filter: { startsAfter: "nope" }) { totalCount } }' }),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'a DateTime variable that is no date',
      JSON.stringify({
        query: `query($d: DateTime) { innovation(id: "${innovationId}", asOf: $d) { id } }`,
        variables: { d: 'not-a-date' },
      }),
      400,
      'BAD_USER_INPUT',
    ],
  ];

  test.each(cases)('%s', async (_name, body, status, code) => {
    const answer = await post(body);
    expect({ status: answer.status, code: firstCode(answer) }).toEqual({ status, code });
    // Refused before anything ran: no data, and no subgraph was asked (so none is "unavailable").
    if (status === 400) expect(answer.body.data).toBeUndefined();
  });

  test('a well-formed DateTime still reaches the subgraph, and a persisted query still works', async () => {
    const dated = await post(JSON.stringify({ query: `{ innovation(id: "${innovationId}", asOf: "2026-01-01T00:00:00Z") { id } }` }));
    expect(dated.status).toBe(200);
    expect(dated.body.errors).toBeUndefined();
    const query = '{ __typename }';
    const register = await post(JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }));
    expect(register.body).toEqual({ data: { __typename: 'Query' } });
    const hit = await post(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } }));
    expect(hit.body).toEqual({ data: { __typename: 'Query' } });
  });

  test('an operationName the document lacks, sent with GET', async () => {
    const search = `?query=${encodeURIComponent('query A { __typename }')}&operationName=B`;
    const answer = await send({ search, headers: { 'apollo-require-preflight': 'true' } });
    expect({ status: answer.status, code: firstCode(answer) }).toEqual({ status: 400, code: 'OPERATION_RESOLUTION_FAILURE' });
  });
});

// ---- The fuzzing -------------------------------------------------------------------------------

/** Pieces of GraphQL documents: keywords, punctuation, names of this schema, values good and bad. */
const tokens = [
  'query',
  'mutation',
  'subscription',
  'fragment',
  'on',
  '{',
  '}',
  '(',
  ')',
  ':',
  '$',
  '@',
  '...',
  '!',
  '[',
  ']',
  '=',
  ',',
  'A',
  'B',
  'F',
  '$x',
  '$d',
  'Int',
  'String',
  'DateTime',
  'Date',
  'ID',
  'Boolean',
  '__typename',
  '__schema',
  '__type',
  'types',
  'name',
  'fields',
  'innovations',
  'innovation',
  'edges',
  'node',
  'id',
  'title',
  'totalCount',
  'events',
  'filter',
  'startsAfter',
  'first',
  'asOf',
  'id:',
  'first:',
  'asOf:',
  'organisations',
  'withdrawInnovation',
  '"text"',
  '"not-a-date"',
  '"2026-01-01T00:00:00Z"',
  `"${innovationId}"`,
  '1',
  '-1',
  '1.5',
  '1e400',
  'true',
  'null',
  '"""block"""',
  '@include(if: true)',
  '@skip(if: $x)',
  '@deprecated',
  '# comment\n',
  '"\\u0000"',
  '"unterminated',
];

const documentText = fc.array(fc.constantFrom(...tokens), { maxLength: 40 }).map((parts) => parts.join(' '));

/** Whole documents of one or two operations, so operationName choices meet real operation names. */
const operationDocument = fc
  .tuple(
    fc.constantFrom('query', 'mutation', ''),
    fc.constantFrom('A', 'B', ''),
    fc.constantFrom(
      '{ __typename }',
      '{ innovations(first: 1) { totalCount } }',
      '($x: Int) { __typename }',
      `{ innovation(id: "${innovationId}") { id } }`,
    ),
    fc.option(fc.constantFrom('query B { __typename }', 'query { __typename }', 'fragment F on Query { __typename }'), { nil: undefined }),
  )
  .map(([kind, name, body, second]) => `${kind} ${name} ${body} ${second ?? ''}`.trim());

const anyJson = fc.jsonValue({ maxDepth: 4 });
const hash = fc.oneof(fc.constant(sha256('{ __typename }')), fc.stringMatching(/^[0-9a-f]{64}$/), fc.string({ maxLength: 70 }), anyJson);
const persistedQuery = fc.oneof(fc.record({ version: fc.oneof(fc.constant(1), anyJson), sha256Hash: hash }, { requiredKeys: [] }), anyJson);
const extensions = fc.oneof(fc.record({ persistedQuery }, { requiredKeys: [] }), anyJson);

const operation = fc.record(
  {
    query: fc.oneof(operationDocument, documentText, anyJson),
    operationName: fc.oneof(fc.constantFrom('A', 'B', 'C', ''), fc.string({ maxLength: 20 }), anyJson),
    variables: fc.oneof(fc.dictionary(fc.constantFrom('x', 'd', 'first', 'y'), anyJson, { maxKeys: 3 }), anyJson),
    extensions,
  },
  { requiredKeys: [] },
);

/** Variables nested deeper than any input type here: the boundary must refuse them, never overflow. */
const deeplyNested = fc
  .tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean())
  .map(([depth, array]) => `{"query":"{ __typename }","variables":{"x":${nestedJson(depth, array)}}}`);

type Shape = { method: string; search?: string; body?: string; headers: Record<string, string> };

const getParameters = fc.record(
  {
    query: fc.oneof(operationDocument, documentText),
    operationName: fc.oneof(fc.constantFrom('A', 'B', 'C'), fc.string({ maxLength: 10 })),
    variables: fc.oneof(
      anyJson.map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 20 }),
    ),
    extensions: fc.oneof(
      extensions.map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 20 }),
    ),
  },
  { requiredKeys: [] },
);

const requestShape: fc.Arbitrary<Shape> = fc.oneof(
  {
    weight: 6,
    arbitrary: operation.map((body): Shape => ({
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(operation, { minLength: 0, maxLength: 3 })
      .map((batch): Shape => ({ method: 'POST', body: JSON.stringify(batch), headers: { 'content-type': 'application/json' } })),
  },
  { weight: 1, arbitrary: deeplyNested.map((body): Shape => ({ method: 'POST', body, headers: { 'content-type': 'application/json' } })) },
  // Not JSON, or JSON that is not an object: truncated bodies, bare values, random text.
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 60 }),
        anyJson.map((value) => JSON.stringify(value)),
        operation.map((body) => JSON.stringify(body).slice(0, -3)),
      )
      .map((body): Shape => ({ method: 'POST', body, headers: { 'content-type': 'application/json' } })),
  },
  // Wrong or missing content types (CSRF prevention and body parsing have their say).
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        operation,
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data',
          'application/graphql',
          'application/json; charset=latin1',
          '',
        ),
      )
      .map(([body, contentType]): Shape => ({
        method: 'POST',
        body: JSON.stringify(body),
        headers: contentType ? { 'content-type': contentType } : {},
      })),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(getParameters, fc.boolean()).map(([parameters, preflight]): Shape => ({
      method: 'GET',
      search: `?${new URLSearchParams(parameters as Record<string, string>).toString()}`,
      headers: preflight ? { 'apollo-require-preflight': 'true' } : {},
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('PUT', 'DELETE', 'PATCH')
      .map((method): Shape => ({ method, body: '{"query":"{ __typename }"}', headers: { 'content-type': 'application/json' } })),
  },
);

/** What must hold of any answer: no 5xx, and an error body whose every error has a code. */
function checkAnswer(shape: Shape, answer: Answer): void {
  const where = `${shape.method} ${shape.search ?? ''} ${String(shape.body).slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 300)}`;
  if (answer.status >= 500) throw new Error(`5xx for ${where}`);
  const errors = Array.isArray(answer.body) ? answer.body.flatMap((item: any) => item?.errors ?? []) : (answer.body?.errors ?? []);
  if (answer.status >= 400 && errors.length === 0) throw new Error(`an error without a GraphQL error body for ${where}`);
  for (const error of errors) {
    if (typeof error?.extensions?.code !== 'string') throw new Error(`an error without extensions.code for ${where}`);
  }
}

test('arbitrary request shapes are never answered 5xx, and every error has a code', async () => {
  await fc.assert(
    fc.asyncProperty(requestShape, async (shape) => {
      checkAnswer(shape, await send({ method: shape.method, search: shape.search, headers: shape.headers, body: shape.body }));
    }),
    {
      numRuns: 300,
      // The shape that answered 500 before issue 22 is always tried first.
      examples: [
        [
          {
            method: 'POST',
            body: JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }),
            headers: { 'content-type': 'application/json' },
          },
        ],
      ],
    },
  );
});
