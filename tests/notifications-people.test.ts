import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPeople, demoPersonaPeople } from '../demo-data/people';
import { demoPersona } from '../demo-data/personas';
import { deliverDomainEvents } from './support/domain-events';
import { changed, refusalFields } from './support/further-competition';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { expectData, signInAll, type UntypedData } from './support/graphql-results';

/**
 * Issue 25 item 3: the notifications subgraph's directory follows members' domain events, so people
 * who join after the seed are told what their organisation is told, a change of roles changes what
 * they are told, and a removed person is told nothing more; and the person who made a change (the
 * buyer who awards, records a contract) is not told of it while their colleagues are. Through the
 * gateway, with the events carried from the outboxes as tests/support/domain-events.ts carries them
 * (through JetStream when NATS_URL is set).
 */
jest.setTimeout(180_000);

let graph: TestGraph;
let header: (persona: 'kent-admin' | 'kent-buyer' | 'platform-admin') => string;
const run = (query: string, variables: Record<string, unknown>, authorization?: string) =>
  graph.execute<UntypedData>(query, variables, authorization);
const ok = async (query: string, variables: Record<string, unknown>, authorization?: string) =>
  expectData(await run(query, variables, authorization));

const kent = demoOrganisation('kent').id;
const resurface = demoOrganisation('resurface-tech').id;
const kentPeople = [...demoPeople, ...demoPersonaPeople].filter((p) => p.organisationId === kent);
const kentTeam = kentPeople.filter((p) => p.organisationRoles.some((r) => r === 'ORG_ADMIN' || r === 'BUYER')).map((p) => p.id);
const sorted = (ids: readonly string[]) => [...ids].sort();

async function recipientsOf(kind: string, subjectId: string): Promise<string[]> {
  const rows = (await graph.databases.notifications.dataSource.query(
    `SELECT DISTINCT person_id FROM notifications.notification WHERE kind = $1 AND subject_id = $2 ORDER BY person_id`,
    [kind, subjectId],
  )) as { person_id: string }[];
  return rows.map((row) => row.person_id);
}

/** Invited by Kent's admin and accepted by the invitee, signed in for the first time: a person the seed never knew. */
async function join(email: string, name: string): Promise<{ id: string; authorization: string }> {
  const invited = await ok(
    `mutation($org: ID!, $email: String!) { invitePerson(input: { organisationId: $org, email: $email, roles: [BUYER] }) { token ${refusalFields} } }`,
    { org: kent, email },
    header('kent-admin'),
  );
  const authorization = `Bearer ${await graph.tokenFor(email)}`;
  const person = changed<{ id: string }>(
    await run(
      `mutation($token: String!, $name: String!) { acceptInvitation(token: $token, name: $name) { person { id } ${refusalFields} } }`,
      { token: invited.invitePerson.token, name },
      authorization,
    ),
    'acceptInvitation',
    'person',
  );
  return { id: person.id, authorization };
}

let nia: { id: string; authorization: string };
let owen: { id: string; authorization: string };
let project: { id: string; version: number; standstillEndsOn: string };

beforeAll(async () => {
  graph = await startTestGraph();
  header = await signInAll(graph, ['kent-admin', 'kent-buyer', 'platform-admin'] as const);
  nia = await join('nia.newbuyer@kent.gov.uk', 'Nia Newbuyer');
  owen = await join('owen.shortstay@kent.gov.uk', 'Owen Shortstay');
  // A direct award by Kent's buyer, to ReSurface on a lot it is admitted to.
  const found = await ok(
    `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR] }) { edges { node { id supplier { id } } } } }`,
    {},
  );
  const innovationId = found.innovations.edges.find((e: any) => e.node.supplier.id === resurface).node.id;
  const draft = changed<{ id: string; version: number }>(
    await run(
      `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id version } ${refusalFields} } }`,
      {
        input: {
          title: 'Who is told: a direct award',
          need: 'Repairs under a direct award.',
          budget: 90000,
          lotId: demoId('lot', 'RM6302/2'),
          procedure: 'DIRECT_AWARD',
          innovationIds: [innovationId],
        },
      },
      header('kent-buyer'),
    ),
    'createProcurementProject',
    'procurementProject',
  );
  const awarded = changed<{ version: number; award: { standstillEndsOn: string } }>(
    await run(
      `mutation($input: AwardProcurementProjectInput!){ awardProcurementProject(input: $input) { procurementProject { version award { standstillEndsOn } } ${refusalFields} } }`,
      { input: { projectId: draft.id, version: draft.version, innovationId, justification: 'List price meets the need.', value: 40000 } },
      header('kent-buyer'),
    ),
    'awardProcurementProject',
    'procurementProject',
  );
  project = { id: draft.id, version: awarded.version, standstillEndsOn: awarded.award.standstillEndsOn };
  await deliverDomainEvents(graph);
});
afterAll(async () => {
  await graph?.stop();
});

describe('people who joined after the seed', () => {
  it("are told what their organisation's team is told; the buyer who issued the award is not", async () => {
    // The buyer's team, newcomers included, but not the buyer; and ReSurface's people, awarded directly.
    expect(await recipientsOf('AWARD_ISSUED', project.id)).toEqual(
      sorted([...kentTeam.filter((id) => id !== demoPersona('kent-buyer').id), nia.id, owen.id, ...peopleOf(resurface)]),
    );
    expect(kentTeam).toContain(demoPersona('kent-admin').id);
    // In the newcomer's own inbox, through the gateway.
    const inbox = await ok(`{ viewer { person { notifications(first: 10) { edges { node { kind title } } } } } }`, {}, nia.authorization);
    expect(inbox.viewer.person.notifications.edges.map((e: any) => e.node)).toEqual([
      { kind: 'AWARD_ISSUED', title: 'Award issued: Who is told: a direct award' },
    ]);
  });

  it('a change of roles changes what they are told, and a removed person is told nothing', async () => {
    changed(
      await run(
        `mutation($id: ID!) { changePersonRoles(personId: $id, roles: [VIEWER]) { person { id } ${refusalFields} } }`,
        { id: nia.id },
        header('kent-admin'),
      ),
      'changePersonRoles',
      'person',
    );
    expect(
      expectData(
        await run(
          `mutation($id: ID!) { removePerson(personId: $id) { removedPersonId ${refusalFields} } }`,
          { id: owen.id },
          header('kent-admin'),
        ),
      ).removePerson.removedPersonId,
    ).toBe(owen.id);
    // The contract, recorded by the buyer once the standstill has ended: for the buyer's team only.
    graph.clock.set(new Date(Date.parse(`${project.standstillEndsOn}T12:00:00Z`) + 24 * 3_600_000).toISOString());
    const contract = changed<{ id: string }>(
      await run(
        `mutation($input: RecordContractInput!){ recordContract(input: $input) { contract { id } ${refusalFields} } }`,
        { input: { projectId: project.id, version: project.version, value: 40000, startsOn: '2031-01-01', endsOn: '2031-12-31' } },
        header('kent-buyer'),
      ),
      'recordContract',
      'contract',
    );
    // Kent's membership suspended and reinstated: every person of Kent is told, whatever their roles.
    for (const [mutation, args] of [
      ['suspendMembership', 'organisationId: $o, reason: "Unpaid fees"'],
      ['reinstateMembership', 'organisationId: $o'],
    ] as const) {
      changed(
        await run(
          `mutation($o: ID!){ ${mutation}(${args}) { membership { status } ${refusalFields} } }`,
          { o: kent },
          header('platform-admin'),
        ),
        mutation,
        'membership',
      );
    }
    await deliverDomainEvents(graph);

    // Nia is a viewer now: not in the buyer's team. Owen is gone. The buyer who recorded it is not told either.
    expect(await recipientsOf('CONTRACT_RECORDED', contract.id)).toEqual(
      sorted([...kentTeam.filter((id) => id !== demoPersona('kent-buyer').id), ...peopleOf(resurface)]),
    );
    // Both membership notices reached every person of Kent and the newcomer still in it, never the removed one.
    const told = (await graph.databases.notifications.dataSource.query(
      `SELECT person_id, count(*)::int AS n FROM notifications.notification WHERE kind = 'MEMBERSHIP_DECIDED' AND subject_id = $1 GROUP BY person_id ORDER BY person_id`,
      [kent],
    )) as { person_id: string; n: number }[];
    expect(told).toEqual(sorted([...kentPeople.map((p) => p.id), nia.id]).map((id) => ({ person_id: id, n: 2 })));
    expect(told.map((row) => row.person_id)).not.toContain(owen.id);
  });
});

function peopleOf(organisationId: string): string[] {
  return [...demoPeople, ...demoPersonaPeople].filter((p) => p.organisationId === organisationId).map((p) => p.id);
}
