import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { INVITATION_LIFETIME_MS } from '../subgraphs/members/services/invitation.service';
import { startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { codesOf, refusalOf } from './support/graphql-results';

/**
 * Issue 23 item 2: one injectable clock (platform/clock.ts). Every subgraph module is built on the
 * clock it is given, and the test graph gives all of them one ManualClock: moving `graph.clock`
 * moves time for members and innovations exactly as it does for procurement's deadlines.
 */
let graph: TestGraph;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  graph = await startTestGraph();
  for (const key of ['kent-admin', 'platform-admin', 'resurface-contributor'])
    tokens[key] = `Bearer ${await graph.tokenFor(demoPersona(key).email)}`;
});
afterAll(async () => {
  await graph?.stop();
});

/** The data of an answer that must succeed: no error, and no refusal in a mutation's payload. */
const ok = <T = any>(result: GraphResult<T>): T => {
  expect(codesOf(result)).toEqual([]);
  return result.data!;
};
/** The code and message of a refused answer (the payload's `refusal`). */
const refusal = (result: GraphResult<unknown>) => {
  const { code, message } = refusalOf(result);
  return { code, message };
};

describe('invitations expire by the injected clock', () => {
  const kent = demoPersona('kent-admin').organisationId;
  const invite = `mutation ($org: ID!, $email: String!) { invitePerson(input: { organisationId: $org, email: $email, roles: [BUYER] }) { token invitation { expiresAt } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  const accept = `mutation ($token: String!) { acceptInvitation(token: $token, name: "Ola Newcomer") { person { id name } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  const open = `query ($id: ID!) { organisation(id: $id) { pendingInvitations { email } } }`;
  const openEmails = async () =>
    ok(await graph.execute(open, { id: kent }, tokens['kent-admin'])).organisation.pendingInvitations.map((i: any) => i.email);

  afterEach(() => graph.clock.set('2026-11-30T09:00:00Z'));

  it('sets the expiry from the clock, and refuses acceptance once the clock has passed it', async () => {
    graph.clock.set('2026-11-30T09:00:00Z');
    const email = 'ola.late@kent.gov.uk';
    const sent = ok(await graph.execute(invite, { org: kent, email }, tokens['kent-admin'])).invitePerson;
    expect(sent.invitation.expiresAt).toBe(new Date(Date.parse('2026-11-30T09:00:00Z') + INVITATION_LIFETIME_MS).toISOString());
    expect(await openEmails()).toContain(email);

    graph.clock.advance(INVITATION_LIFETIME_MS + 1_000);
    // No longer open, and a newcomer signed in as the invited address is refused.
    expect(await openEmails()).not.toContain(email);
    const late = await graph.execute(accept, { token: sent.token }, `Bearer ${await graph.tokenFor(email)}`);
    expect(refusal(late)).toEqual({ code: 'CONFLICT', message: expect.stringMatching(/expired/) });
    expect(late.data?.acceptInvitation.person ?? null).toBeNull();
  });

  it('accepts an invitation the clock says is still within its lifetime', async () => {
    const email = 'ola.intime@kent.gov.uk';
    const sent = ok(await graph.execute(invite, { org: kent, email }, tokens['kent-admin'])).invitePerson;
    graph.clock.advance(INVITATION_LIFETIME_MS - 1_000);
    const accepted = ok(await graph.execute(accept, { token: sent.token }, `Bearer ${await graph.tokenFor(email)}`));
    expect(accepted.acceptInvitation.person).toMatchObject({ name: 'Ola Newcomer' });
  });
});

describe('the time a change records is the clock', () => {
  it('a membership decision records the clock, and the dates it sets are its day', async () => {
    graph.clock.set('2027-01-15T10:30:00Z');
    const applicant = demoOrganisation('kerbside-digital').id; // APPLIED in the demo data
    const approve = `mutation ($id: ID!) { approveMembership(organisationId: $id, reason: "References checked.") { membership { status joinedOn renewalDueOn decisions(first: 100) { toStatus decidedAt } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const membership = ok(await graph.execute(approve, { id: applicant }, tokens['platform-admin'])).approveMembership.membership;
    expect(membership).toMatchObject({ status: 'ACTIVE', joinedOn: '2027-01-15', renewalDueOn: '2028-01-15' });
    expect(membership.decisions.at(-1)).toEqual({ toStatus: 'ACTIVE', decidedAt: '2027-01-15T10:30:00.000Z' });
  });

  it("innovations' audit trail records the clock, through the module factory the graph runs", async () => {
    graph.clock.set('2027-02-01T08:15:00Z');
    const create = `mutation ($input: InnovationInput!) { createInnovation(input: $input) { innovation { auditTrail { action at } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const input = {
      title: 'Clock-stamped kerb sensor',
      summary: 'A kerb-mounted sensor that reports standing water to the highway authority.',
      description: 'Fixed to an existing kerb; reports by LoRaWAN every ten minutes.',
      category: 'DRAINAGE_AND_FLOOD_RESILIENCE',
      tags: ['sensor'],
      trl: 6,
      trlJustification: 'Trialled at one authority for six months.',
      pricingModel: 'PER_UNIT',
      suitsNations: ['ENGLAND'],
      suitsOrganisationKinds: ['COUNTY_COUNCIL'],
      links: [],
    };
    const created = ok(await graph.execute(create, { input }, tokens['resurface-contributor'])).createInnovation.innovation;
    expect(created.auditTrail).toEqual([{ action: expect.any(String), at: '2027-02-01T08:15:00.000Z' }]);
  });
});
