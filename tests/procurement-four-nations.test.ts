import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPeople } from '../demo-data/people';
import { demoPersona } from '../demo-data/personas';
import { changed, expectValidOcds, refusalFields, runFurtherCompetition, type Competition } from './support/further-competition';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { expectData, refusalOf, type UntypedData } from './support/graphql-results';

/**
 * Issue 24, "Done when": a further competition from publish to contract — two evaluators, an
 * independent moderator, assessment summaries, the award notice, a challenge dismissed and the
 * contract recorded on the right day — for an English, a Welsh, a Scottish and a Northern Irish
 * buyer, across Christmas 2026 and a nation-only holiday, on the injected clock, with every OCDS
 * release valid against 1.1.5 at every stage.
 *
 * Each buyer runs the same calendar under RM6301 lot 1 (a dynamic purchasing system open to every
 * nation): published Tuesday 1 December 2026, responses due Friday 11 December, awarded Friday 18
 * December; the losing bidder challenges on Tuesday 22 December and the buyer dismisses it on
 * Thursday 24 December.
 * - Procurement Act 2023 (England, Wales, Northern Ireland; s.51 standstill of 8 working days, s.123
 *   working days): the standstill runs to Tuesday 5 January 2027, skipping Christmas Day, the Boxing
 *   Day substitute, New Year's Day and Scotland's 2 January substitute (Monday 4 January: a
 *   Scotland-only bank holiday counts against every buyer under the Act). The challenge was raised
 *   with 7 working days left (22, 23, 24, 29, 30, 31 December, 5 January); they run again from
 *   Tuesday 29 December, skipping the same holidays, to Friday 8 January. The contract is refused on
 *   the 6th (after the first end) and the 8th, and recorded on Monday 11 January.
 * - Public Contracts (Scotland) Regulations 2015 (Glasgow): 10 days after the award is Monday 28
 *   December, the Boxing Day substitute, so the standstill ends on Tuesday 29 December. The challenge
 *   was raised with 8 days left (22–29 December); 8 days after the answer is New Year's Day, moved
 *   past the weekend and the 2 January substitute to Tuesday 5 January. The contract is refused on
 *   the 30th and the 5th, and recorded on Wednesday 6 January.
 */
jest.setTimeout(300_000);

let graph: TestGraph;
const dpsLot = demoId('lot', 'RM6301/1');
const resurface = demoOrganisation('resurface-tech').id;
const northern = demoOrganisation('northern-surfacing').id;
const everyNation = ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND'];
const bearer = async (email: string) => `Bearer ${await graph.tokenFor(email)}`;
const emailOf = (key: string) => demoPeople.find((person) => person.id === demoId('person', key))!.email;

let innovationId: string;
let challenger: string;
let winner: string;

beforeAll(async () => {
  graph = await startTestGraph();
  challenger = await bearer(demoPersona('resurface-contributor').email);
  winner = await bearer('george.macleod0@northern-surfacing.example');
  const found = expectData(
    await graph.execute<UntypedData>(
      `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR, SURFACING_AND_MATERIALS] }) { edges { node { id supplier { id } } } } }`,
    ),
  );
  innovationId = found.innovations.edges.find((edge: any) => edge.node.supplier.id === resurface).node.id;
});
afterAll(async () => {
  await graph?.stop();
});

/**
 * A third member of a council's buying team, so the moderator is independent of its two evaluators:
 * invited by the council's ORG_ADMIN (the demo data gives Glasgow and Belfast two buyers each).
 */
async function invitedBuyer(organisationKey: string, admin: string, email: string): Promise<string> {
  const invited = changed<string>(
    await graph.execute<UntypedData>(
      `mutation($input: InvitePersonInput!){ invitePerson(input: $input) { token ${refusalFields} } }`,
      { input: { organisationId: demoOrganisation(organisationKey).id, email, roles: ['BUYER'] } },
      admin,
    ),
    'invitePerson',
    'token',
  );
  changed(
    await graph.execute<UntypedData>(
      `mutation($token: String!){ acceptInvitation(token: $token, name: "Morgan Moderator") { person { id } ${refusalFields} } }`,
      { token: invited },
      await bearer(email),
    ),
    'acceptInvitation',
    'person',
  );
  return bearer(email);
}

const holiday = (date: string, name: string, nations: string[]) => ({ date, name, nations });
const projectQuery = `query($id: ID!){ procurementProject(id: $id) { status regime standstillRequired
  award { standstillEndsOn standstillObserved supplier { id } } standstillDeadline { at regime holidaysSkipped { date name nations } }
  assessmentSummaries { supplier { id } won reason } challenges { status standstillResumedUntil } contract { signedOn detailsPublishedLate } } }`;
const raise = `mutation($input: RaiseStandstillChallengeInput!){ raiseStandstillChallenge(input: $input) { standstillChallenge { id status standstillEndsOnWhenRaised } ${refusalFields} } }`;
const answer = `mutation($input: AnswerStandstillChallengeInput!){ answerStandstillChallenge(input: $input) { standstillChallenge { status standstillResumedUntil } ${refusalFields} } }`;
const record = `mutation($input: RecordContractInput!){ recordContract(input: $input) { contract { signedOn detailsPublishedLate } ${refusalFields} } }`;

interface Nation {
  name: string;
  regime: string;
  buyer: () => Promise<{ buyer: string; evaluators: string[]; moderator: string }>;
  firstEnd: string;
  firstHolidays: unknown[];
  resumedEnd: string;
  resumedHolidays: unknown[];
  /** Days on which the contract is still refused (after the first end, and the resumed end itself). */
  refusedOn: string[];
  recordedOn: string;
}

const act = {
  regime: 'PROCUREMENT_ACT_2023',
  firstEnd: '2027-01-05',
  firstHolidays: [
    holiday('2026-12-25', 'Christmas Day', everyNation),
    holiday('2026-12-28', 'Boxing Day (substitute day)', everyNation),
    holiday('2027-01-01', "New Year's Day", everyNation),
    holiday('2027-01-04', 'January 2nd (substitute day)', ['SCOTLAND']),
  ],
  resumedEnd: '2027-01-08',
  refusedOn: ['2027-01-06', '2027-01-08'],
  recordedOn: '2027-01-11',
};

const nations: Nation[] = [
  {
    name: 'an English buyer (Kent)',
    ...act,
    resumedHolidays: act.firstHolidays,
    buyer: async () => ({
      buyer: await bearer(demoPersona('kent-buyer').email),
      evaluators: [await bearer(demoPersona('kent-buyer').email), await bearer(demoPersona('kent-admin').email)],
      moderator: await bearer(emailOf('kent-0')),
    }),
  },
  {
    name: 'a Welsh buyer (Cardiff)',
    ...act,
    resumedHolidays: act.firstHolidays,
    buyer: async () => ({
      buyer: await bearer(demoPersona('cardiff-buyer').email),
      evaluators: [await bearer(demoPersona('cardiff-buyer').email), await bearer(emailOf('cardiff-0'))],
      moderator: await bearer(emailOf('cardiff-1')),
    }),
  },
  {
    name: 'a Scottish buyer (Glasgow)',
    regime: 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015',
    firstEnd: '2026-12-29',
    firstHolidays: [holiday('2026-12-28', 'Boxing Day (substitute day)', ['SCOTLAND'])],
    resumedEnd: '2027-01-05',
    resumedHolidays: [
      holiday('2026-12-28', 'Boxing Day (substitute day)', ['SCOTLAND']),
      holiday('2027-01-01', "New Year's Day", ['SCOTLAND']),
      holiday('2027-01-04', 'January 2nd (substitute day)', ['SCOTLAND']),
    ],
    refusedOn: ['2026-12-30', '2027-01-05'],
    recordedOn: '2027-01-06',
    buyer: async () => {
      const admin = await bearer(emailOf('glasgow-0'));
      return {
        buyer: admin,
        evaluators: [admin, await bearer(emailOf('glasgow-1'))],
        moderator: await invitedBuyer('glasgow', admin, 'morgan.moderator@glasgow.gov.uk'),
      };
    },
  },
  {
    name: 'a Northern Irish buyer (Belfast)',
    ...act,
    resumedHolidays: act.firstHolidays,
    buyer: async () => {
      const admin = await bearer(emailOf('belfast-0'));
      return {
        buyer: admin,
        evaluators: [admin, await bearer(emailOf('belfast-1'))],
        moderator: await invitedBuyer('belfast', admin, 'morgan.moderator@belfastcity.gov.uk'),
      };
    },
  },
];

describe.each(nations)('$name: publish to contract across Christmas', (nation) => {
  let team: Awaited<ReturnType<Nation['buyer']>>;
  let competition: Competition;
  let challengeId: string;
  const read = async () =>
    expectData(await graph.execute<UntypedData>(projectQuery, { id: competition.projectId }, team.buyer)).procurementProject;

  test('published, two tenders sealed until the deadline, scored by two evaluators, moderated, awarded with summaries and the notice', async () => {
    team = await nation.buyer();
    competition = await runFurtherCompetition(graph, {
      title: `Pothole repairs, ${nation.name}`,
      buyer: team.buyer,
      lotId: dpsLot,
      innovationId,
      publishAt: '2026-12-01T10:00:00Z',
      bidders: [
        { signIn: challenger, price: 90000, scores: [80, 60] }, // 72.0
        { signIn: winner, price: 70000, scores: [70, 90] }, // 78.0: the most advantageous
      ],
      evaluators: team.evaluators,
      moderator: team.moderator,
      evaluateAt: '2026-12-18T10:00:00Z',
      awardTo: 1,
    });
    const project = await read();
    expect(project).toMatchObject({
      status: 'AWARDED',
      regime: nation.regime,
      award: { supplier: { id: northern }, standstillObserved: true, standstillEndsOn: nation.firstEnd },
      standstillDeadline: { at: `${nation.firstEnd}T23:59:59.999Z`, regime: nation.regime, holidaysSkipped: nation.firstHolidays },
    });
    // A DPS call-off: the standstill is mandatory under the Act, voluntary under the Scottish regulations (observed here).
    expect(project.standstillRequired).toBe(nation.regime === 'PROCUREMENT_ACT_2023');
    expect(project.assessmentSummaries).toEqual([
      { supplier: { id: resurface }, won: false, reason: expect.stringContaining('72.0 against the winning 78.0') },
      { supplier: { id: northern }, won: true, reason: expect.stringContaining('Your tender won') },
    ]);
    const releases = await expectValidOcds(graph, competition.projectId);
    expect(releases.map((release) => release.tag[0])).toEqual(['planning', 'tender', 'award']);
  });

  test('the losing bidder challenges; the buyer dismisses it and the standstill resumes, never shortened', async () => {
    graph.clock.set('2026-12-22T10:00:00Z');
    const challenge = changed<UntypedData>(
      await graph.execute<UntypedData>(
        raise,
        { input: { projectId: competition.projectId, grounds: 'The moderated Quality score ignores our trial results.' } },
        challenger,
      ),
      'raiseStandstillChallenge',
      'standstillChallenge',
    );
    challengeId = challenge.id;
    expect(challenge).toMatchObject({ status: 'OPEN', standstillEndsOnWhenRaised: nation.firstEnd });
    graph.clock.set('2026-12-24T10:00:00Z');
    expect(
      changed(
        await graph.execute<UntypedData>(
          answer,
          { input: { challengeId, outcome: 'DISMISSED', answer: 'The trial results were read and weighed as published.' } },
          team.buyer,
        ),
        'answerStandstillChallenge',
        'standstillChallenge',
      ),
    ).toEqual({ status: 'DISMISSED', standstillResumedUntil: nation.resumedEnd });
    expect(await read()).toMatchObject({
      award: { standstillEndsOn: nation.resumedEnd },
      standstillDeadline: { at: `${nation.resumedEnd}T23:59:59.999Z`, regime: nation.regime, holidaysSkipped: nation.resumedHolidays },
      challenges: [{ status: 'DISMISSED', standstillResumedUntil: nation.resumedEnd }],
    });
    await expectValidOcds(graph, competition.projectId);
  });

  test('the contract waits for the resumed standstill and is recorded the day after it, in time', async () => {
    const input = (version: number) => ({
      input: { projectId: competition.projectId, version, value: 70000, startsOn: '2027-02-01', endsOn: '2028-01-31' },
    });
    const version = async () =>
      expectData(
        await graph.execute<UntypedData>(
          `query($id: ID!){ procurementProject(id: $id) { version } }`,
          { id: competition.projectId },
          team.buyer,
        ),
      ).procurementProject.version;
    for (const day of nation.refusedOn) {
      graph.clock.set(`${day}T15:00:00Z`);
      expect({ day, ...refusalOf(await graph.execute<UntypedData>(record, input(await version()), team.buyer)) }).toMatchObject({
        day,
        code: 'CONFLICT',
        currentStatus: 'AWARDED',
        standstillEndsOn: nation.resumedEnd,
      });
    }
    graph.clock.set(`${nation.recordedOn}T09:00:00Z`);
    expect(changed(await graph.execute<UntypedData>(record, input(await version()), team.buyer), 'recordContract', 'contract')).toEqual({
      signedOn: nation.recordedOn,
      detailsPublishedLate: false,
    });
    expect((await read()).status).toBe('CONTRACTED');
    const releases = await expectValidOcds(graph, competition.projectId);
    expect(releases.map((release) => release.tag[0])).toEqual(['planning', 'tender', 'award', 'contract']);
    expect(releases.at(-1)!.contracts[0]).toMatchObject({
      awardID: `${competition.ocid}-award`,
      dateSigned: `${nation.recordedOn}T00:00:00Z`,
    });
  });
});
