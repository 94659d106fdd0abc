import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { otherBuyerOf } from './support/evaluation';
import {
  awardMutation,
  changed,
  expectValidOcds,
  refusalFields,
  runFurtherCompetition,
  type Bidder,
  type Competition,
} from './support/further-competition';
import { startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { callersOf, expectData, refusalOf, signInAll, type Callers, type UntypedData } from './support/graphql-results';
import { describeOnServer } from './support/test-database';

/**
 * Issue 24 item 4 (challenges) and the voluntary standstill of item 3, through the gateway on the
 * injected clock. A bidder challenges the award during the standstill; while the challenge is open
 * the contract is refused; the buyer's team answers it: UPHELD withdraws the award (recorded) and
 * sends the project back to evaluation for a new award, a new notice and a new standstill; DISMISSED
 * resumes the standstill, never shortened. Only the challenger, the buyer's team and staff see it.
 *
 * The competitions run under RM6301 lot 1 (a dynamic purchasing system: the standstill is mandatory
 * under the Procurement Act 2023) for Kent: published Monday 1 February 2027, responses due Thursday
 * 11 February, awarded Friday 12 February, so the standstill's last day is Wednesday 24 February.
 */
jest.setTimeout(180_000);

let graph: TestGraph;
let run: Callers<GraphResult<UntypedData>>['run'];
let ok: Callers<GraphResult<UntypedData>>['ok'];
let header: (caller: string) => string;

const personas = [
  'kent-buyer',
  'kent-admin',
  'resurface-contributor',
  'resurface-admin',
  'potholepro-contributor',
  'platform-admin',
  'cardiff-buyer',
  'leeds-viewer',
] as const;
/** People of the other suppliers on the lot, and of one not on it, by key. */
const people: Record<string, string> = {
  'green-admin': 'rhys.thomson0@green-binder.example',
  'green-viewer': 'amelia.thomson2@green-binder.example',
  'northern-admin': 'george.macleod0@northern-surfacing.example',
  'northern-viewer': 'fraser.williams2@northern-surfacing.example',
  'lumen-admin': 'eilidh.macleod0@lumen-streets.example',
};
const resurface = demoOrganisation('resurface-tech').id;
const greenBinder = demoOrganisation('green-binder').id;
const northern = demoOrganisation('northern-surfacing').id;
const dpsLot = demoId('lot', 'RM6301/1');
const frameworkLot = demoId('lot', 'RM6302/2');

const awardedAt = '2027-02-12T09:00:00Z';
const standstillEndsOn = '2027-02-24';

const challengeFields = `id grounds status raisedAt raisedBy { id } challenger { id } standstillEndsOnWhenRaised answer answeredAt answeredBy { id } closedAt standstillResumedUntil viewerCanAnswer`;
const raise = `mutation($input: RaiseStandstillChallengeInput!){ raiseStandstillChallenge(input: $input) { standstillChallenge { ${challengeFields} project { id } } ${refusalFields} } }`;
const answer = `mutation($input: AnswerStandstillChallengeInput!){ answerStandstillChallenge(input: $input) { standstillChallenge { ${challengeFields} project { id status version award { standstillEndsOn } } } ${refusalFields} } }`;
const record = `mutation($input: RecordContractInput!){ recordContract(input: $input) { contract { id signedOn } ${refusalFields} } }`;
const projectQuery = `query($id: ID!){ procurementProject(id: $id) { id status version
  award { standstillEndsOn standstillObserved supplier { id } } standstillDeadline { at regime holidaysSkipped { date name } }
  challenges { ${challengeFields} } withdrawnAwards { supplier { id } awardedAt standstillEndsOn withdrawnAt }
  viewerCan { recordContract raiseStandstillChallenge } } }`;

const grounds = 'The price criterion was scored against a different basis than the one published.';

async function raiseAs(caller: string | undefined, projectId: string, text = grounds) {
  return run(raise, { input: { projectId, grounds: text } }, caller);
}
async function raised(caller: string, projectId: string, text = grounds) {
  return changed<UntypedData>(await raiseAs(caller, projectId, text), 'raiseStandstillChallenge', 'standstillChallenge');
}
async function answered(caller: string, challengeId: string, outcome: 'UPHELD' | 'DISMISSED', text: string) {
  return changed<UntypedData>(
    await run(answer, { input: { challengeId, outcome, answer: text } }, caller),
    'answerStandstillChallenge',
    'standstillChallenge',
  );
}
async function project(id: string, caller = 'kent-buyer') {
  return (await ok(projectQuery, { id }, caller)).procurementProject;
}
async function recordContractAs(caller: string, projectId: string) {
  const { version } = await project(projectId);
  return run(record, { input: { projectId, version, value: 70000, startsOn: '2027-04-01', endsOn: '2028-03-31' } }, caller);
}

let innovationId: string;
let frameworkInnovationId: string;
let evaluators: string[];
let moderator: string;
/** Quality 60%, Price 40%: ReSurface 80/60 → 72.0, GreenBinder 60/70 → 64.0, Northern 70/90 → 78.0 (the winner). */
let bidders: { resurface: Bidder; green: Bidder; northern: Bidder };

async function competition(title: string, who: readonly Bidder[], awardTo: number | undefined = who.length - 1): Promise<Competition> {
  return runFurtherCompetition(graph, {
    title,
    buyer: header('kent-buyer'),
    lotId: dpsLot,
    innovationId,
    publishAt: '2027-02-01T10:00:00Z',
    bidders: who,
    evaluators,
    moderator,
    evaluateAt: awardedAt,
    awardTo,
  });
}

beforeAll(async () => {
  graph = await startTestGraph();
  const signedIn = await signInAll(graph, personas);
  const others = new Map<string, string>();
  for (const [key, email] of Object.entries(people)) others.set(key, `Bearer ${await graph.tokenFor(email)}`);
  header = (caller) => others.get(caller) ?? signedIn(caller as (typeof personas)[number]);
  ({ run, ok } = callersOf<GraphResult<UntypedData>>(graph, header));
  const found = await ok(
    `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR, SURFACING_AND_MATERIALS] }) { edges { node { id category supplier { id } } } } }`,
  );
  const ofResurface = found.innovations.edges.map((e: any) => e.node).filter((n: any) => n.supplier.id === resurface);
  innovationId = ofResurface[0].id;
  frameworkInnovationId = ofResurface.find((n: any) => n.category === 'POTHOLE_REPAIR').id;
  const kent = demoOrganisation('kent').id;
  evaluators = [header('kent-buyer'), header('kent-admin')];
  moderator = await otherBuyerOf(graph, kent, 0);
  bidders = {
    resurface: { signIn: header('resurface-contributor'), price: 90000, scores: [80, 60] },
    green: { signIn: header('green-admin'), price: 85000, scores: [60, 70] },
    northern: { signIn: header('northern-admin'), price: 70000, scores: [70, 90] },
  };
});
afterAll(async () => {
  await graph?.stop();
});

describe('a challenge raised and dismissed', () => {
  let a: Competition;
  let challengeId: string;
  beforeAll(async () => {
    // GreenBinder responds and withdraws before the deadline: no tender, so no bidder.
    a = await competition('Challenge dismissed', [bidders.resurface, { ...bidders.green, withdraws: true }, bidders.northern]);
  });

  test('a bidder raises it during the standstill; the challenger is told it is open and who raised it', async () => {
    graph.clock.set('2027-02-22T10:00:00Z');
    expect((await project(a.projectId, 'resurface-contributor')).viewerCan.raiseStandstillChallenge).toBe(true);
    const challenge = await raised('resurface-contributor', a.projectId);
    challengeId = challenge.id;
    expect(challenge).toEqual({
      id: expect.any(String),
      project: { id: a.projectId },
      grounds,
      status: 'OPEN',
      raisedAt: '2027-02-22T10:00:00.000Z',
      raisedBy: { id: demoPersona('resurface-contributor').id },
      challenger: { id: resurface },
      standstillEndsOnWhenRaised: standstillEndsOn,
      answer: null,
      answeredAt: null,
      answeredBy: null,
      closedAt: null,
      standstillResumedUntil: null,
      viewerCanAnswer: false,
    });
  });

  test('the challenger’s people (any role), the buyer’s team and staff see it; the winner, other suppliers, other buyers and the public do not', async () => {
    for (const caller of ['resurface-contributor', 'resurface-admin', 'kent-buyer', 'kent-admin', 'platform-admin']) {
      const seen = (await project(a.projectId, caller)).challenges;
      expect({ caller, ids: seen.map((c: any) => c.id) }).toEqual({ caller, ids: [challengeId] });
    }
    expect((await project(a.projectId, 'kent-admin')).challenges[0].viewerCanAnswer).toBe(true);
    expect((await project(a.projectId, 'platform-admin')).challenges[0].viewerCanAnswer).toBe(false);
    for (const caller of ['northern-admin', 'northern-viewer', 'green-admin', 'lumen-admin', 'cardiff-buyer', 'leeds-viewer', undefined]) {
      const seen = expectData(
        await run(`query($id: ID!){ procurementProject(id: $id) { challenges { id grounds } } }`, { id: a.projectId }, caller),
      ).procurementProject.challenges;
      expect({ caller, seen }).toEqual({ caller, seen: [] });
    }
  });

  test('only a bidder other than the winner raises one, once at a time, with grounds of 10 to 4000 characters', async () => {
    const refused = async (caller: string | undefined, text = grounds) => refusalOf(await raiseAs(caller, a.projectId, text));
    expect(await refused('resurface-admin')).toMatchObject({ code: 'CONFLICT', reason: 'CHALLENGE_ALREADY_OPEN' });
    // GreenBinder withdrew its response: it is no bidder.
    expect(await refused('green-admin')).toMatchObject({ code: 'FORBIDDEN' });
    expect((await refused('northern-admin')).message).toMatch(/won this award/);
    expect(await refused('northern-admin')).toMatchObject({ code: 'FORBIDDEN' });
    for (const caller of ['lumen-admin', 'kent-buyer', 'platform-admin', 'leeds-viewer'])
      expect({ caller, ...(await refused(caller)) }).toMatchObject({ caller, code: 'FORBIDDEN' });
    expect(await refused(undefined)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refused('resurface-admin', 'Unfair.')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'grounds' });
    expect(await refused('resurface-admin', 'x'.repeat(4001))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'grounds' });
    expect((await project(a.projectId, 'resurface-admin')).viewerCan.raiseStandstillChallenge).toBe(false);
    expect((await project(a.projectId, 'northern-admin')).viewerCan.raiseStandstillChallenge).toBe(false);
    // A project the caller may not see is not found: a draft of Kent's.
    const draft = changed<{ id: string }>(
      await run(
        `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id } ${refusalFields} } }`,
        {
          input: {
            title: 'Draft',
            need: 'A draft.',
            budget: 1000,
            lotId: dpsLot,
            procedure: 'FURTHER_COMPETITION',
            innovationIds: [innovationId],
            criteria: [{ name: 'Quality', weight: 100 }],
          },
        },
        'kent-buyer',
      ),
      'createProcurementProject',
      'procurementProject',
    );
    expect(refusalOf(await raiseAs('resurface-admin', draft.id))).toMatchObject({ code: 'NOT_FOUND', typeName: 'ProcurementProject' });
  });

  test('while it is open the contract is refused with CHALLENGE_OPEN, even after the standstill’s last day', async () => {
    graph.clock.set('2027-02-25T09:00:00Z');
    expect(refusalOf(await recordContractAs('kent-buyer', a.projectId))).toMatchObject({
      code: 'CONFLICT',
      reason: 'CHALLENGE_OPEN',
      currentStatus: 'AWARDED',
    });
    expect((await project(a.projectId)).viewerCan.recordContract).toBe(false);
    expect(await ok(`query($id: ID!){ procurementProject(id: $id) { contract { id } } }`, { id: a.projectId }, 'kent-buyer')).toEqual({
      procurementProject: { contract: null },
    });
    // And no new challenge once the standstill is over.
    expect(refusalOf(await raiseAs('resurface-admin', a.projectId))).toMatchObject({ code: 'CONFLICT', reason: 'STANDSTILL_OVER' });
  });

  test('only the buyer’s team answers it: the challenger is refused, another buyer does not find it', async () => {
    const input = { challengeId, outcome: 'DISMISSED', answer: 'The published basis was applied.' };
    expect(refusalOf(await run(answer, { input }, 'resurface-admin'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(refusalOf(await run(answer, { input }, 'cardiff-buyer'))).toMatchObject({ code: 'NOT_FOUND', typeName: 'StandstillChallenge' });
    expect(refusalOf(await run(answer, { input }, 'platform-admin'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(refusalOf(await run(answer, { input: { ...input, answer: '  ' } }, 'kent-buyer'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'answer',
    });
    expect((await project(a.projectId)).challenges[0].status).toBe('OPEN');
  });

  test('dismissed: the 3 working days left when it was raised (22–24 February) run again from the day after the answer', async () => {
    // Answered on Thursday 25 February: Friday 26, Monday 1 and Tuesday 2 March.
    const dismissed = await answered('kent-admin', challengeId, 'DISMISSED', 'The published basis was applied to every tender.');
    expect(dismissed).toMatchObject({
      status: 'DISMISSED',
      answer: 'The published basis was applied to every tender.',
      answeredAt: '2027-02-25T09:00:00.000Z',
      answeredBy: { id: demoPersona('kent-admin').id },
      closedAt: '2027-02-25T09:00:00.000Z',
      standstillResumedUntil: '2027-03-02',
      viewerCanAnswer: false,
      project: { status: 'AWARDED', award: { standstillEndsOn: '2027-03-02' } },
    });
    // The challenger reads the answer and the resumed standstill.
    const challengerView = await project(a.projectId, 'resurface-admin');
    expect(challengerView.challenges).toEqual([
      expect.objectContaining({ id: challengeId, status: 'DISMISSED', answer: 'The published basis was applied to every tender.' }),
    ]);
    expect(challengerView.standstillDeadline).toEqual({
      at: '2027-03-02T23:59:59.999Z',
      regime: 'PROCUREMENT_ACT_2023',
      holidaysSkipped: [],
    });
    expect(
      refusalOf(await run(answer, { input: { challengeId, outcome: 'UPHELD', answer: 'Changed my mind.' } }, 'kent-buyer')),
    ).toMatchObject({ code: 'CONFLICT', reason: 'CHALLENGE_CLOSED', currentStatus: 'DISMISSED' });
    // The resumed standstill is a standstill: the contract waits for its last day to pass.
    graph.clock.set('2027-03-02T16:00:00Z');
    expect(refusalOf(await recordContractAs('kent-buyer', a.projectId))).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'AWARDED',
      standstillEndsOn: '2027-03-02',
    });
    graph.clock.set('2027-03-03T09:00:00Z');
    expect(changed(await recordContractAs('kent-buyer', a.projectId), 'recordContract', 'contract')).toMatchObject({
      signedOn: '2027-03-03',
    });
  });

  test('no challenge once the contract is recorded', async () => {
    graph.clock.set('2027-03-03T10:00:00Z');
    expect(refusalOf(await raiseAs('resurface-admin', a.projectId))).toMatchObject({
      code: 'CONFLICT',
      reason: 'CONTRACT_RECORDED',
      currentStatus: 'CONTRACTED',
    });
  });

  test('raising and answering are in the project’s audit trail', async () => {
    const trail = (
      await ok(
        `query($id: ID!){ procurementProject(id: $id) { auditTrail { subject action fromStatus toStatus actor { id } at reason } } }`,
        { id: a.projectId },
        'kent-buyer',
      )
    ).procurementProject.auditTrail;
    const entries = trail.filter((entry: any) => ['RAISE_CHALLENGE', 'ANSWER_CHALLENGE', 'RESUME_STANDSTILL'].includes(entry.action));
    expect(entries).toEqual([
      {
        subject: 'CHALLENGE',
        action: 'RAISE_CHALLENGE',
        fromStatus: null,
        toStatus: 'OPEN',
        actor: { id: demoPersona('resurface-contributor').id },
        at: '2027-02-22T10:00:00.000Z',
        reason: grounds,
      },
      {
        subject: 'CHALLENGE',
        action: 'ANSWER_CHALLENGE',
        fromStatus: 'OPEN',
        toStatus: 'DISMISSED',
        actor: { id: demoPersona('kent-admin').id },
        at: '2027-02-25T09:00:00.000Z',
        reason: 'The published basis was applied to every tender.',
      },
      {
        subject: 'PROJECT',
        action: 'RESUME_STANDSTILL',
        fromStatus: 'AWARDED',
        toStatus: 'AWARDED',
        actor: { id: demoPersona('kent-admin').id },
        at: '2027-02-25T09:00:00.000Z',
        reason:
          'The 3 working day(s) left when the challenge was raised run from 2027-02-25; the standstill ends on 2027-03-02 (it ended on 2027-02-24).',
      },
    ]);
  });

  test('the OCDS record stays valid through the challenge and the contract, and publishes no challenge', async () => {
    const releases = await expectValidOcds(graph, a.projectId);
    expect(releases.map((r) => r.tag)).toEqual([['planning'], ['tender'], ['award'], ['contract', 'awardUpdate']]);
    expect(JSON.stringify(releases)).not.toContain('published basis');
  });
});

describe('a dismissal never shortens the standstill', () => {
  let b: Competition;
  beforeAll(async () => {
    b = await competition('Never shortened', [bidders.resurface, bidders.green, bidders.northern]);
  });

  test('two bidders challenge; the second dismissal would end it earlier than the first set, so the end stays', async () => {
    graph.clock.set('2027-02-15T10:00:00Z');
    const first = await raised('resurface-contributor', b.projectId); // 8 working days left: 15–24 February
    graph.clock.set('2027-02-23T10:00:00Z');
    const second = await raised('green-admin', b.projectId); // 2 working days left: 23–24 February
    graph.clock.set('2027-02-17T10:00:00Z');
    // 8 working days from Thursday 18 February: Monday 1 March.
    expect(await answered('kent-buyer', first.id, 'DISMISSED', 'The scoring followed the published method.')).toMatchObject({
      standstillResumedUntil: '2027-03-01',
    });
    graph.clock.set('2027-02-24T10:00:00Z');
    // 2 working days from Thursday 25 February would end it on Friday 26: earlier, so Monday 1 March stands.
    expect(await answered('kent-buyer', second.id, 'DISMISSED', 'The scoring followed the published method.')).toMatchObject({
      standstillResumedUntil: '2027-03-01',
      project: { award: { standstillEndsOn: '2027-03-01' } },
    });
    expect((await project(b.projectId)).standstillDeadline.at).toBe('2027-03-01T23:59:59.999Z');
    graph.clock.set('2027-03-01T12:00:00Z');
    expect(refusalOf(await recordContractAs('kent-buyer', b.projectId))).toMatchObject({
      code: 'CONFLICT',
      standstillEndsOn: '2027-03-01',
    });
  });
});

describe('a challenge upheld', () => {
  let c: Competition;
  let upheldId: string;
  let lapsedId: string;
  const reason = 'The price scores were swapped between two tenders.';
  beforeAll(async () => {
    c = await competition('Challenge upheld', [bidders.resurface, bidders.green, bidders.northern]);
    graph.clock.set('2027-02-15T10:00:00Z');
    upheldId = (await raised('resurface-contributor', c.projectId)).id;
    graph.clock.set('2027-02-16T10:00:00Z');
    lapsedId = (await raised('green-admin', c.projectId)).id;
  });

  test('the award is withdrawn and recorded, and the project is back in evaluation with its moderation reopened', async () => {
    graph.clock.set('2027-02-17T10:00:00Z');
    const upheld = await answered('kent-buyer', upheldId, 'UPHELD', reason);
    expect(upheld).toMatchObject({ status: 'UPHELD', answer: reason, project: { status: 'EVALUATION', award: null } });
    const seen = await project(c.projectId);
    expect(seen).toMatchObject({ status: 'EVALUATION', award: null, standstillDeadline: null, viewerCan: { recordContract: false } });
    expect(seen.withdrawnAwards).toEqual([
      { supplier: { id: northern }, awardedAt: '2027-02-12T09:00:00.000Z', standstillEndsOn, withdrawnAt: '2027-02-17T10:00:00.000Z' },
    ]);
    // The other bidder's challenge of the withdrawn award lapses: there is nothing left to challenge.
    expect(seen.challenges.find((ch: any) => ch.id === lapsedId)).toMatchObject({
      status: 'LAPSED',
      answer: null,
      closedAt: '2027-02-17T10:00:00.000Z',
    });
    const responses = (
      await ok(
        `query($id: ID!){ procurementProject(id: $id) { responses { id outcome moderatedAt moderatedScores { score } viewerCan { moderate } } } }`,
        { id: c.projectId },
        'kent-buyer',
      )
    ).procurementProject.responses;
    for (const response of responses) expect(response).toMatchObject({ outcome: 'PENDING', moderatedAt: null, moderatedScores: [] });
    // No new challenge while the project is in evaluation.
    expect(refusalOf(await raiseAs('green-admin', c.projectId))).toMatchObject({
      code: 'CONFLICT',
      reason: 'NOT_IN_STANDSTILL',
      currentStatus: 'EVALUATION',
    });
  });

  test('each bidder’s summary of the withdrawn award is kept, marked superseded', async () => {
    const own = (
      await ok(
        `query($id: ID!){ procurementProject(id: $id) { assessmentSummaries { supplier { id } won totalScore supersededAt } } }`,
        { id: c.projectId },
        'resurface-admin',
      )
    ).procurementProject.assessmentSummaries;
    expect(own).toEqual([{ supplier: { id: resurface }, won: false, totalScore: 72, supersededAt: '2027-02-17T10:00:00.000Z' }]);
  });

  test('the OCDS record publishes the award cancelled in the next release, and stays valid', async () => {
    const releases = await expectValidOcds(graph, c.projectId);
    expect(releases.map((r) => r.id.replace(`${c.ocid}-`, ''))).toEqual(['planning', 'tender', 'award', 'awardCancellation-1']);
    expect(releases[2]!.awards).toEqual([
      expect.objectContaining({ id: `${c.ocid}-award`, status: 'pending', suppliers: [expect.objectContaining({ id: northern })] }),
    ]);
    expect(releases[3]).toMatchObject({ tag: ['awardCancellation'], date: '2027-02-17T10:00:00.000Z', tender: { status: 'active' } });
    expect(releases[3]!.awards).toEqual([expect.objectContaining({ id: `${c.ocid}-award`, status: 'cancelled' })]);
    expect(JSON.stringify(releases)).not.toContain('swapped');
  });

  test('re-moderated and awarded again: new summaries, a new notice and a new standstill', async () => {
    graph.clock.set('2027-02-18T10:00:00Z');
    // The moderator agrees ReSurface's Quality at 95 (the evaluators gave 80): 95 × 0.6 + 60 × 0.4 = 81.0, now the highest.
    const versions = new Map<string, number>(
      (
        await ok(`query($id: ID!){ procurementProject(id: $id) { responses { id version } } }`, { id: c.projectId }, 'kent-buyer')
      ).procurementProject.responses.map((r: any) => [r.id, r.version]),
    );
    const moderate = `mutation($i: ModerateScoresInput!){ moderateScores(input: $i) { procurementResponse { id } ${refusalFields} } }`;
    const agreed: Record<string, { criterion: string; score: number; reason?: string }[]> = {
      [c.responseIds[0]!]: [
        { criterion: 'Quality', score: 95, reason: 'Upheld challenge: the trial results were misread.' },
        { criterion: 'Price', score: 60 },
      ],
      [c.responseIds[1]!]: [
        { criterion: 'Quality', score: 60 },
        { criterion: 'Price', score: 70 },
      ],
      [c.responseIds[2]!]: [
        { criterion: 'Quality', score: 70 },
        { criterion: 'Price', score: 90 },
      ],
    };
    for (const [responseId, scores] of Object.entries(agreed)) {
      changed(
        await graph.execute(moderate, { i: { responseId, version: versions.get(responseId), scores } }, moderator),
        'moderateScores',
        'procurementResponse',
      );
    }
    const { version } = await project(c.projectId);
    // Declining the standstill is refused here: a DPS call-off's standstill is mandatory under the Act.
    expect(
      refusalOf(
        await run(
          awardMutation,
          { input: { projectId: c.projectId, version, responseId: c.responseIds[0], observeStandstill: false } },
          'kent-buyer',
        ),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'observeStandstill' });
    expect(
      refusalOf(await run(awardMutation, { input: { projectId: c.projectId, version, responseId: c.responseIds[2] } }, 'kent-buyer')),
    ).toMatchObject({ code: 'CONFLICT', reason: 'NOT_MOST_ADVANTAGEOUS', expectedResponseIds: [c.responseIds[0]] });
    const awarded = changed<UntypedData>(
      await run(awardMutation, { input: { projectId: c.projectId, version, responseId: c.responseIds[0] } }, 'kent-buyer'),
      'awardProcurementProject',
      'procurementProject',
    );
    // 8 working days from Friday 19 February: Tuesday 2 March.
    expect(awarded).toMatchObject({
      status: 'AWARDED',
      award: { supplier: { id: resurface }, standstillEndsOn: '2027-03-02', standstillObserved: true },
    });
    const summaries = (
      await ok(
        `query($id: ID!){ procurementProject(id: $id) { assessmentSummaries { supplier { id } won totalScore issuedAt supersededAt } } }`,
        { id: c.projectId },
        'kent-buyer',
      )
    ).procurementProject.assessmentSummaries;
    expect(summaries).toEqual([
      { supplier: { id: resurface }, won: true, totalScore: 81, issuedAt: '2027-02-18T10:00:00.000Z', supersededAt: null },
      { supplier: { id: greenBinder }, won: false, totalScore: 64, issuedAt: '2027-02-18T10:00:00.000Z', supersededAt: null },
      { supplier: { id: northern }, won: false, totalScore: 78, issuedAt: '2027-02-18T10:00:00.000Z', supersededAt: null },
    ]);
    const releases = await expectValidOcds(graph, c.projectId);
    expect(releases.map((r) => r.id.replace(`${c.ocid}-`, ''))).toEqual(['planning', 'tender', 'award', 'awardCancellation-1', 'award-2']);
    expect(releases[4]!.awards).toEqual([
      expect.objectContaining({
        id: `${c.ocid}-award-2`,
        status: 'pending',
        date: '2027-02-18T10:00:00.000Z',
        suppliers: [expect.objectContaining({ id: resurface })],
      }),
    ]);
    // Northern, the bidder that lost the new award, may challenge it; the challenges of the old one stay closed.
    expect((await project(c.projectId, 'northern-admin')).viewerCan.raiseStandstillChallenge).toBe(true);
  });

  test('the contract follows the new standstill and names the new award', async () => {
    graph.clock.set('2027-03-03T09:00:00Z');
    changed(await recordContractAs('kent-buyer', c.projectId), 'recordContract', 'contract');
    const releases = await expectValidOcds(graph, c.projectId);
    expect(releases.at(-1)!.contracts[0].awardID).toBe(`${c.ocid}-award-2`);
  });

  test('the withdrawal, the reopened moderation, the superseded summaries and the lapse are audited', async () => {
    const trail: any[] = (
      await ok(
        `query($id: ID!){ procurementProject(id: $id) { auditTrail(first: 1000) { subject action fromStatus toStatus at reason } } }`,
        { id: c.projectId },
        'kent-buyer',
      )
    ).procurementProject.auditTrail;
    const at = '2027-02-17T10:00:00.000Z';
    const on = trail.filter((entry) => entry.at === at);
    expect(on.map((entry) => entry.action)).toEqual([
      'ANSWER_CHALLENGE',
      'WITHDRAW_AWARD',
      'REOPEN_MODERATION',
      'REOPEN_MODERATION',
      'REOPEN_MODERATION',
      'SUPERSEDE_ASSESSMENT_SUMMARY',
      'SUPERSEDE_ASSESSMENT_SUMMARY',
      'SUPERSEDE_ASSESSMENT_SUMMARY',
      'LAPSE_CHALLENGE',
    ]);
    expect(on[1]).toMatchObject({
      subject: 'PROJECT',
      fromStatus: 'AWARDED',
      toStatus: 'EVALUATION',
      reason: `Challenge upheld: ${reason}`,
    });
  });
});

describe('a voluntary standstill', () => {
  let d: Competition;
  beforeAll(async () => {
    // A call-off under the RM6302 framework: the standstill is voluntary (Procurement Act 2023 s.51(3)).
    d = await runFurtherCompetition(graph, {
      title: 'No standstill',
      buyer: header('kent-buyer'),
      lotId: frameworkLot,
      innovationId: frameworkInnovationId,
      publishAt: '2027-02-01T10:00:00Z',
      bidders: [bidders.resurface, { signIn: header('potholepro-contributor'), price: 70000, scores: [70, 90] }],
      evaluators,
      moderator,
      evaluateAt: awardedAt,
      awardTo: 1,
      observeStandstill: false,
    });
  });

  test('declined at the award: no standstill, no challenge, and the contract the same day', async () => {
    const seen = await project(d.projectId);
    expect(seen).toMatchObject({
      status: 'AWARDED',
      award: { standstillObserved: false, standstillEndsOn: '2027-02-11' },
      standstillDeadline: null,
      viewerCan: { recordContract: true },
    });
    expect(
      (await ok(`query($id: ID!){ procurementProject(id: $id) { standstillRequired } }`, { id: d.projectId }, 'kent-buyer'))
        .procurementProject.standstillRequired,
    ).toBe(false);
    expect(refusalOf(await raiseAs('resurface-admin', d.projectId))).toMatchObject({ code: 'CONFLICT', reason: 'NO_STANDSTILL' });
    expect((await project(d.projectId, 'resurface-admin')).viewerCan.raiseStandstillChallenge).toBe(false);
    expect(changed(await recordContractAs('kent-buyer', d.projectId), 'recordContract', 'contract')).toMatchObject({
      signedOn: '2027-02-12',
    });
    await expectValidOcds(graph, d.projectId);
  });
});

describeOnServer('a challenge and the contract at once (PostgreSQL server only)', () => {
  /**
   * The real race: a challenge made in the last minutes of the standstill and the contract recorded
   * just after midnight, both waiting on a write to the project (held here by a transaction of the
   * test's own), then let go together. The project's row lock makes the second see the first: exactly
   * one wins, whichever goes first. Without the lock both would go through (each checked before the
   * other wrote: no contract yet, no challenge open).
   */
  const lastMinute = '2027-02-24T23:59:00Z';
  const afterMidnight = '2027-02-25T00:01:00Z';
  const database = () => graph.databases.procurement.dataSource;

  async function holdProject(projectId: string) {
    const runner = database().createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query(`SELECT 1 FROM procurement.project WHERE id = $1 FOR UPDATE`, [projectId]);
    return async () => {
      await runner.commitTransaction();
      await runner.release();
    };
  }
  async function waitForWaiting(count: number) {
    for (let attempt = 0; attempt < 200; attempt++) {
      const [{ n }] = await database().query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (n >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`expected ${count} request(s) waiting on the project's row`);
  }
  async function race(projectId: string, first: 'challenge' | 'contract') {
    const { version } = await project(projectId);
    const challenge = () => raiseAs('resurface-contributor', projectId);
    const contract = () =>
      run(record, { input: { projectId, version, value: 70000, startsOn: '2027-04-01', endsOn: '2028-03-31' } }, 'kent-buyer');
    const release = await holdProject(projectId);
    const answers: Promise<GraphResult<UntypedData>>[] = [];
    try {
      graph.clock.set(first === 'challenge' ? lastMinute : afterMidnight);
      answers.push(first === 'challenge' ? challenge() : contract());
      await waitForWaiting(1);
      graph.clock.set(first === 'challenge' ? afterMidnight : lastMinute);
      answers.push(first === 'challenge' ? contract() : challenge());
      await waitForWaiting(2);
    } finally {
      await release();
    }
    const [firstAnswer, secondAnswer] = await Promise.all(answers);
    return { firstAnswer: firstAnswer!, secondAnswer: secondAnswer! };
  }
  const count = async (table: string, projectId: string) =>
    (await database().query(`SELECT count(*)::int AS n FROM procurement.${table} WHERE project_id = $1`, [projectId]))[0].n;

  test('the challenge first: it is raised and the contract is refused with CHALLENGE_OPEN', async () => {
    const r = await competition('Race, challenge first', [bidders.resurface, bidders.northern], 1);
    const { firstAnswer, secondAnswer } = await race(r.projectId, 'challenge');
    expect(changed(firstAnswer, 'raiseStandstillChallenge', 'standstillChallenge')).toMatchObject({ status: 'OPEN' });
    expect(refusalOf(secondAnswer)).toMatchObject({ code: 'CONFLICT', reason: 'CHALLENGE_OPEN' });
    expect([await count('standstill_challenge', r.projectId), await count('contract', r.projectId)]).toEqual([1, 0]);
  });

  test('the contract first: it is recorded and the challenge is refused with CONTRACT_RECORDED', async () => {
    const r = await competition('Race, contract first', [bidders.resurface, bidders.northern], 1);
    const { firstAnswer, secondAnswer } = await race(r.projectId, 'contract');
    expect(changed(firstAnswer, 'recordContract', 'contract')).toMatchObject({ signedOn: '2027-02-25' });
    expect(refusalOf(secondAnswer)).toMatchObject({ code: 'CONFLICT', reason: 'CONTRACT_RECORDED' });
    expect([await count('standstill_challenge', r.projectId), await count('contract', r.projectId)]).toEqual([0, 1]);
  });
});
