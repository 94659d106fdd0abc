import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { codesOf, expectData, refusalOf, signInAll, type Connection } from './support/graphql-results';
import { describeOnServer } from './support/test-database';
import { otherBuyerOf, scoreAll } from './support/evaluation';
import {
  innovationContent,
  newEvent,
  newFaq,
  newInnovation,
  newSupportRequest,
  storedRow,
  versionedEdits,
} from './support/versioned-edits';

/**
 * Two people doing the same thing at the same moment, through the gateway: the rules that a lock or
 * a version check keeps must hold with the requests interleaved. PGlite runs one transaction at a
 * time, so these run on the PostgreSQL-server pass only (TEST_DATABASE_URL) and show as skipped on
 * the embedded one; each was checked to fail there with its lock or version check taken out.
 * (Also on the server pass: the award race in procurement-authorization.test.ts, the last seat in
 * events-workflow.test.ts, two assessors in innovations-workflow.test.ts.)
 */
jest.setTimeout(120_000);

let graph: TestGraph;
const personas = ['platform-admin', 'kent-admin', 'kent-buyer', 'cardiff-buyer', 'resurface-admin'] as const;
type Persona = (typeof personas)[number];
let as: (persona: Persona) => string;

beforeAll(async () => {
  graph = await startTestGraph();
  as = await signInAll(graph, personas);
});
afterAll(async () => {
  await graph?.stop();
});

function run<TData>(query: string, variables: Record<string, unknown>, authorization: string): Promise<GraphResult<TData>> {
  return graph.execute<TData>(query, variables, authorization);
}
/** The data of an operation that must succeed: no error, and no refusal in a mutation's payload. */
async function data<TData>(query: string, variables: Record<string, unknown>, authorization: string): Promise<TData> {
  const answer = await run<TData>(query, variables, authorization);
  expect(codesOf(answer)).toEqual([]);
  return expectData(answer);
}
/** Whether an answer was refused: a `refusal` in its payload, or an error. */
const refused = (answer: GraphResult<unknown>) => codesOf(answer).length > 0;

/**
 * Exactly one of the answers succeeded and every other was refused with one of `refusals`
 * (CONFLICT unless a race has another lawful loser); returns the winner's index.
 */
function expectOneWinner(answers: readonly GraphResult<unknown>[], refusals: readonly string[] = ['CONFLICT']): number {
  const outcomes = answers.map((answer) => (refused(answer) ? codesOf(answer).join(', ') : 'ok'));
  expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(1);
  for (const outcome of outcomes) if (outcome !== 'ok') expect(refusals).toContain(outcome);
  return outcomes.indexOf('ok');
}

/**
 * Between two admins demoting or removing each other, the loser is refused either at the lock
 * (CONFLICT: the last admin) or, when its own sign-in was looked up after the winner committed,
 * because it is no longer an admin (FORBIDDEN). Either way exactly one change applies.
 */
const adminRaceRefusals = ['CONFLICT', 'FORBIDDEN'];

describeOnServer('the last ORG_ADMIN (PostgreSQL server only)', () => {
  const cardiff = demoOrganisation('cardiff').id;
  const ffion = demoPersona('cardiff-buyer');
  const changeRoles = `mutation ($id: ID!, $roles: [OrganisationRole!]!) { changePersonRoles(personId: $id, roles: $roles) { person { id organisationRoles } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  const removePerson = `mutation ($id: ID!) { removePerson(personId: $id) { removedPersonId refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  const people = `query ($id: ID!) { organisation(id: $id) { people { id email organisationRoles } } }`;
  type People = { organisation: { people: { id: string; email: string; organisationRoles: string[] }[] } };
  const adminsOfCardiff = async () =>
    (await data<People>(people, { id: cardiff }, as('platform-admin'))).organisation.people.filter((p) =>
      p.organisationRoles.includes('ORG_ADMIN'),
    );

  /** Cardiff's second admin: one of its people made ORG_ADMIN beside Ffion. */
  let second: { id: string; email: string };
  let secondSignIn: string;
  beforeAll(async () => {
    const others = (await data<People>(people, { id: cardiff }, as('cardiff-buyer'))).organisation.people.filter((p) => p.id !== ffion.id);
    expect(others.length).toBeGreaterThan(0);
    second = others[0]!;
    secondSignIn = `Bearer ${await graph.tokenFor(second.email)}`;
  });

  test('two admins demoting each other at once: one is demoted, the organisation keeps an admin (five rounds)', async () => {
    for (let round = 0; round < 5; round++) {
      // Both admins again, whoever lost the last round.
      for (const id of [ffion.id, second.id]) await data(changeRoles, { id, roles: ['ORG_ADMIN', 'BUYER'] }, as('platform-admin'));
      expect(await adminsOfCardiff()).toHaveLength(2);
      const answers = await Promise.all([
        run(changeRoles, { id: second.id, roles: ['BUYER'] }, as('cardiff-buyer')),
        run(changeRoles, { id: ffion.id, roles: ['BUYER'] }, secondSignIn),
      ]);
      expectOneWinner(answers, adminRaceRefusals);
      const refusal = refusalOf(answers.find(refused)!);
      if (refusal.code === 'CONFLICT') expect(refusal.message).toMatch(/last admin/);
      expect(await adminsOfCardiff()).toHaveLength(1);
    }
  });

  test('two admins removing each other at once: one is removed, the organisation keeps an admin', async () => {
    for (const id of [ffion.id, second.id]) await data(changeRoles, { id, roles: ['ORG_ADMIN', 'BUYER'] }, as('platform-admin'));
    const answers = await Promise.all([
      run(removePerson, { id: second.id }, as('cardiff-buyer')),
      run(removePerson, { id: ffion.id }, secondSignIn),
    ]);
    expectOneWinner(answers, adminRaceRefusals);
    const admins = await adminsOfCardiff();
    expect(admins).toHaveLength(1);
    expect([ffion.id, second.id]).toContain(admins[0]!.id);
  });
});

describeOnServer('single-use invitations (PostgreSQL server only)', () => {
  const kent = demoOrganisation('kent').id;
  const invite = `mutation ($org: ID!, $email: String!) { invitePerson(input: { organisationId: $org, email: $email, roles: [BUYER] }) { token refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  const accept = `mutation ($token: String!) { acceptInvitation(token: $token, name: "Sam Racer") { person { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;

  test('one invitation accepted twice at once by its invitee: one person, and CONFLICT for the second (three invitations)', async () => {
    for (let round = 0; round < 3; round++) {
      const email = `race.${round}@kent.gov.uk`;
      const { token } = (await data<{ invitePerson: { token: string } }>(invite, { org: kent, email }, as('kent-admin'))).invitePerson;
      // The invitee signs in with the invited address: a newcomer, whom the gateway lets accept and nothing else.
      const newcomer = `Bearer ${await graph.tokenFor(email)}`;
      const answers = await Promise.all([run(accept, { token }, newcomer), run(accept, { token }, newcomer)]);
      expectOneWinner(answers);
      // The loser is refused at the invitation's lock, or, when its sign-in was looked up after the
      // winner committed, as the person it now is (who cannot be moved by an invitation).
      expect(refusalOf(answers.find(refused)!).message).toMatch(/already been accepted|already belong to an organisation/);
      expect(
        await graph.databases.members.dataSource.query(`SELECT count(*)::int AS n FROM members.person WHERE email = $1`, [email]),
      ).toEqual([{ n: 1 }]);
    }
  });
});

describeOnServer('membership decisions (PostgreSQL server only)', () => {
  const membership = `query ($id: ID!) { organisation(id: $id) { membership { status decisions { toStatus } } } }`;
  type Membership = { organisation: { membership: { status: string; decisions: { toStatus: string }[] } } };
  const read = async (organisationId: string) =>
    (await data<Membership>(membership, { id: organisationId }, as('platform-admin'))).organisation.membership;
  const decide = (mutation: string, organisationId: string) =>
    run(
      `mutation ($id: ID!) { ${mutation}(organisationId: $id, reason: "Decided in a race.") { membership { status } refusal { code message } } }`,
      { id: organisationId },
      as('platform-admin'),
    );

  /** Two decisions at once on one membership: exactly one applies, and the audit trail gains one entry, its own. */
  async function race(organisationId: string, first: string, second: string) {
    const before = await read(organisationId);
    const answers = await Promise.all([decide(first, organisationId), decide(second, organisationId)]);
    const winner = expectOneWinner(answers);
    const after = await read(organisationId);
    const applied = (answers[winner]!.data as Record<string, { membership: { status: string } }>)[[first, second][winner]!]!.membership
      .status;
    expect(after.status).toBe(applied);
    expect(after.decisions).toHaveLength(before.decisions.length + 1);
    expect(after.decisions.filter((d) => d.toStatus === applied).length).toBe(
      before.decisions.filter((d) => d.toStatus === applied).length + 1,
    );
  }

  test('approve and reject one application at once (three applications)', async () => {
    for (const key of ['croydon', 'kerbside-digital', 'caledonian-roads-institute']) {
      const id = demoOrganisation(key).id;
      expect((await read(id)).status).toBe('APPLIED');
      await race(id, 'approveMembership', 'rejectMembership');
    }
  });

  test('suspend twice at once, then reinstate twice at once (three rounds)', async () => {
    const leeds = demoOrganisation('leeds').id;
    expect((await read(leeds)).status).toBe('ACTIVE');
    for (let round = 0; round < 3; round++) {
      await race(leeds, 'suspendMembership', 'suspendMembership');
      await race(leeds, 'reinstateMembership', 'reinstateMembership');
    }
  });
});

describeOnServer('versioned writes: two edits at one version (PostgreSQL server only)', () => {
  /**
   * Runs `write` twice at once with the same expected version: one wins, the other gets CONFLICT, and
   * the row moved on exactly one version, and the loser's `currentVersion` is that new version, read
   * after losing (platform/optimistic-lock.ts), so a retry with it can succeed.
   */
  async function raceAtVersion(write: (attempt: number) => Promise<GraphResult<unknown>>, versionNow: () => Promise<number>) {
    const before = await versionNow();
    const answers = await Promise.all([write(0), write(1)]);
    const winner = expectOneWinner(answers);
    const refusal = refusalOf(answers[1 - winner]!);
    expect(refusal.message).toMatch(/changed since version/);
    expect(await versionNow()).toBe(before + 1);
    expect(refusal.currentVersion).toBe(before + 1);
  }

  test('a route (three rounds)', async () => {
    const routeId = demoId('procurement-route', 'RM6302');
    const version = async () =>
      (
        await data<{ procurementRoute: { version: number } }>(
          `query ($id: ID!) { procurementRoute(id: $id) { version } }`,
          { id: routeId },
          as('platform-admin'),
        )
      ).procurementRoute.version;
    for (let round = 0; round < 3; round++) {
      const seen = await version();
      await raceAtVersion(
        (attempt) =>
          run(
            `mutation ($input: UpdateProcurementRouteInput!) { updateProcurementRoute(input: $input) { procurementRoute { version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
            { input: { routeId, version: seen, guidance: `Guidance ${round}.${attempt}` } },
            as('platform-admin'),
          ),
        version,
      );
    }
  });

  test('a lot (three rounds)', async () => {
    const lotId = demoId('lot', 'RM6301/2');
    const version = async () =>
      (
        await data<{ procurementRoute: { lots: { id: string; version: number }[] } }>(
          `query ($id: ID!) { procurementRoute(id: $id) { lots { id version } } }`,
          { id: demoId('procurement-route', 'RM6301') },
          as('platform-admin'),
        )
      ).procurementRoute.lots.find((lot) => lot.id === lotId)!.version;
    for (let round = 0; round < 3; round++) {
      const seen = await version();
      await raceAtVersion(
        (attempt) =>
          run(
            `mutation ($input: UpdateLotInput!) { updateLot(input: $input) { lot { version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
            { input: { lotId, version: seen, scope: `Scope ${round}.${attempt}` } },
            as('platform-admin'),
          ),
        version,
      );
    }
  });

  test('an admission: admitted and rejected at once', async () => {
    const applied = (
      await data<{ applyForAdmission: { admission: { id: string; version: number } } }>(
        `mutation ($lotId: ID!) { applyForAdmission(input: { lotId: $lotId, exclusionGroundsApply: false }) { admission { id version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { lotId: demoId('lot', 'RM6301/3') },
        as('resurface-admin'),
      )
    ).applyForAdmission.admission;
    const version = async () =>
      (await graph.databases.procurement.dataSource.query(`SELECT version FROM procurement.admission WHERE id = $1`, [applied.id]))[0]
        .version as number;
    await raceAtVersion(
      (attempt) =>
        run(
          `mutation ($input: DecideAdmissionInput!) { decideAdmission(input: $input) { admission { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
          {
            input: {
              admissionId: applied.id,
              version: applied.version,
              decision: attempt === 0 ? 'ADMITTED' : 'REJECTED',
              reason: 'Race.',
            },
          },
          as('platform-admin'),
        ),
      version,
    );
  });

  describe('a procurement project and a response', () => {
    const create = `mutation ($input: CreateProcurementProjectInput!) { createProcurementProject(input: $input) { procurementProject { id version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const publish = `mutation ($input: PublishProcurementProjectInput!) { publishProcurementProject(input: $input) { procurementProject { version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const projectVersion = (id: string) => async () =>
      (
        await data<{ procurementProject: { version: number } }>(
          `query ($id: ID!) { procurementProject(id: $id) { version } }`,
          { id },
          as('kent-buyer'),
        )
      ).procurementProject.version;
    async function newProject(title: string) {
      const innovations = await data<{ innovations: Connection<{ id: string; supplier: { id: string } }> }>(
        `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR] }) { edges { node { id supplier { id } } } } }`,
        {},
        as('kent-buyer'),
      );
      const innovationId = innovations.innovations.edges.find((e) => e.node.supplier.id === demoOrganisation('resurface-tech').id)!.node.id;
      const input = {
        title,
        need: 'A need.',
        budget: 50000,
        lotId: demoId('lot', 'RM6302/2'),
        procedure: 'FURTHER_COMPETITION',
        innovationIds: [innovationId],
        criteria: [{ name: 'Quality', weight: 100 }],
      };
      return (
        await data<{ createProcurementProject: { procurementProject: { id: string; version: number } } }>(
          create,
          { input },
          as('kent-buyer'),
        )
      ).createProcurementProject.procurementProject;
    }

    test('published and cancelled at once', async () => {
      const project = await newProject('Publish or cancel');
      await raceAtVersion(
        (attempt) =>
          attempt === 0
            ? run(
                publish,
                { input: { projectId: project.id, version: project.version, clarificationWorkingDays: 2, responseWorkingDays: 5 } },
                as('kent-buyer'),
              )
            : run(
                `mutation ($input: CancelProcurementProjectInput!) { cancelProcurementProject(input: $input) { procurementProject { version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
                { input: { projectId: project.id, version: project.version, reason: 'Race.' } },
                as('kent-admin'),
              ),
        projectVersion(project.id),
      );
    });

    test("a supplier's response edited twice at once", async () => {
      const project = await newProject('Edited response');
      await data(
        publish,
        { input: { projectId: project.id, version: project.version, clarificationWorkingDays: 2, responseWorkingDays: 5 } },
        as('kent-buyer'),
      );
      const submit = `mutation ($input: SubmitResponseInput!) { submitResponse(input: $input) { procurementResponse { id version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
      const first = (
        await data<{ submitResponse: { procurementResponse: { id: string; version: number } } }>(
          submit,
          { input: { projectId: project.id, proposal: 'First.', price: 40000 } },
          as('resurface-admin'),
        )
      ).submitResponse.procurementResponse;
      const version = async () =>
        (await graph.databases.procurement.dataSource.query(`SELECT version FROM procurement.response WHERE id = $1`, [first.id]))[0]
          .version as number;
      await raceAtVersion(
        (attempt) =>
          run(
            submit,
            { input: { projectId: project.id, proposal: `Edit ${attempt}.`, price: 41000 + attempt, version: first.version } },
            as('resurface-admin'),
          ),
        version,
      );
    });
  });

  describe('an innovation, an event, an FAQ and a support request (their version is optional; given, it guards the same way)', () => {
    const versionOf = (table: Parameters<typeof storedRow>[1], id: string) => async () =>
      (await storedRow(graph, table, id)).version as number;

    test('an innovation edited twice at once', async () => {
      const innovation = await newInnovation(graph, 'Raced sealant', as('resurface-admin'));
      await raceAtVersion(
        (attempt) =>
          run(
            versionedEdits.updateInnovation,
            { id: innovation.id, input: innovationContent(`Raced sealant ${attempt}`), version: innovation.version },
            as('resurface-admin'),
          ),
        versionOf('innovations.innovation', innovation.id),
      );
    });

    test('an event edited and scheduled at once', async () => {
      const event = await newEvent(graph, 'Raced webinar', as('platform-admin'));
      await raceAtVersion(
        (attempt) =>
          attempt === 0
            ? run(
                versionedEdits.updateEvent,
                { id: event.id, input: { title: 'Raced webinar, edited' }, version: event.version },
                as('platform-admin'),
              )
            : run(versionedEdits.scheduleEvent, { id: event.id, version: event.version }, as('platform-admin')),
        versionOf('events.event', event.id),
      );
    });

    test('an FAQ edited twice at once, then edited and published at once', async () => {
      const faq = await newFaq(graph, 'Raced question?', as('platform-admin'));
      await raceAtVersion(
        (attempt) =>
          run(
            versionedEdits.updateFaq,
            { id: faq.id, input: { question: `Raced question ${attempt}?` }, version: faq.version },
            as('platform-admin'),
          ),
        versionOf('events.faq', faq.id),
      );
      const seen = (await storedRow(graph, 'events.faq', faq.id)).version as number;
      await raceAtVersion(
        (attempt) =>
          attempt === 0
            ? run(versionedEdits.updateFaq, { id: faq.id, input: { answer: 'Raced answer.' }, version: seen }, as('platform-admin'))
            : run(versionedEdits.publishFaq, { id: faq.id, version: seen }, as('platform-admin')),
        versionOf('events.faq', faq.id),
      );
    });

    test('a support request answered and closed at once', async () => {
      const request = await newSupportRequest(graph, 'Raced request', as('kent-buyer'));
      await raceAtVersion(
        (attempt) =>
          attempt === 0
            ? run(
                versionedEdits.answerSupportRequest,
                { id: request.id, message: 'Answered.', version: request.version },
                as('platform-admin'),
              )
            : run(versionedEdits.closeSupportRequest, { id: request.id, version: request.version }, as('kent-buyer')),
        versionOf('events.support_request', request.id),
      );
    });
  });

  describe('members: an organisation, a membership and a person (their version is optional; given, it guards the same way)', () => {
    const versionOf = (table: Parameters<typeof storedRow>[1], id: string) => async () =>
      (await storedRow(graph, table, id)).version as number;

    test("an organisation's invitation domains set twice at once (three rounds)", async () => {
      const glasgow = demoOrganisation('glasgow').id;
      for (let round = 0; round < 3; round++) {
        const seen = await versionOf('members.organisation', glasgow)();
        await raceAtVersion(
          (attempt) =>
            run(
              versionedEdits.setInvitationDomains,
              { id: glasgow, domains: [`round${round}-${attempt}.gov.uk`], version: seen },
              as('platform-admin'),
            ),
          versionOf('members.organisation', glasgow),
        );
      }
    });

    test('a membership suspended and lapsed at once (three rounds)', async () => {
      // Both are allowed from ACTIVE: only the version tells the loser the membership moved on.
      const fife = demoOrganisation('fife').id;
      for (let round = 0; round < 3; round++) {
        const seen = await versionOf('members.membership', fife)();
        await raceAtVersion(
          (attempt) =>
            run(
              versionedEdits.decideMembership(attempt === 0 ? 'suspendMembership' : 'lapseMembership'),
              { id: fife, version: seen },
              as('platform-admin'),
            ),
          versionOf('members.membership', fife),
        );
        await data(versionedEdits.decideMembership('reinstateMembership'), { id: fife }, as('platform-admin'));
      }
    });

    test("a person's roles changed twice at once (three rounds)", async () => {
      const highland = demoOrganisation('highland').id;
      const people = await data<{ organisation: { people: { id: string; organisationRoles: string[] }[] } }>(
        `query ($id: ID!) { organisation(id: $id) { people { id organisationRoles } } }`,
        { id: highland },
        as('platform-admin'),
      );
      const person = people.organisation.people.find((p) => !p.organisationRoles.includes('ORG_ADMIN'))!;
      for (let round = 0; round < 3; round++) {
        const seen = await versionOf('members.person', person.id)();
        await raceAtVersion(
          (attempt) =>
            run(
              versionedEdits.changePersonRoles,
              { id: person.id, roles: attempt === 0 ? ['BUYER'] : ['VIEWER'], version: seen },
              as('platform-admin'),
            ),
          versionOf('members.person', person.id),
        );
      }
    });
  });
});

describeOnServer('two moderators at once (PostgreSQL server only)', () => {
  const kent = demoOrganisation('kent').id;

  /** A further competition past its deadline with one response scored by two evaluators; its id and version. */
  async function scoredResponse(title: string): Promise<{ id: string; version: number }> {
    const innovations = await data<{ innovations: Connection<{ id: string; supplier: { id: string } }> }>(
      `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR] }) { edges { node { id supplier { id } } } } }`,
      {},
      as('kent-buyer'),
    );
    const innovationId = innovations.innovations.edges.find((e) => e.node.supplier.id === demoOrganisation('resurface-tech').id)!.node.id;
    const input = {
      title,
      need: 'A need.',
      budget: 50000,
      lotId: demoId('lot', 'RM6302/2'),
      procedure: 'FURTHER_COMPETITION',
      innovationIds: [innovationId],
      criteria: [{ name: 'Quality', weight: 100 }],
    };
    const project = (
      await data<any>(
        `mutation ($input: CreateProcurementProjectInput!) { createProcurementProject(input: $input) { procurementProject { id version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { input },
        as('kent-buyer'),
      )
    ).createProcurementProject.procurementProject;
    const published = (
      await data<any>(
        `mutation ($input: PublishProcurementProjectInput!) { publishProcurementProject(input: $input) { procurementProject { responseDeadline } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { input: { projectId: project.id, version: project.version, clarificationWorkingDays: 2, responseWorkingDays: 5 } },
        as('kent-buyer'),
      )
    ).publishProcurementProject.procurementProject;
    const response = (
      await data<any>(
        `mutation ($input: SubmitResponseInput!) { submitResponse(input: $input) { procurementResponse { id version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { input: { projectId: project.id, proposal: 'A proposal.', price: 40000 } },
        as('resurface-admin'),
      )
    ).submitResponse.procurementResponse;
    graph.clock.set(published.responseDeadline);
    await scoreAll(graph, {
      projectId: project.id,
      evaluators: [as('kent-buyer'), await otherBuyerOf(graph, kent, 0)],
      scores: { [response.id]: [70] },
    });
    for (const moderator of [as('kent-admin'), await otherBuyerOf(graph, kent, 1)]) {
      await data(
        `mutation($i: DeclareConflictOfInterestInput!){ declareConflictOfInterest(input: $i) { procurementProject { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { i: { projectId: project.id, hasConflict: false } },
        moderator,
      );
    }
    return response;
  }

  test('two moderators agree different scores at the same moment: one moderation stands, fixed (three rounds)', async () => {
    const startedAt = graph.clock.now().toISOString();
    const moderators = [as('kent-admin'), await otherBuyerOf(graph, kent, 1)];
    for (let round = 0; round < 3; round++) {
      const response = await scoredResponse(`Moderated twice ${round}`);
      const moderate = `mutation($i: ModerateScoresInput!){ moderateScores(input: $i) { procurementResponse { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
      const answers = await Promise.all(
        moderators.map((moderator, index) =>
          run(
            moderate,
            {
              i: {
                responseId: response.id,
                version: response.version,
                scores: [{ criterion: 'Quality', score: 60 + index, reason: `Moderator ${index}.` }],
              },
            },
            moderator,
          ),
        ),
      );
      const winner = expectOneWinner(answers);
      const sql = (text: string) => graph.databases.procurement.dataSource.query(text, [response.id]);
      expect(await sql(`SELECT score, reason FROM procurement.moderated_score WHERE response_id = $1`)).toEqual([
        { score: 60 + winner, reason: `Moderator ${winner}.` },
      ]);
      expect(await sql(`SELECT count(*)::int AS n FROM procurement.audit_event WHERE subject_id = $1 AND action = 'MODERATE'`)).toEqual([
        { n: 1 },
      ]);
      graph.clock.set(startedAt);
    }
  });
});
