import { demoPersona } from '../demo-data/personas';
import { codesOf, developmentBearer, expectData, postGraphQL, refusalOf } from './support/graphql-results';
import { startHttpGraph, type HttpGraph } from './support/http-graph';

/**
 * Issue 22 item 7: people whose organisation is not an active member cannot act. Every service
 * over HTTP behind our gateway; each mutation is refused by the one rule every subgraph applies
 * (platform/active-membership.ts) with FORBIDDEN, and changes nothing. Organisations that are not
 * members may still do what becoming a member takes (apply, renew).
 */
jest.setTimeout(120_000);

let graph: HttpGraph;
beforeAll(async () => {
  graph = await startHttpGraph({ nodeEnv: 'test', gateway: true });
});
afterAll(async () => {
  await graph?.stop();
});

/** Runs an operation over HTTP signed in as a demo persona; every answer here is a 200. */
async function as<TData = unknown>(key: string, query: string, variables?: Record<string, unknown>) {
  const answer = await postGraphQL<TData>(graph.gatewayUrl!, query, variables, await developmentBearer(demoPersona(key).email));
  expect(answer.status).toBe(200);
  return answer;
}
/** The data of an operation that must succeed: no error, and no refusal in a mutation's payload. */
const ok = async <TData>(key: string, query: string, variables?: Record<string, unknown>) => {
  const answer = await as<TData>(key, query, variables);
  expect(codesOf(answer)).toEqual([]);
  return expectData(answer);
};

const kentBuyer = demoPersona('kent-buyer');
const kentAdmin = demoPersona('kent-admin');
const membershipOf = `query ($id: ID!) { organisation(id: $id) { membership { status } } }`;
const invite = `mutation ($org: ID!) { invitePerson(input: { organisationId: $org, email: "new.officer@kent.gov.uk", roles: [BUYER] }) { token refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const changeRoles = `mutation ($id: ID!) { changePersonRoles(personId: $id, roles: [VIEWER]) { person { organisationRoles } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const confirm = `mutation ($id: ID!) { confirmEvidence(evidenceId: $id, note: "Confirmed.") { evidenceItem { confirmation } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const awaiting = `{ viewerInnovations { evidenceAwaitingConfirmation(first: 1) { evidence { id confirmation } } } }`;

describe('a suspended council', () => {
  let evidenceId: string;

  beforeAll(async () => {
    [
      {
        evidence: { id: evidenceId },
      },
    ] = (
      await ok<{ viewerInnovations: { evidenceAwaitingConfirmation: [{ evidence: { id: string } }] } }>('kent-buyer', awaiting)
    ).viewerInnovations.evidenceAwaitingConfirmation;
    const suspended = await ok<{ suspendMembership: { membership: { status: string } } }>(
      'platform-admin',
      `mutation ($id: ID!) { suspendMembership(organisationId: $id, reason: "Unpaid fees") { membership { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      {
        id: kentBuyer.organisationId,
      },
    );
    expect(suspended.suspendMembership.membership.status).toBe('SUSPENDED');
  });

  it('its buyer cannot confirm evidence, which stays unconfirmed', async () => {
    const refused = await as<{ confirmEvidence: { evidenceItem: unknown } }>('kent-buyer', confirm, { id: evidenceId });
    expect(refusalOf(refused)).toMatchObject({ message: expect.stringMatching(/SUSPENDED/), code: 'FORBIDDEN' });
    expect(refused.data?.confirmEvidence.evidenceItem ?? null).toBeNull();
    // Still unconfirmed: confirming it after reinstatement (below) succeeds rather than conflicting.
  });

  it('its admin cannot invite people or change roles', async () => {
    const invited = await as('kent-admin', invite, { org: kentAdmin.organisationId });
    expect(refusalOf(invited).code).toBe('FORBIDDEN');
    const changed = await as('kent-admin', changeRoles, { id: kentBuyer.id });
    expect(refusalOf(changed).code).toBe('FORBIDDEN');
    // Nothing changed: the buyer keeps their roles, and no invitation was made.
    const people = await ok<{
      organisation: { people: { id: string; organisationRoles: string[] }[]; pendingInvitations: { email: string }[] };
    }>('platform-admin', `query ($id: ID!) { organisation(id: $id) { people { id organisationRoles } pendingInvitations { email } } }`, {
      id: kentAdmin.organisationId,
    });
    expect(people.organisation.people.find((p) => p.id === kentBuyer.id)?.organisationRoles).toEqual(['BUYER']);
    expect(people.organisation.pendingInvitations).toEqual([]);
  });

  it('platform staff still act for it, and once reinstated its people act again', async () => {
    await ok(
      'platform-admin',
      `mutation ($id: ID!) { reinstateMembership(organisationId: $id, reason: "Paid") { membership { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: kentBuyer.organisationId },
    );
    expect(
      (await ok<{ invitePerson: { token: string } }>('kent-admin', invite, { org: kentAdmin.organisationId })).invitePerson.token,
    ).toEqual(expect.any(String));
    expect(
      (await ok<{ confirmEvidence: { evidenceItem: { confirmation: string } } }>('kent-buyer', confirm, { id: evidenceId })).confirmEvidence
        .evidenceItem.confirmation,
    ).toBe('CONFIRMED');
  });
});

describe('an organisation that is not a member', () => {
  const resurface = demoPersona('resurface-admin');

  it('may apply (renew) for membership, but not act until approved', async () => {
    await ok(
      'platform-admin',
      `mutation ($id: ID!) { lapseMembership(organisationId: $id, reason: "Not renewed") { membership { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: resurface.organisationId },
    );
    const applied = await ok<{ applyForMembership: { membership: { status: string } } }>(
      'resurface-admin',
      `mutation ($id: ID!) { applyForMembership(input: { organisationId: $id, tier: ASSOCIATE_SUPPLIER }) { membership { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      {
        id: resurface.organisationId,
      },
    );
    expect(applied.applyForMembership.membership.status).toBe('APPLIED');
    expect(
      (await ok<{ organisation: { membership: { status: string } } }>('resurface-admin', membershipOf, { id: resurface.organisationId }))
        .organisation.membership.status,
    ).toBe('APPLIED');
    const invited = await as(
      'resurface-admin',
      `mutation ($org: ID!) { invitePerson(input: { organisationId: $org, email: "new@resurface-tech.example", roles: [VIEWER] }) { token refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      {
        org: resurface.organisationId,
      },
    );
    expect(refusalOf(invited)).toMatchObject({ message: expect.stringMatching(/APPLIED membership/), code: 'FORBIDDEN' });
  });
});
