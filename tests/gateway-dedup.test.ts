import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { SubgraphHttpDataSource, type GatewayContext } from '../gateway/data-sources';
import { gatewayAssertionHeader, verifyGatewayAssertion } from '../platform/gateway-assertion';
import type { Identity, Viewer } from '../platform/identity';

/**
 * Gateway-side deduplication (issue 10): identical concurrent subgraph queries of one caller are
 * sent once, never shared between callers or for mutations, and duplicate entity representations
 * are resolved once and fanned back out. A counting stand-in subgraph verifies the gateway's
 * assertion and answers from the identity it carries, so a shared answer would show.
 */
const secret = 'dedup-test-secret-with-enough-length-0123456789';
const subgraph = 'members';

interface Received {
  body: { query: string; variables?: { representations?: { __typename: string; id: string }[] } };
  identity: Identity;
}

let server: Server;
let url: string;
const received: Received[] = [];
let release: () => void = () => undefined;
let released: Promise<void> = Promise.resolve();

function hold() {
  released = new Promise((resolve) => (release = resolve));
}

function answerFor({ body, identity }: Received) {
  const representations = body.variables?.representations;
  if (!representations) return { data: { whoAmI: identity?.personId ?? null } };
  const errors: unknown[] = [];
  const entities = representations.map((representation, index) => {
    if (representation.id === 'broken') {
      errors.push({ message: 'broken organisation', path: ['_entities', index, 'name'] });
      return { __typename: 'Organisation', id: representation.id, name: null };
    }
    return {
      __typename: 'Organisation',
      id: representation.id,
      name: `Organisation ${representation.id}`,
      seenBy: identity?.personId ?? null,
    };
  });
  return { data: { _entities: entities }, ...(errors.length ? { errors } : {}) };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The stand-in subgraph: verifies the gateway's assertion, records the call, answers once released. */
async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const text = await readBody(request);
  const identity = verifyGatewayAssertion({
    assertion: request.headers[gatewayAssertionHeader] as string,
    subgraph,
    body: text,
    secret,
  });
  const entry = { body: JSON.parse(text), identity };
  received.push(entry);
  await released;
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(answerFor(entry)));
}

beforeAll(async () => {
  // A request the stand-in refuses (a bad assertion) gets a 500 the gateway reports, not an
  // unhandled rejection and a request left hanging until the test times out.
  server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received.length = 0;
  hold();
});

function viewer(personId: string, organisationId: string): Viewer {
  return {
    personId,
    email: `${personId}@example.test`,
    organisationId,
    organisationKind: 'COUNTY_COUNCIL',
    membershipStatus: 'ACTIVE',
    organisationRoles: ['BUYER'],
    platformRoles: [],
  };
}
const buyer = viewer('person-buyer', 'org-council');
const supplier = viewer('person-supplier', 'org-supplier');

function send(source: SubgraphHttpDataSource, query: string, viewerOf: Identity, variables?: Record<string, unknown>, generation = 0) {
  return source.process({
    kind: 'incoming operation',
    request: { query, variables },
    context: { viewer: viewerOf, generation },
    incomingRequestContext: {},
  } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);
}

/** Lets every started fetch reach the stand-in subgraph, then lets it answer. */
async function releaseAfter(count: number) {
  while (received.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  // Give a wrongly unshared duplicate the chance to arrive too before answering.
  await new Promise((resolve) => setTimeout(resolve, 50));
  release();
}

const whoAmI = 'query Who__members__0{whoAmI}';

test('identical concurrent queries of one caller are sent once and each caller gets the answer', async () => {
  const source = new SubgraphHttpDataSource(subgraph, url, 5_000, secret);
  const answers = Promise.all([send(source, whoAmI, buyer), send(source, whoAmI, buyer), send(source, whoAmI, buyer)]);
  await releaseAfter(1);
  const results = await answers;
  expect(received).toHaveLength(1);
  expect(results.map((result) => result.data)).toEqual([
    { whoAmI: buyer.personId },
    { whoAmI: buyer.personId },
    { whoAmI: buyer.personId },
  ]);
  // Each caller holds its own copy: the gateway merges into answers in place.
  expect(results[0]!.data).not.toBe(results[1]!.data);
  // Once answered, the next identical query is sent again (no caching beyond the flight).
  release();
  await send(source, whoAmI, buyer);
  expect(received).toHaveLength(2);
});

test('two personas issuing the same query at once never share an answer', async () => {
  const source = new SubgraphHttpDataSource(subgraph, url, 5_000, secret);
  const answers = Promise.all([send(source, whoAmI, buyer), send(source, whoAmI, supplier), send(source, whoAmI, null)]);
  await releaseAfter(3);
  const results = await answers;
  expect(received.map((entry) => entry.identity?.personId ?? null).sort()).toEqual([null, supplier.personId, buyer.personId].sort());
  expect(results.map((result) => result.data)).toEqual([{ whoAmI: buyer.personId }, { whoAmI: supplier.personId }, { whoAmI: null }]);
});

test('a query of a later cache generation never joins a fetch begun in an earlier one (issue 22)', async () => {
  const source = new SubgraphHttpDataSource(subgraph, url, 5_000, secret);
  // The first fetch began before a write was answered (generation 4); the second request started
  // after it (generation 5): it must get an answer read after the write, not the one in flight.
  const answers = Promise.all([
    send(source, whoAmI, null, undefined, 4),
    send(source, whoAmI, null, undefined, 5),
    send(source, whoAmI, null, undefined, 5),
  ]);
  await releaseAfter(1);
  await answers;
  expect(received).toHaveLength(2);
});

test('identical concurrent mutations are each sent', async () => {
  const source = new SubgraphHttpDataSource(subgraph, url, 5_000, secret);
  const mutation = 'mutation Join__members__0{whoAmI}';
  const answers = Promise.all([send(source, mutation, buyer), send(source, mutation, buyer)]);
  await releaseAfter(2);
  await answers;
  expect(received).toHaveLength(2);
});

test('duplicate entity representations are sent once and fanned back out in order', async () => {
  const source = new SubgraphHttpDataSource(subgraph, url, 5_000, secret);
  // 50 innovations from 13 suppliers, one of which fails to resolve.
  const suppliers = Array.from({ length: 13 }, (_, i) => (i === 7 ? 'broken' : `org-${i}`));
  const representations = Array.from({ length: 50 }, (_, i) => ({ __typename: 'Organisation', id: suppliers[(i * 5) % 13]! }));
  const query =
    'query Page__members__1($representations:[_Any!]!){_entities(representations:$representations){...on Organisation{name seenBy}}}';
  release();
  const result = await send(source, query, buyer, { representations });

  expect(received).toHaveLength(1);
  const sent = received[0]!.body.variables!.representations!;
  expect(sent).toHaveLength(13);
  expect(new Set(sent.map((representation) => representation.id)).size).toBe(13);
  // Exactly what the subgraph answers when sent all 50 (the answer without deduplication).
  const undeduplicated = answerFor({ body: { query, variables: { representations } }, identity: buyer });
  expect(JSON.parse(JSON.stringify({ data: result.data, errors: result.errors }))).toEqual(undeduplicated);
  expect((result.data as { _entities: unknown[] })._entities).toHaveLength(50);
  expect(result.errors!.length).toBeGreaterThan(1);
});
