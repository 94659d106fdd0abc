import { randomBytes } from 'node:crypto';
import type { RunningService } from '../platform/subgraph-server';
import { statementCountHeader } from '../platform/statement-counter';
import { startProductionGraph, type ProductionGraph } from './support/production-graph';

/**
 * Issue 22 item 4: development behaviour only under the development profile. A gateway started
 * with real secrets and no NODE_ENV (an operator who never set it) used to count as development:
 * stack traces and "did you mean" suggestions in answers, introspection for anyone, /metrics on the
 * public port, and `POST /explorer/sign-in` minting a PLATFORM_ADMIN token with the real key. Each
 * probe runs against that gateway and against one started with IPS_PROFILE=development, where
 * they are meant to be on.
 */
jest.setTimeout(120_000);

let graph: ProductionGraph;
/** Real secrets, development token key (no OIDC issuer), and no NODE_ENV at all. */
let unprofiled: RunningService;
/** The same with IPS_PROFILE=development, as `npm start` runs it. */
let development: RunningService;

const noOidc = { AUTH_JWKS_URL: undefined, AUTH_ISSUER: undefined, AUTH_AUDIENCE: undefined };

beforeAll(async () => {
  graph = await startProductionGraph();
  unprofiled = await graph.startGateway({ ...noOidc, NODE_ENV: undefined, AUTH_DEV_SECRET: randomBytes(48).toString('base64url') });
  development = await graph.startGateway({ ...noOidc, NODE_ENV: undefined, IPS_PROFILE: 'development' });
});

afterAll(async () => {
  await graph?.stop();
});

const origin = (service: RunningService) => new URL(service.url).origin;

async function query(service: RunningService, text: string) {
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

/** A misspelt root field: graphql-js suggests the real ones, and Apollo can attach a stack trace. */
const misspelt = '{ innovatons(first: 1) { totalCount } }';
const introspection = '{ __schema { queryType { name } } }';

async function signIn(service: RunningService) {
  return fetch(`${origin(service)}/explorer/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ persona: 'platform-admin' }),
  });
}

describe('with real secrets and no NODE_ENV, without IPS_PROFILE: production behaviour', () => {
  it('answers errors without stack traces or suggestions', async () => {
    const answer = await query(unprofiled, misspelt);
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(answer.body.errors[0].extensions.stacktrace).toBeUndefined();
    expect(answer.body.errors[0].message).not.toMatch(/Did you mean/);
    expect(JSON.stringify(answer.body)).not.toMatch(/innovations/);
  });

  it('refuses introspection to anonymous callers', async () => {
    const answer = await query(unprofiled, introspection);
    expect(answer.body.data?.__schema).toBeUndefined();
    expect(answer.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('serves no /metrics on the public port and no statement counts', async () => {
    expect((await fetch(`${origin(unprofiled)}/metrics`)).status).toBe(404);
    expect((await query(unprofiled, '{ __typename }')).headers.get(statementCountHeader)).toBeNull();
  });

  it('mints no tokens: persona sign-in is not there', async () => {
    const response = await signIn(unprofiled);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/"token"/);
    expect((await fetch(`${origin(unprofiled)}/explorer/personas`)).status).toBe(404);
  });
});

describe('with IPS_PROFILE=development: development behaviour', () => {
  it('answers errors with stack traces and suggestions', async () => {
    const answer = await query(development, misspelt);
    expect(answer.body.errors[0].extensions.stacktrace).toEqual(expect.any(Array));
    expect(answer.body.errors[0].message).toMatch(/Did you mean "innovations/);
  });

  it('lets anyone introspect', async () => {
    const answer = await query(development, introspection);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.__schema.queryType.name).toBe('Query');
  });

  it('serves /metrics on the public port and statement counts', async () => {
    expect((await fetch(`${origin(development)}/metrics`)).status).toBe(200);
    expect((await query(development, '{ __typename }')).headers.get(statementCountHeader)).toBe('0');
  });

  it('signs demo personas in', async () => {
    const response = await signIn(development);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { token: string }).token).toMatch(/^ey/);
  });
});
