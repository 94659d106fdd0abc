import { SignJWT } from 'jose';
import { demoOrganisations } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { startGatewayService } from '../gateway/server';
import { SubgraphClient } from '../gateway/subgraph-client';
import {
  developmentTokenAudience,
  developmentTokenIssuer,
  developmentTokenSecret,
  gatewayVariableNames,
  loadGatewayConfig,
  loadSubgraphConfig,
  subgraphVariableNames,
  type Environment,
} from '../platform/config';
import { createGatewayAssertion, gatewayAssertionHeader } from '../platform/gateway-assertion';
import { subgraphNames, type SubgraphName } from '../platform/subgraph-names';
import { startSubgraphService, type RunningService } from '../platform/subgraph-server';
import { subgraphModules } from '../subgraphs';
import { codesOf, refusalOf } from './support/graphql-results';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * The gateway boundary as an attacker probes it: every service over HTTP in this process (the
 * production code path: HTTP data sources, the members identity lookup, assertions on the wire),
 * on one test database. Each probe reproduces a finding of issue 6 and asserts the refusal:
 * an overheard gateway assertion replayed elsewhere, later or again (item 2); removal, role
 * changes and suspension applying on the next request (item 4); tokens without expiry, too old,
 * with an unverified email or another person's subject (item 5).
 */
jest.setTimeout(120_000);

let database: TestDatabase;
const subgraphs = {} as Record<SubgraphName, RunningService>;
/** A second members instance whose clock runs six seconds ahead: assertions reach it "late". */
let lateMembers: RunningService;
let gateway: RunningService;
const environment: Environment = {
  NODE_ENV: 'test',
  IPS_PROFILE: 'development',
  SEED_DEMO_DATA: 'true',
  DB_POOL_MAX: '3',
};
const lateByMs = 6_000;

beforeAll(async () => {
  database = await createTestDatabase();
  for (const name of subgraphNames) {
    const variables = subgraphVariableNames(name);
    const config = loadSubgraphConfig(name, { ...environment, [variables.port]: '0', [variables.databaseUrl]: database.url });
    subgraphs[name] = await startSubgraphService(subgraphModules[name], config);
    if (name === 'members') {
      lateMembers = await startSubgraphService(subgraphModules.members, config, { now: () => Date.now() + lateByMs });
    }
  }
  const gatewayEnv: Environment = { ...environment, GATEWAY_PORT: '0' };
  for (const name of subgraphNames) gatewayEnv[gatewayVariableNames().subgraphUrl(name)] = subgraphs[name].url;
  gateway = await startGatewayService(loadGatewayConfig(gatewayEnv, subgraphNames));
});

afterAll(async () => {
  await gateway?.stop();
  await lateMembers?.stop();
  for (const service of Object.values(subgraphs)) await service.stop();
  await database?.drop();
});

afterEach(() => jest.restoreAllMocks());

/** A token as an issuer would sign it: claims given here are exactly the claims sent. */
function token(claims: Record<string, unknown>, options: { expiresIn?: string | number | null; issuedAt?: number } = {}) {
  const jwt = new SignJWT({ sub: claims.email as string, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(developmentTokenIssuer)
    .setAudience(developmentTokenAudience)
    .setIssuedAt(options.issuedAt);
  if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? '1h');
  return jwt.sign(new TextEncoder().encode(developmentTokenSecret));
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: (await response.json()) as any };
}

async function asPerson(email: string, query: string, variables?: Record<string, unknown>, claims: Record<string, unknown> = {}) {
  return post(gateway.url, JSON.stringify({ query, variables }), { authorization: `Bearer ${await token({ email, ...claims })}` });
}

const platformAdmin = demoPersona('platform-admin');
async function asPlatformAdmin(query: string, variables?: Record<string, unknown>) {
  const { body } = await asPerson(platformAdmin.email, query, variables);
  // Neither an error nor a refusal in a mutation's payload: the change was made.
  expect(codesOf(body)).toEqual([]);
  return body.data;
}

/** Runs `query` through the gateway while recording what it sent to `subgraph` on the wire. */
async function overhear(subgraph: SubgraphName, query: string, email: string) {
  const realPost = SubgraphClient.prototype.post;
  const heard: { assertion: string; body: string }[] = [];
  // The gateway's subgraph calls go through its keep-alive client (gateway/subgraph-client.ts).
  jest.spyOn(SubgraphClient.prototype, 'post').mockImplementation(function (this: SubgraphClient, call) {
    if (call.url === subgraphs[subgraph].url && call.headers[gatewayAssertionHeader]) {
      heard.push({ assertion: call.headers[gatewayAssertionHeader]!, body: call.body });
    }
    return realPost.call(this, call);
  });
  const { status } = await asPerson(email, query);
  jest.restoreAllMocks();
  expect(status).toBe(200);
  expect(heard.length).toBeGreaterThan(0);
  return heard[0]!;
}

describe('an overheard gateway assertion', () => {
  const buyer = demoPersona('kent-buyer');
  const query = `{ viewer { person { email } } organisations(first: 1) { totalCount } }`;

  it('is refused by another subgraph', async () => {
    const heard = await overhear('members', query, buyer.email);
    for (const body of [heard.body, JSON.stringify({ query: `{ events(first: 5) { totalCount } }` })]) {
      const replay = await post(subgraphs.events.url, body, { [gatewayAssertionHeader]: heard.assertion });
      expect(replay.status).toBe(401);
      expect(replay.body.data).toBeUndefined();
    }
  });

  it('is refused with another body: it cannot carry another operation or other variables', async () => {
    const heard = await overhear('members', query, buyer.email);
    const kent = demoOrganisations.find((o) => o.id === buyer.organisationId)!;
    for (const other of [
      JSON.stringify({
        query: `mutation { suspendMembership(organisationId: "${kent.id}", reason: "replayed") { membership { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      }),
      JSON.stringify({
        query: `{ _entities(representations: [{ __typename: "Person", id: "${buyer.id}" }]) { ... on Person { email phone } } }`,
      }),
      `${heard.body} `,
    ]) {
      const replay = await post(subgraphs.members.url, other, { [gatewayAssertionHeader]: heard.assertion });
      expect(replay.status).toBe(401);
      expect(replay.body.data).toBeUndefined();
    }
  });

  it('is refused when sent again unchanged', async () => {
    const heard = await overhear('members', query, buyer.email);
    const replay = await post(subgraphs.members.url, heard.body, { [gatewayAssertionHeader]: heard.assertion });
    expect(replay.status).toBe(401);
  });

  it('is refused after a few seconds, while a fresh one is accepted', async () => {
    const heard = await overhear('members', query, buyer.email);
    const late = await post(lateMembers.url, heard.body, { [gatewayAssertionHeader]: heard.assertion });
    expect(late.status).toBe(401);

    const body = JSON.stringify({ query: `{ organisations(first: 1) { totalCount } }` });
    const fresh = createGatewayAssertion({
      subgraph: 'members',
      body,
      identity: null,
      secret: loadSubgraphConfig('members', environment).gatewaySecret,
      now: Date.now() + lateByMs,
    });
    const accepted = await post(lateMembers.url, body, { [gatewayAssertionHeader]: fresh });
    expect(accepted.status).toBe(200);
    expect(accepted.body.data.organisations.totalCount).toBeGreaterThan(0);
  });
});

const invite = `mutation Invite($input: InvitePersonInput!) { invitePerson(input: $input) { invitation { email } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const changeRoles = `mutation Roles($personId: ID!, $roles: [OrganisationRole!]!) { changePersonRoles(personId: $personId, roles: $roles) { person { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const viewerRoles = `{ viewer { organisationRoles } }`;

describe('revocation takes effect on the next request', () => {
  it('a removed ORG_ADMIN cannot create a new admin straight after removal (the issue’s exploit)', async () => {
    const priya = demoPersona('kent-admin');
    const tom = demoPersona('kent-buyer');
    // A second Kent admin, so Priya is not the last one and can be removed.
    await asPlatformAdmin(changeRoles, { personId: tom.id, roles: ['ORG_ADMIN', 'BUYER'] });
    expect((await asPerson(priya.email, viewerRoles)).body.data.viewer.organisationRoles).toContain('ORG_ADMIN');

    await asPlatformAdmin(
      `mutation Remove($id: ID!) { removePerson(personId: $id) { removedPersonId refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: priya.id },
    );

    const { status, body } = await asPerson(priya.email, invite, {
      input: { organisationId: priya.organisationId, email: 'accomplice@kent.gov.uk', roles: ['ORG_ADMIN'] },
    });
    expect(status).toBe(401);
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.data).toBeUndefined();
  });

  it('a demoted ORG_ADMIN loses the role on the next request', async () => {
    const owen = demoPersona('resurface-admin');
    const grace = demoPersona('resurface-contributor');
    await asPlatformAdmin(changeRoles, { personId: grace.id, roles: ['ORG_ADMIN', 'SUPPLIER_CONTRIBUTOR'] });
    expect((await asPerson(owen.email, viewerRoles)).body.data.viewer.organisationRoles).toContain('ORG_ADMIN');

    await asPlatformAdmin(changeRoles, { personId: owen.id, roles: ['SUPPLIER_CONTRIBUTOR'] });

    expect((await asPerson(owen.email, viewerRoles)).body.data.viewer.organisationRoles).toEqual(['SUPPLIER_CONTRIBUTOR']);
    const { body } = await asPerson(owen.email, invite, {
      input: { organisationId: owen.organisationId, email: 'accomplice@resurface-tech.example', roles: ['ORG_ADMIN'] },
    });
    expect(refusalOf(body).code).toBe('FORBIDDEN');
  });

  it('a suspended organisation’s buyer loses member-only events on the next request', async () => {
    const tom = demoPersona('kent-buyer');
    const membersOnly = `{ events(first: 100, filter: { audiences: [ALL_MEMBERS, BUYERS] }) { totalCount edges { node { hosts { id } } } } }`;
    const before = (await asPerson(tom.email, membersOnly)).body.data.events;
    const notHostedByKent = (edges: { node: { hosts: { id: string }[] } }[]) =>
      edges.filter((edge) => !edge.node.hosts.some((host) => host.id === tom.organisationId)).length;
    expect(notHostedByKent(before.edges)).toBeGreaterThan(0);

    await asPlatformAdmin(
      `mutation Suspend($id: ID!) { suspendMembership(organisationId: $id, reason: "Unpaid fees") { membership { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      {
        id: tom.organisationId,
      },
    );

    const after = (await asPerson(tom.email, membersOnly)).body.data.events;
    // Only events Kent hosts itself remain visible to its people.
    expect(notHostedByKent(after.edges)).toBe(0);
    expect(
      (await asPerson(tom.email, `{ viewer { organisation { membership { status } } } }`)).body.data.viewer.organisation.membership.status,
    ).toBe('SUSPENDED');
  });
});

describe('tokens', () => {
  const callum = demoPersona('leeds-viewer');
  const ffion = demoPersona('cardiff-buyer');
  const query = `{ viewer { person { email } } }`;

  async function refused(claims: Record<string, unknown>, options: Parameters<typeof token>[1] = {}) {
    const response = await post(gateway.url, JSON.stringify({ query }), { authorization: `Bearer ${await token(claims, options)}` });
    expect({ status: response.status, code: response.body.errors?.[0]?.extensions?.code, data: response.body.data }).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
      data: undefined,
    });
  }

  it('refuses a token without an expiry', () => refused({ email: callum.email }, { expiresIn: null }));

  it('refuses a token older than the maximum age, whatever its expiry', () =>
    refused({ email: callum.email }, { issuedAt: Math.floor(Date.now() / 1000) - 13 * 3600, expiresIn: '30d' }));

  it('refuses a token whose email is not verified', () => refused({ email: callum.email, email_verified: false }));

  it('binds a person to the subject of their first sign-in and refuses another subject later', async () => {
    const first = await asPerson(ffion.email, query, undefined, { sub: 'issuer|ffion' });
    expect(first.body.data.viewer.person.email).toBe(ffion.email);
    expect((await asPerson(ffion.email, query, undefined, { sub: 'issuer|ffion' })).body.data.viewer.person.email).toBe(ffion.email);
    // Same email, someone else's issuer account.
    await refused({ email: ffion.email, sub: 'issuer|mallory' });
    // Ffion's subject presented with another person's email.
    await refused({ email: callum.email, sub: 'issuer|ffion' });
  });
});
