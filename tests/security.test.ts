import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Client } from 'pg';
import type { Pool } from 'pg';
import { loadGatewayConfig } from '../platform/config';
import { abandonedRequests } from '../platform/request-budget';
import { subgraphNames } from '../platform/subgraph-names';
import type { RunningService } from '../platform/subgraph-server';
import { startProductionGraph, type ProductionGraph } from './support/production-graph';

/**
 * The security suite (issue 6): every probe of the outside review and of graphql-cop's list, sent
 * over HTTP to a gateway in the PRODUCTION profile (strong random secrets, OIDC issuer, database
 * URLs), each asserting the refusal. Anonymous callers throughout: they are who probes first.
 */
jest.setTimeout(60_000);

let graph: ProductionGraph;
let cut: RunningService;

beforeAll(async () => {
  graph = await startProductionGraph();
  // A second gateway with small HTTP limits, for the trickling clients.
  cut = await graph.startGateway({ HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '600' });
});
afterAll(async () => {
  await graph?.stop();
});

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  body: any;
}

async function send(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, body };
}

function post(payload: unknown, headers: Record<string, string> = {}, url = graph.gatewayUrl): Promise<Answer> {
  return send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

const query = (text: string, variables?: Record<string, unknown>, url?: string) => post({ query: text, variables }, {}, url);
const codes = (answer: Answer): unknown[] => (answer.body?.errors ?? []).map((e: any) => e.extensions?.code);

/** Counts the SQL statements a subgraph runs (and those it refuses to run) while `work` runs. */
async function statementsIn(subgraph: 'innovations' | 'members' | 'events', work: () => Promise<unknown>) {
  const logger = graph.databases[subgraph].dataSource.logger;
  const spy = jest.spyOn(logger, 'logQuery');
  try {
    await work();
    // A statement the guard refused throws from logQuery and never reaches the database.
    return spy.mock.results.filter((result) => result.type === 'return').length;
  } finally {
    spy.mockRestore();
  }
}

function aliases(count: number, field: string): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
}

function expectLimit(answer: Answer, limit: string) {
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors[0].extensions).toEqual(expect.objectContaining({ code: 'OPERATION_LIMIT_EXCEEDED', limit }));
}

/** A production configuration with nothing but the required settings, to read the defaults from. */
const productionDefaults = {
  NODE_ENV: 'production',
  GATEWAY_SUBGRAPH_SECRET: randomBytes(48).toString('base64url'),
  AUTH_JWKS_URL: 'https://id.example/jwks',
  AUTH_ISSUER: 'i',
  AUTH_AUDIENCE: 'a',
};

const limits = loadGatewayConfig(productionDefaults, subgraphNames).limits;

describe('operation limits, before any subgraph call (graphql-cop: alias and directive overloading, field duplication)', () => {
  it('refuses alias overloading (900 aliased pages) without running any SQL', async () => {
    let answer!: Answer;
    const statements = await statementsIn('innovations', async () => {
      answer = await query(aliases(900, 'innovations(first: 100) { totalCount }'));
    });
    // 9,000 tokens: refused by the token limit before the aliases are even counted (issue 22).
    expectLimit(answer, 'tokens');
    expect(statements).toBe(0);
  });

  it('refuses alias overloading under the token limit by the alias count, without running any SQL', async () => {
    let answer!: Answer;
    const statements = await statementsIn('innovations', async () => {
      answer = await query(aliases(limits.maxAliases + 1, 'innovations(first: 100) { totalCount }'));
    });
    expectLimit(answer, 'aliases');
    expect(answer.body.errors[0].extensions.maximum).toBe(limits.maxAliases);
    expect(statements).toBe(0);
  });

  it('refuses graphql-cop’s alias overloading probe (101 aliases of __typename)', async () => {
    expectLimit(await query(`query { ${Array.from({ length: 101 }, (_, i) => `alias${i}:__typename`).join(' ')} }`), 'aliases');
  });

  it('refuses graphql-cop’s directive overloading probe', async () => {
    const answer = await query(`query { __typename ${'@aa'.repeat(50)} }`);
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
  });

  it('accepts aliases up to the limit', async () => {
    const answer = await query(aliases(limits.maxAliases, '__typename'));
    expect(answer.body.errors).toBeUndefined();
  });

  it('accepts the heaviest legitimate catalogue page (100 innovations, every field, routes and lots)', async () => {
    // Lists are priced by their `first` (issue 22 item 8): a page this large says how many routes and lots it wants.
    const answer = await query(`{ innovations(first: 100) { totalCount edges { node { id title summary description category trl status
      supplier { id name kind nation region } availableVia(first: 5) { reference name status lots(first: 10) { number title } } } } } }`);
    expect(answer.body.errors).toBeUndefined();
  });

  it('refuses deep nesting', async () => {
    let selection = 'name';
    for (let level = 0; level < 4; level += 1) {
      selection = `innovations(first: 1) { edges { node { supplier { ${selection} } } } }`;
    }
    expectLimit(await query(`{ organisations(first: 1) { edges { node { ${selection} } } } }`), 'depth');
  });

  it('refuses directive overloading', async () => {
    expectLimit(await query(aliases(limits.maxDirectives + 1, '__typename @include(if: true)')), 'directives');
  });

  it('refuses field duplication', async () => {
    expectLimit(await query(`{ ${'__typename '.repeat(500)} }`), 'fieldRepeats');
  });

  it('refuses an operation whose estimated cost multiplies page sizes past the limit', async () => {
    const answer = await query(
      `{ innovations(first: 100) { edges { node { supplier { innovations(first: 100) { edges { node { title summary description trl } } } } } } } }`,
    );
    expectLimit(answer, 'cost');
  });

  it('checks the cost of every request, though what the document alone decides is remembered', async () => {
    // The shape passes once and is not walked again for this document; the cost depends on $first.
    const nested = `query ($first: Int) { innovations(first: $first) { edges { node {
      supplier { innovations(first: $first) { edges { node { title summary description trl } } } } } } } }`;
    expect((await query(nested, { first: 2 })).body.errors).toBeUndefined();
    expectLimit(await query(nested, { first: 100 }), 'cost');
    expect((await query(nested, { first: 2 })).body.errors).toBeUndefined();
    // A refused document is refused every time, each with an error of its own.
    const deep = `{ ${'__typename '.repeat(500)} }`;
    expectLimit(await query(deep), 'fieldRepeats');
    expectLimit(await query(deep), 'fieldRepeats');
    // The string backstop on variables runs on every request too.
    const search = `query ($search: String) { innovations(search: $search, first: 1) { totalCount } }`;
    expect((await query(search, { search: 'graphene' })).body.errors).toBeUndefined();
    expect(codes(await query(search, { search: 'x'.repeat(limits.maxStringLength + 1) }))).toEqual(['BAD_USER_INPUT']);
  });

  it('counts defaulted page sizes too', async () => {
    const nested = `{ innovations { edges { node { supplier { innovations { edges { node { supplier { innovations { edges { node { title summary description trl category } } } } } } } } } } } }`;
    expectLimit(await query(nested), 'cost');
  });

  it('refuses a document over the token limit with a 400, not a 500, before Apollo parses it', async () => {
    const answer = await query(`{ ${'__typename '.repeat(2).trim()} ${Array.from({ length: 11_000 }, () => 'a').join(' ')} }`);
    expectLimit(answer, 'tokens');
    expect(answer.body.errors[0].extensions.maximum).toBe(limits.maxTokens);
  });
});

describe('response size', () => {
  it('cuts off a request whose subgraph answers grow past the byte limit', async () => {
    const small = await graph.startGateway({ RESPONSE_MAX_BYTES: '4000' });
    const answer = await query(`{ innovations(first: 100) { edges { node { title summary description } } } }`, undefined, small.url);
    expect(codes(answer)).toContain('RESPONSE_TOO_LARGE');
    expect(answer.text.length).toBeLessThan(4000);
    const fits = await query(`{ innovations(first: 2) { edges { node { title } } } }`, undefined, small.url);
    expect(fits.body.errors).toBeUndefined();
  });
});

describe('graphql-cop probes in production', () => {
  it('refuses batch queries', async () => {
    const answer = await post([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(answer.status).toBe(400);
    expect(Array.isArray(answer.body)).toBe(false);
  });

  it('refuses introspection to anonymous callers, circular introspection included', async () => {
    for (const text of [
      `{ __schema { types { name } } }`,
      `{ __type(name: "Innovation") { fields { name } } }`,
      `{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }`,
    ]) {
      const answer = await query(text);
      // Introspection is for analysts and platform admins only (gateway/explorer/introspection-by-role.ts);
      // the circular probe is refused earlier still, by graphql-js's introspection depth rule.
      expect([
        [403, 'FORBIDDEN'],
        [400, 'GRAPHQL_VALIDATION_FAILED'],
      ]).toContainEqual([answer.status, answer.body.errors[0].extensions.code]);
      expect(answer.body.data).toBeUndefined();
      expect(answer.text).not.toMatch(/"Innovation"|"fields":/);
    }
  });

  it('refuses circular fragments', async () => {
    const answer = await query(`query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`);
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('suggests no field names or enum values', async () => {
    const answers = [
      await query(`{ innovatio { id } }`),
      await query(`{ innovations(filter: { statuses: [APPROVE] }) { totalCount } }`),
      await query(`query ($s: [InnovationStatus!]) { innovations(filter: { statuses: $s }) { totalCount } }`, { s: ['APPROVE'] }),
    ];
    for (const answer of answers) {
      expect(answer.body.errors.length).toBeGreaterThan(0);
      expect(answer.text).not.toMatch(/did you mean/i);
      expect(answer.text).not.toMatch(/"APPROVED"/);
    }
  });

  it('refuses mutations over GET', async () => {
    const url = `${graph.gatewayUrl}?query=${encodeURIComponent('mutation { removePerson(personId: "00000000-0000-4000-8000-000000000000") { removedPersonId refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }')}`;
    const withPreflight = await send(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(withPreflight.status).toBe(405);
    expect(withPreflight.body?.data).toBeUndefined();
    const simple = await send(url);
    expect(simple.status).toBeGreaterThanOrEqual(400);
    expect(simple.body?.data).toBeUndefined();
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'refuses a simple (CSRF-able) POST with content type %s',
    async (contentType) => {
      const answer = await send(graph.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(answer.status).toBe(400);
      expect(answer.body?.data).toBeUndefined();
    },
  );

  it('exposes no Apollo explorer (IDE) to browsers', async () => {
    const answer = await send(graph.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(answer.text).not.toMatch(/embeddable-sandbox|apollo-server-landing-page|studio\.apollographql/i);
  });

  it('returns no traces (trace mode)', async () => {
    const answer = await post({ query: '{ innovations(first: 1) { totalCount } }' }, { 'apollo-federation-include-trace': 'ftv1' });
    expect(answer.body.data.innovations.totalCount).toBeGreaterThan(0);
    expect(answer.body.extensions).toBeUndefined();
    expect(answer.text).not.toMatch(/ftv1|tracing/);
  });

  it('masks unhandled errors: no stack, no exception details', async () => {
    for (const answer of [
      await query(`query cop { __typename @deprecated }`),
      await post('{"query": "{ __typename "'),
      await query(`{ innovation(id: "not-a-uuid") { title } }`),
    ]) {
      expect(answer.contentType).toMatch(/application\/(graphql-response\+)?json/);
      expect(answer.text).not.toMatch(/stacktrace|exception|\bat [\w.]+ \(|node_modules/);
    }
  });
});

describe('errors and input (production)', () => {
  const eventsAfter = (after: string) => `{ events(after: "${after}") { totalCount } }`;
  const cursor = (value: unknown[]) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each([
    ['a cursor naming an impossible date', eventsAfter(cursor(['2026-02-30T10:00:00Z', '0b5a4d3e-8f1c-4c2a-9d7e-1f2e3d4c5b6a']))],
    [
      'a cursor naming a date past PostgreSQL’s range',
      eventsAfter(cursor(['+275760-09-13T00:00:00.000Z', '0b5a4d3e-8f1c-4c2a-9d7e-1f2e3d4c5b6a'])),
    ],
    ['garbage in a cursor', eventsAfter('%%%')],
  ])('answers %s with BAD_USER_INPUT and no database text', async (_label, text) => {
    const answer = await query(text);
    expect(codes(answer)).toContain('BAD_USER_INPUT');
    expect(codes(answer)).not.toContain('INTERNAL_SERVER_ERROR');
    expect(answer.text).not.toMatch(/invalid input|out of range for type|timestamp|SELECT|postgres/i);
  });

  it('answers malformed variable values with BAD_USER_INPUT', async () => {
    const answer = await query(`query ($first: Int) { innovations(first: $first) { totalCount } }`, { first: 'lots' });
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
  });

  it('answers malformed JSON with a JSON GraphQL error in the development profile too, not Express’s HTML page', async () => {
    const development = await graph.startGateway({ NODE_ENV: 'development', IPS_PROFILE: 'development' });
    const answer = await post('{ not json', {}, development.url);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/json/);
    expect(answer.text).not.toMatch(/<html|<pre|at \w+/i);
    expect(codes(answer)).toEqual(['BAD_REQUEST']);
  });

  it('answers malformed JSON with a JSON GraphQL error', async () => {
    const answer = await post('{ not json');
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/json/);
    expect(codes(answer)).toEqual(['BAD_REQUEST']);
  });
});

describe('a gateway whose subgraph secret is wrong', () => {
  let misconfigured: RunningService;
  beforeAll(async () => {
    misconfigured = await graph.startGateway({ GATEWAY_SUBGRAPH_SECRET: randomBytes(48).toString('base64url') });
  });

  it('tells anonymous clients the service is unavailable, without internal URLs or bodies', async () => {
    const answer = await query(`{ innovations(first: 1) { totalCount } }`, undefined, misconfigured.url);
    expect(answer.status).toBe(200);
    expect(codes(answer)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(answer.text).not.toMatch(/127\.0\.0\.1|http:|accepts requests only|response/);
  });

  it('reports not ready', async () => {
    const base = new URL(misconfigured.url).origin;
    expect((await fetch(`${base}/health/ready`)).status).toBe(503);
    expect((await fetch(`${new URL(graph.gatewayUrl).origin}/health/ready`)).status).toBe(200);
  });
});

describe('partial answers', () => {
  let hung: Server;
  let hungUrl: string;
  const held: Socket[] = [];
  beforeAll(async () => {
    // A subgraph that accepts connections and never answers.
    hung = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    held.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => hung.close(() => resolve()));
  });

  const acrossMembers = `{
    innovations(first: 3) { edges { node { title supplier { name } } } }
    events(first: 3) { edges { node { title hosts { name } } } }
    procurementRoutes(first: 3) { edges { node { reference owner { name } } } }
  }`;

  function expectDegraded(answer: Answer) {
    expect(answer.body.data.innovations.edges).toHaveLength(3);
    expect(answer.body.data.innovations.edges.map((e: any) => e.node.supplier)).toEqual([null, null, null]);
    expect(answer.body.data.events.edges.every((e: any) => e.node.title && e.node.hosts === null)).toBe(true);
    expect(answer.body.data.procurementRoutes.edges.every((e: any) => e.node.reference && e.node.owner === null)).toBe(true);
    expect(codes(answer)).toContain('SERVICE_UNAVAILABLE');
  }

  it('a members outage nulls only the fields members owns', async () => {
    const outage = await graph.startGateway({ MEMBERS_URL: 'http://127.0.0.1:9/graphql' });
    expectDegraded(await query(acrossMembers, undefined, outage.url));
  });

  it('a hung members subgraph is given up on after the default time budget of two seconds', async () => {
    // Two seconds per subgraph call by default: shorter ones cut off healthy but busy subgraphs on a loaded CI machine.
    const budget = loadGatewayConfig(productionDefaults, subgraphNames).subgraphTimeoutMs;
    expect(budget).toBe(2_000);
    const withHung = await graph.startGateway({ MEMBERS_URL: hungUrl });
    const before = held.length;
    const started = performance.now();
    expectDegraded(await query(acrossMembers, undefined, withHung.url));
    const waited = performance.now() - started;
    expect(held.length).toBeGreaterThan(before);
    // The gateway waited for the hung subgraph as long as the budget, and not much longer.
    expect(waited).toBeGreaterThanOrEqual(budget - 50);
    expect(waited).toBeLessThan(budget + 2_000);
  });
});

describe('an abandoned request', () => {
  it('stops the subgraph’s SQL and gives its pool connection back', async () => {
    const dataSource = graph.databases.innovations.dataSource;
    const pool = (dataSource.driver as unknown as { master: Pool }).master;
    const busy = () => pool.totalCount - pool.idleCount;
    // Hold the innovations table so the subgraph's first statement waits.
    const blocker = new Client({ connectionString: (dataSource.options as { url: string }).url });
    await blocker.connect();
    // Sessions are watched from outside the blocker's transaction, which would see one snapshot of them.
    const observer = new Client({ connectionString: (dataSource.options as { url: string }).url });
    await observer.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE innovations.innovation IN ACCESS EXCLUSIVE MODE');
    const client = new AbortController();
    let statements: number;
    try {
      statements = await statementsIn('innovations', async () => {
        const request = fetch(graph.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ innovations(first: 1) { totalCount edges { node { title } } } }' }),
          signal: client.signal,
        }).catch(() => undefined);
        await until(() => busy() > 0);
        let cancelledPid: number | undefined;
        if (process.env.TEST_DATABASE_URL) {
          // The subgraph's session waiting on the lock (on the embedded database there are no sessions to see).
          await until(async () => {
            const { rows } = await observer.query(`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'`);
            cancelledPid = rows[0]?.pid;
            return cancelledPid !== undefined;
          });
        }
        const abandonedBefore = abandonedRequests.count;
        client.abort();
        await request;
        // The gateway notices the client went away, cancels its subgraph call, and the subgraph notices in turn.
        await until(() => abandonedRequests.count >= abandonedBefore + 2);
        if (process.env.TEST_DATABASE_URL) {
          // A PostgreSQL server cancels the waiting statement: the pool is free while the lock is still held.
          await until(() => busy() === 0);
          // And the session it ran in is closed at once, not lent to another request that a late cancel
          // could hit (an idle pooled session would stay for the pool's 10 s idle timeout). Behind
          // PgBouncer in transaction mode the server session is PgBouncer's to keep, and PgBouncer
          // forwards a cancel only to the session its client holds at that moment.
          if (process.env.TEST_DATABASE_POOL_MODE !== 'transaction') {
            const gone = async () =>
              (await observer.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1`, [cancelledPid])).rows[0].n === 0;
            await until(gone, 3_000);
          }
        }
        await blocker.query('COMMIT');
        await until(() => busy() === 0);
      });
    } finally {
      await blocker.end();
      await observer.end();
    }
    // Unabandoned, this query runs two statements (page, count); abandoned, the second never runs.
    expect(statements).toBe(1);
    const after = await query('{ innovations(first: 1) { totalCount } }');
    expect(after.body.errors).toBeUndefined();
  });
});

describe('HTTP time limits', () => {
  it('cuts off a client that trickles its headers', async () => {
    const { closed, received } = await trickle(cut.url, 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 'a');
    expect(closed).toBe(true);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts off a client that trickles its body', async () => {
    const head = 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"query":"';
    const { closed, received } = await trickle(cut.url, head, ' ');
    expect(closed).toBe(true);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('sets keep-alive and per-socket limits below Node’s defaults', () => {
    const config = loadGatewayConfig(productionDefaults, subgraphNames);
    expect(config.http.headersTimeoutMs).toBeLessThan(60_000);
    expect(config.http.requestTimeoutMs).toBeLessThan(300_000);
    expect(config.http.maxRequestsPerSocket).toBeGreaterThan(0);
    expect(config.http.requestTimeBudgetMs).toBeLessThanOrEqual(config.http.requestTimeoutMs);
  });
});

/** Polls `condition` (a state, not a duration) until it holds; fails the test after `withinMs` (20 s). */
async function until(condition: () => boolean | Promise<boolean>, withinMs = 20_000): Promise<void> {
  for (let tries = 0; tries < withinMs / 50; tries += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition never held');
}

/**
 * Sends `head`, then one `unit` every 100 ms, up to 200 times (20 s: well past the configured
 * limits, far below Node's defaults), and reports whether the server closed the connection first.
 */
function trickle(url: string, head: string, unit: string): Promise<{ closed: boolean; received: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let received = '';
    let sent = 0;
    const socket = connect(Number(port), hostname, () => socket.write(head));
    const timer = setInterval(() => {
      if (sent++ >= 200) {
        clearInterval(timer);
        socket.destroy();
        resolve({ closed: false, received });
      } else if (!socket.destroyed) socket.write(unit);
    }, 100);
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ closed: true, received });
    });
  });
}
