import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { getIntrospectionQuery, parse, print } from 'graphql';
import { demoPersonas, type DemoPersona } from '../demo-data/personas';
import { operationNameFor } from '../explorer/operation-name';
import { mayIntrospect, usesIntrospection } from '../gateway/explorer/introspection-by-role';
import { loadExampleOperations, parseExampleOperation } from '../gateway/explorer/operations';
import { addExplorerRoutes, explorerContentSecurityPolicy, personaSignInEnabled } from '../gateway/explorer/routes';
import { CatalogueSearchDocument, type CatalogueSearchQuery, type CatalogueSearchQueryVariables } from '../operations/generated/graphql';
import { loadGatewayConfig } from '../platform/config';
import { createApp } from '../platform/http';
import { subgraphNames } from '../platform/subgraph-names';
import { demoExplorerPersonas } from '../scripts/explorer-personas';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { personaViewer } from './support/viewers';

/**
 * The explorer's server side: who may introspect in production, the example operations (each runs
 * cleanly for every role it is offered to), and the routes that serve the page and sign personas
 * in. The browser itself is driven in explorer-browser.test.ts.
 */
let graph: TestGraph;
const tokens = new Map<string, string>();

async function as(personaKey: string | null): Promise<string | undefined> {
  if (!personaKey) return undefined;
  if (!tokens.has(personaKey)) {
    const persona = demoPersonas.find((p) => p.key === personaKey)!;
    tokens.set(personaKey, `Bearer ${await graph.tokenFor(persona.email)}`);
  }
  return tokens.get(personaKey);
}

beforeAll(async () => {
  // The test graph runs the production profile (development: false).
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph?.stop();
});

describe('introspection by role (production profile)', () => {
  const introspection = getIntrospectionQuery();

  it.each(['analyst', 'platform-admin'])('lets %s read the schema', async (persona) => {
    const result = await graph.execute<{ __schema: { types: unknown[] } }>(introspection, {}, await as(persona));
    expect(result.errors).toBeUndefined();
    expect(result.data?.__schema.types.length).toBeGreaterThan(20);
  });

  it.each([null, 'kent-buyer', 'assessor', 'resurface-contributor'])('refuses %s, also inside a fragment', async (persona) => {
    for (const query of [introspection, '{ ...F } fragment F on Query { __type(name: "Innovation") { fields { name } } }']) {
      const result = await graph.execute(query, {}, await as(persona));
      expect(result.data).toBeUndefined();
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });

  it('still answers __typename, which is not introspection', async () => {
    const result = await graph.execute('{ __typename }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ __typename: 'Query' });
  });

  it('gives no field suggestions to callers who may not introspect', async () => {
    const result = await graph.execute('{ innovatio(id: "x") { id } }', {}, await as('kent-buyer'));
    expect(result.errors?.[0]?.message).toMatch(/Cannot query field/);
    expect(result.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('lets everyone introspect in development, and finds introspection anywhere in a document', () => {
    expect(mayIntrospect(null, true)).toBe(true);
    expect(mayIntrospect(personaViewer('kent-buyer'), false)).toBe(false);
    expect(mayIntrospect(personaViewer('analyst'), false)).toBe(true);
    expect(usesIntrospection(parse('{ innovations { totalCount } }'))).toBe(false);
    expect(usesIntrospection(parse('query { innovations { edges { node { ... on Innovation { __type: id } } } } }'))).toBe(false);
    expect(usesIntrospection(parse('{ a: __schema { queryType { name } } }'))).toBe(true);
  });
});

describe('example operations', () => {
  const examples = loadExampleOperations();
  const personaFor = (role: string): DemoPersona | null =>
    role === 'EVERYONE' || role === 'ANONYMOUS'
      ? null
      : (demoPersonas.find((p) => p.signsInAs === role) ??
        demoPersonas.find((p) => [...p.organisationRoles, ...p.platformRoles].includes(role as never))!);

  it('each names its roles and holds one named operation', () => {
    expect(examples.map((e) => e.name)).toEqual(
      expect.arrayContaining(['catalogue-search', 'innovations-with-routes', 'buyer-view', 'supplier-view', 'market-overview']),
    );
    expect(() => parseExampleOperation('bad', 'query A { __typename }')).toThrow(/title/);
    expect(() => parseExampleOperation('bad', '# title: x\n# roles: EVERYONE\n{ __typename }')).toThrow(/named operation/);
  });

  it('each runs without errors, with data, for a persona of every role it is offered to', async () => {
    for (const example of examples) {
      for (const role of example.roles) {
        const persona = personaFor(role);
        const result = await graph.execute(example.document, JSON.parse(example.variables), await as(persona?.key ?? null));
        expect({ example: example.name, role, errors: result.errors }).toEqual({ example: example.name, role, errors: undefined });
        expect(Object.values(result.data ?? {}).every((value) => value !== null)).toBe(true);
      }
    }
  });
});

describe('the operation name the explorer sends', () => {
  it('comes from the document sent, so a name left over from the previous example is never sent', () => {
    expect(operationNameFor('query SupplierView { __typename }', 'BuyerView')).toBe('SupplierView');
    expect(operationNameFor('# a comment\nquery SupplierView { __typename }', null)).toBe('SupplierView');
    // Several operations: the one the caller picked, else none (the gateway then asks which).
    expect(operationNameFor('query A { __typename } query B { __typename }', 'B')).toBe('B');
    expect(operationNameFor('query A { __typename } query B { __typename }', 'C')).toBeUndefined();
    expect(operationNameFor('{ __typename }', 'BuyerView')).toBeUndefined();
    // Not a document: sent as it is, for the gateway to report the syntax error.
    expect(operationNameFor('query A {', 'A')).toBe('A');
  });
});

describe('typed operations (codegen client preset)', () => {
  it('gives front ends typed documents for the example operations', async () => {
    const variables: CatalogueSearchQueryVariables = { search: 'pothole', first: 3 };
    const result = await graph.execute<CatalogueSearchQuery>(print(CatalogueSearchDocument), variables);
    expect(result.errors).toBeUndefined();
    // Typed: a misspelt field here would not compile.
    const titles: string[] = result.data!.innovations!.edges.map(({ node }) => node.title);
    expect(titles.length).toBeGreaterThan(0);
    expect(result.data!.innovations!.edges.every(({ node }) => typeof node.supplier?.name === 'string')).toBe(true);
  });
});

describe('explorer routes', () => {
  async function serve(env: Record<string, string>, personas = demoExplorerPersonas) {
    const app = createApp();
    // As the development launcher does: the gateway is handed the demo personas, and offers them only under the development profile.
    addExplorerRoutes(app, loadGatewayConfig(env, subgraphNames), personas);
    app.use((_request, response) => response.status(418).end());
    const server: Server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
  }
  const production = {
    NODE_ENV: 'production',
    GATEWAY_SUBGRAPH_SECRET: randomBytes(48).toString('base64url'),
    AUTH_JWKS_URL: 'https://identity.example.org/jwks.json',
    AUTH_ISSUER: 'https://identity.example.org/',
    AUTH_AUDIENCE: 'ips-graph',
  };

  it('serves the page to browsers only, with the strict CSP; JSON clients reach GraphQL', async () => {
    const { base, server } = await serve({ NODE_ENV: 'development', IPS_PROFILE: 'development' });
    try {
      const page = await fetch(`${base}/graphql`, { headers: { accept: 'text/html,*/*;q=0.8' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe(explorerContentSecurityPolicy);
      const html = await page.text();
      expect(html).toContain('"signIn":"personas"');
      expect(html).not.toMatch(/https?:\/\//);
      expect(explorerContentSecurityPolicy).not.toMatch(/https?:|\*|unsafe/);
      expect((await fetch(`${base}/graphql`, { headers: { accept: 'application/json' } })).status).toBe(418);
      expect((await fetch(`${base}/graphql?query={__typename}`, { headers: { accept: 'text/html' } })).status).toBe(418);

      // Every demo persona, so a workflow can be walked: a supplier's admin, a second assessor…
      const personas = (await (await fetch(`${base}/explorer/personas`)).json()) as { key: string }[];
      expect(personas.map((p) => p.key)).toEqual(demoPersonas.map((p) => p.key));
      expect(personas.map((p) => p.key)).toEqual(expect.arrayContaining(['kent-buyer', 'resurface-admin', 'second-assessor']));
      const secondAssessor = await fetch(`${base}/explorer/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ persona: 'second-assessor' }),
      });
      expect(((await secondAssessor.json()) as { token: string }).token).toMatch(/^ey/);
      const signIn = await fetch(`${base}/explorer/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ persona: 'kent-buyer' }),
      });
      expect(((await signIn.json()) as { token: string }).token).toMatch(/^ey/);
      const examples = await fetch(`${base}/explorer/operations.json`);
      expect(examples.status).toBe(200);
    } finally {
      server.close();
    }
  });

  it('offers no personas when none were handed to it (gateway/main.ts), even under the development profile', async () => {
    const { base, server } = await serve({ NODE_ENV: 'development', IPS_PROFILE: 'development' }, []);
    try {
      const html = await (await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } })).text();
      expect(html).toContain('"signIn":"token"');
      expect((await fetch(`${base}/explorer/personas`)).status).toBe(418);
    } finally {
      server.close();
    }
  });

  it('mints no tokens in production: the page asks for a pasted token', async () => {
    expect(personaSignInEnabled(loadGatewayConfig(production, subgraphNames))).toBe(false);
    const { base, server } = await serve(production);
    try {
      const html = await (await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } })).text();
      expect(html).toContain('"signIn":"token"');
      expect((await fetch(`${base}/explorer/personas`)).status).toBe(418);
      const signIn = await fetch(`${base}/explorer/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ persona: 'platform-admin' }),
      });
      expect(signIn.status).toBe(418);
    } finally {
      server.close();
    }
  });
});
