import { demoPersona } from '../demo-data/personas';
import { codesOf, developmentBearer, expectData, postGraphQL, refusalOf, type GraphQLAnswer } from './support/graphql-results';
import { startHttpGraph, type HttpGraph } from './support/http-graph';

/**
 * Issue 22 item 5: invitations proven by the invitee. Every service over HTTP behind our gateway.
 * Accepting needs a verified token for the invited address (a newcomer: nobody has the address
 * yet); anonymous callers and callers signed in as any other address are refused, the latter with
 * one answer whether or not their address is registered; acceptance binds the new person to the
 * sign-in account. Organisations may restrict invitations to verified email domains.
 */
jest.setTimeout(120_000);

let graph: HttpGraph;
beforeAll(async () => {
  graph = await startHttpGraph({ nodeEnv: 'test', gateway: true });
});
afterAll(async () => {
  await graph?.stop();
});

type Caller = { email: string; subject?: string };
const post = async <TData = unknown>(query: string, variables: Record<string, unknown>, as?: Caller) =>
  postGraphQL<TData>(graph.gatewayUrl!, query, variables, as && (await developmentBearer(as.email, as.subject ?? `idp|${as.email}`)));
const persona = (key: string): Caller => ({ email: demoPersona(key).email, subject: demoPersona(key).email });
/** The data of an operation that must succeed: no error, and no refusal in a mutation's payload. */
const ok = async <TData>(query: string, variables: Record<string, unknown>, as: Caller) => {
  const answer = await post<TData>(query, variables, as);
  expect(codesOf(answer)).toEqual([]);
  return expectData(answer);
};
type Invited = { invitePerson: { token: string } };
type Domains = { setInvitationDomains: { organisation: { invitationDomains: string[] } } };
/** The code and message of a refused answer: the payload's `refusal`, or the error (UNAUTHENTICATED). */
const refusal = (answer: GraphQLAnswer) => {
  const { code, message } = refusalOf(answer);
  return { code, message };
};

const kent = demoPersona('kent-admin').organisationId;
const invite = `mutation ($org: ID!, $email: String!) { invitePerson(input: { organisationId: $org, email: $email, roles: [BUYER] }) { token refusal { code message field ... on StateConflict { reason currentStatus currentVersion } ... on EmailDomainNotAllowed { allowedDomains } } } }`;
const accept = `mutation ($token: String!) { acceptInvitation(token: $token, name: "Nia Officer", jobTitle: "Buyer") { person { id name organisation { id } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const whoAmI = `{ viewer { person { id email } organisation { id } organisationRoles } }`;
const peopleOfKent = `query ($id: ID!) { organisation(id: $id) { people { email } } }`;

describe('accepting an invitation', () => {
  const invitee = { email: 'nia.officer@kent.gov.uk', subject: 'idp|nia' };
  let token: string;
  beforeAll(async () => {
    token = (await ok<Invited>(invite, { org: kent, email: invitee.email }, persona('kent-admin'))).invitePerson.token;
  });

  it('is refused to an anonymous caller, who creates nobody', async () => {
    const answer = await post<{ acceptInvitation: unknown }>(accept, { token });
    expect(refusal(answer).code).toBe('UNAUTHENTICATED');
    // Anonymous callers get an error, not a refusal: the payload itself is null.
    expect(answer.data?.acceptInvitation ?? null).toBeNull();
    const people = (await ok<{ organisation: { people: { email: string }[] } }>(peopleOfKent, { id: kent }, persona('kent-admin')))
      .organisation.people;
    expect(people.map((p) => p.email)).not.toContain(invitee.email);
  });

  it('is refused to anyone signed in as another address, with one answer whether or not they are registered', async () => {
    const registered = await post(accept, { token }, persona('leeds-viewer'));
    const stranger = await post(accept, { token }, { email: 'stranger@nowhere.example' });
    expect(refusal(registered).code).toBe('FORBIDDEN');
    expect(refusal(stranger)).toEqual(refusal(registered));
    expect(refusal(registered).message).not.toMatch(/registered|belongs|leeds/i);
  });

  it('says nothing about who holds an invited address that is registered elsewhere', async () => {
    // Kent invites Leeds's officer: only the address's owner may learn that it is taken.
    const callum = demoPersona('leeds-viewer');
    const taken = (await ok<Invited>(invite, { org: kent, email: callum.email }, persona('kent-admin'))).invitePerson.token;
    const free = (await ok<Invited>(invite, { org: kent, email: 'not.yet@kent.gov.uk' }, persona('kent-admin'))).invitePerson.token;
    const asStranger = { email: 'stranger@nowhere.example' };
    expect(refusal(await post(accept, { token: taken }, asStranger))).toEqual(refusal(await post(accept, { token: free }, asStranger)));
    expect(refusal(await post(accept, { token: taken }))).toEqual(refusal(await post(accept, { token: free })));
  });

  it('a newcomer may do nothing else: 401, as a token naming nobody always got', async () => {
    const answer = await post(whoAmI, {}, invitee);
    expect(answer.status).toBe(401);
    expect(answer.data).toBeUndefined();
    expect(refusal(answer).code).toBe('UNAUTHENTICATED');
  });

  it('works signed in as the invited address, and binds the new person to that sign-in account', async () => {
    const accepted = (await ok<{ acceptInvitation: { person: { id: string } } }>(accept, { token }, invitee)).acceptInvitation.person;
    expect(accepted).toMatchObject({ name: 'Nia Officer', organisation: { id: kent } });
    // Signed in straight away as a person of Kent, with the invited roles.
    expect((await ok<{ viewer: unknown }>(whoAmI, {}, invitee)).viewer).toEqual({
      person: { id: accepted.id, email: invitee.email },
      organisation: { id: kent },
      organisationRoles: ['BUYER'],
    });
    // Another account claiming the same address is not her.
    expect((await post(whoAmI, {}, { email: invitee.email, subject: 'idp|someone-else' })).status).toBe(401);
    // And the invitation is spent.
    expect(refusal(await post(accept, { token }, invitee)).code).toBe('CONFLICT');
  });
});

describe('restricting invitations to verified domains', () => {
  const setDomains = `mutation ($org: ID!, $domains: [String!]!) { setInvitationDomains(organisationId: $org, domains: $domains) { organisation { invitationDomains } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  const cardiff = demoPersona('cardiff-buyer');

  it('refuses invitations to other domains with EMAIL_DOMAIN_NOT_ALLOWED once the platform sets them', async () => {
    expect(
      (await ok<Domains>(setDomains, { org: kent, domains: ['Kent.gov.uk', '@kent.gov.uk'] }, persona('platform-admin')))
        .setInvitationDomains.organisation,
    ).toEqual({
      invitationDomains: ['kent.gov.uk'],
    });
    const outside = await post(invite, { org: kent, email: 'someone@gmail.example' }, persona('kent-admin'));
    expect(refusalOf(outside)).toMatchObject({ code: 'EMAIL_DOMAIN_NOT_ALLOWED', field: 'email', allowedDomains: ['kent.gov.uk'] });
    // A subdomain is another domain.
    expect(refusalOf(await post(invite, { org: kent, email: 'x@highways.kent.gov.uk' }, persona('kent-admin'))).code).toBe(
      'EMAIL_DOMAIN_NOT_ALLOWED',
    );
    expect((await ok<Invited>(invite, { org: kent, email: 'inside@kent.gov.uk' }, persona('kent-admin'))).invitePerson.token).toEqual(
      expect.any(String),
    );
  });

  it("lets an organisation's admin list only their own verified domain, and not lift the restriction", async () => {
    const asFfion = persona('cardiff-buyer');
    expect(
      refusal(await post(setDomains, { org: cardiff.organisationId, domains: ['cardiff.gov.uk', 'elsewhere.example'] }, asFfion)).code,
    ).toBe('FORBIDDEN');
    expect(
      (await ok<Domains>(setDomains, { org: cardiff.organisationId, domains: ['cardiff.gov.uk'] }, asFfion)).setInvitationDomains
        .organisation.invitationDomains,
    ).toEqual(['cardiff.gov.uk']);
    expect(refusal(await post(setDomains, { org: cardiff.organisationId, domains: [] }, asFfion)).code).toBe('FORBIDDEN');
    // Another organisation's admin may not touch it; malformed domains are bad input.
    expect(refusal(await post(setDomains, { org: cardiff.organisationId, domains: ['kent.gov.uk'] }, persona('kent-admin'))).code).toBe(
      'FORBIDDEN',
    );
    expect(refusal(await post(setDomains, { org: cardiff.organisationId, domains: ['not a domain'] }, asFfion)).code).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      (await ok<Domains>(setDomains, { org: cardiff.organisationId, domains: [] }, persona('platform-admin'))).setInvitationDomains
        .organisation.invitationDomains,
    ).toEqual([]);
  });
});
