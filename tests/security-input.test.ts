import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { Person } from '../subgraphs/members/entities';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { codesOf as codes, refusalOf } from './support/graphql-results';

/**
 * Issue 6, item 7, for signed-in callers: every string input of the schema has a length limit,
 * platform staff are managed by platform admins only, and inviting does not reveal who is
 * registered elsewhere. Through the gateway (in-process), with development tokens.
 */
let graph: TestGraph;
let kentAdmin: string;
let bodyAdmin: string;
let platformAdmin: string;
const kent = demoOrganisation('kent');
const body = demoOrganisation('ips-body');
const analyst = demoPersona('analyst');

beforeAll(async () => {
  graph = await startTestGraph();
  // An organisation admin of the body that runs the IPS, holding no platform role.
  const officeManager = await graph.databases.members.dataSource.getRepository(Person).save({
    organisationId: body.id,
    name: 'Office Manager',
    jobTitle: 'Office manager',
    email: 'office@roads-innovation.example',
    phone: null,
    organisationRoles: ['ORG_ADMIN'],
    platformRoles: [],
  });
  bodyAdmin = `Bearer ${await graph.tokenFor(officeManager.email)}`;
  kentAdmin = `Bearer ${await graph.tokenFor(demoPersona('kent-admin').email)}`;
  platformAdmin = `Bearer ${await graph.tokenFor(demoPersona('platform-admin').email)}`;
});
afterAll(async () => {
  await graph?.stop();
});

const invite = `mutation ($input: InvitePersonInput!) { invitePerson(input: $input) { token invitation { email } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const accept = `mutation ($token: String!, $name: String!, $jobTitle: String) { acceptInvitation(token: $token, name: $name, jobTitle: $jobTitle) { person { name jobTitle } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;

describe('string inputs have length limits', () => {
  it('refuses a 900,000-character job title before it reaches the members service', async () => {
    const { data } = await graph.execute(
      invite,
      { input: { organisationId: kent.id, email: 'long.title@kent.gov.uk', roles: ['VIEWER'] } },
      kentAdmin,
    );
    const token = data?.invitePerson.token as string;
    const huge = await graph.execute(accept, { token, name: 'Long Title', jobTitle: 'x'.repeat(900_000) });
    expect(codes(huge)).toEqual(['BAD_USER_INPUT']);
    expect(huge.statements).toBe(0);
    const long = await graph.execute(accept, { token, name: 'Long Title', jobTitle: 'x'.repeat(201) });
    expect(refusalOf(long)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'jobTitle' });
    // Accepted by the invitee, signed in with the invited address (issue 22 item 5).
    const invitee = `Bearer ${await graph.tokenFor('long.title@kent.gov.uk')}`;
    const fits = await graph.execute(accept, { token, name: 'Long Title', jobTitle: 'Highways officer' }, invitee);
    expect(fits.data?.acceptInvitation.person).toEqual({ name: 'Long Title', jobTitle: 'Highways officer' });
  });

  const long = (length: number) => 'x'.repeat(length);
  it.each([
    [
      'a membership reason',
      `mutation { suspendMembership(organisationId: "${kent.id}", reason: "${long(2001)}") { membership { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      'admin',
    ],
    ['an organisation name filter', `{ organisations(filter: { nameContains: "${long(201)}" }) { totalCount } }`, undefined],
    ['an organisation region filter', `{ organisations(filter: { region: "${long(101)}" }) { totalCount } }`, undefined],
    ['an innovation search', `{ innovations(search: "${long(201)}") { totalCount } }`, undefined],
    ['a route search', `{ procurementRoutes(filter: { search: "${long(201)}" }) { totalCount } }`, undefined],
    ['a cursor', `{ organisations(after: "${long(513)}") { totalCount } }`, undefined],
    [
      'an invitation token',
      `mutation { acceptInvitation(token: "${long(101)}", name: "A") { person { name } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      undefined,
    ],
    [
      'an invitee name',
      `mutation { acceptInvitation(token: "t", name: "${long(201)}") { person { name } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      undefined,
    ],
    [
      'an invited email',
      `mutation { invitePerson(input: { organisationId: "${kent.id}", email: "${long(320)}@kent.gov.uk", roles: [VIEWER] }) { token refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      'kent',
    ],
  ])('refuses an over-long %s with BAD_USER_INPUT', async (_label, text, caller) => {
    // Tokens exist only once beforeAll has run, hence names here.
    const result = await graph.execute(text, undefined, caller === 'kent' ? kentAdmin : caller === 'admin' ? platformAdmin : undefined);
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('people who hold platform roles', () => {
  it('cannot be removed or demoted by an organisation admin of the platform body', async () => {
    const demote = await graph.execute(
      `mutation ($id: ID!) { changePersonRoles(personId: $id, roles: [BUYER]) { person { organisationRoles } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: analyst.id },
      bodyAdmin,
    );
    expect(codes(demote)).toEqual(['FORBIDDEN']);
    const remove = await graph.execute(
      `mutation ($id: ID!) { removePerson(personId: $id) { removedPersonId refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: analyst.id },
      bodyAdmin,
    );
    expect(codes(remove)).toEqual(['FORBIDDEN']);
    const still = await graph.databases.members.dataSource.getRepository(Person).findOneByOrFail({ id: analyst.id });
    expect(still.organisationRoles).toEqual(['VIEWER']);
  });

  it('are managed by platform admins', async () => {
    const changed = await graph.execute(
      `mutation ($id: ID!) { changePersonRoles(personId: $id, roles: [VIEWER]) { person { organisationRoles } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: analyst.id },
      platformAdmin,
    );
    expect(codes(changed)).toEqual([]);
    expect(changed.data?.changePersonRoles.person.organisationRoles).toEqual(['VIEWER']);
  });
});

describe('invitePerson', () => {
  it('answers the same for an email registered with another organisation as for a new one', async () => {
    const elsewhere = await graph.execute(
      invite,
      { input: { organisationId: kent.id, email: demoPersona('cardiff-buyer').email, roles: ['VIEWER'] } },
      kentAdmin,
    );
    const fresh = await graph.execute(
      invite,
      { input: { organisationId: kent.id, email: 'nobody.yet@kent.gov.uk', roles: ['VIEWER'] } },
      kentAdmin,
    );
    expect(codes(elsewhere)).toEqual([]);
    expect(codes(fresh)).toEqual([]);
    expect(Object.keys(elsewhere.data?.invitePerson)).toEqual(Object.keys(fresh.data?.invitePerson));
    // The invitee cannot take a second identity with it: signed in as themselves, they are told so.
    const owner = `Bearer ${await graph.tokenFor(demoPersona('cardiff-buyer').email)}`;
    const taken = await graph.execute(accept, { token: elsewhere.data?.invitePerson.token, name: 'Twice' }, owner);
    expect(codes(taken)).toEqual(['CONFLICT']);
  });
});
