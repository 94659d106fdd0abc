import { demoOrganisation, demoSuppliers } from '../demo-data/organisations';
import { demoPeople } from '../demo-data/people';
import { demoPersona } from '../demo-data/personas';
import { demoId } from '../demo-data/ids';
import { startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { callersOf, codesOf, expectData, signInAll, type Callers, type UntypedData } from './support/graphql-results';
import { releaseProblems } from './support/ocds-validator';
import { moderateAll, otherBuyerOf, scoreAll } from './support/evaluation';

/**
 * Issue 24 item 2, through the gateway: at the award each bidder of a further competition gets its
 * assessment summary — its agreed scores and the moderator's reasons beside the winner's, both
 * totals, and why it did not win — readable only by that bidder, the buyer's team and staff, fixed
 * once issued (a stored snapshot, not a view of the scores) and audited.
 */
jest.setTimeout(120_000);

let graph: TestGraph;
/** Each caller's Authorization header: the personas, and 'uninvited-supplier'. */
let header: (caller: string) => string;
const personas = [
  'kent-buyer',
  'resurface-contributor',
  'resurface-admin',
  'potholepro-contributor',
  'platform-admin',
  'leeds-viewer',
  'cardiff-buyer',
];
const resurface = demoOrganisation('resurface-tech');
const potholePro = demoOrganisation('pothole-pro');
const kent = demoOrganisation('kent');
const surfacingLot2 = demoId('lot', 'RM6302/2');

let ok: Callers<GraphResult<UntypedData>>['ok'];

const summaryFields = `supplier { id } won totalScore winningTotalScore tieBreak decidedByTieBreak reason issuedAt
  criteria { criterion weight score reason winningScore }`;
const summariesQuery = `query($id: ID!){ procurementProject(id: $id) {
  responses { id supplier { id } totalScore assessmentSummary { ${summaryFields} } }
  assessmentSummaries { ${summaryFields} } } }`;

let projectId: string;
const responseIds: Record<string, string> = {};

beforeAll(async () => {
  graph = await startTestGraph();
  const signedIn = await signInAll(graph, personas);
  // A supplier person of an organisation that is not invited to the competition.
  const outsider = demoPeople.find(
    (person) => demoSuppliers.some((s) => s.id === person.organisationId) && ![resurface.id, potholePro.id].includes(person.organisationId),
  )!;
  const uninvited = `Bearer ${await graph.tokenFor(outsider.email)}`;
  header = (caller) => (caller === 'uninvited-supplier' ? uninvited : signedIn(caller));
  const { run } = callersOf<GraphResult<UntypedData>>(graph, header);
  // A change that was refused has data too (its payload's `refusal`): `ok` must see neither an error nor a refusal.
  ok = async (query, variables, caller) => {
    const result = await run(query, variables, caller);
    if (codesOf(result).length) throw new Error(JSON.stringify(result.errors ?? result.data));
    return expectData(result);
  };

  const innovations = await ok(
    `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR] }) { edges { node { id supplier { id } } } } }`,
  );
  const innovationId = innovations.innovations.edges.find((e: any) => e.node.supplier.id === resurface.id).node.id;
  const created = (
    await ok(
      `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      {
        input: {
          title: 'Assessment summaries',
          need: 'Permanent pothole repairs.',
          budget: 90000,
          lotId: surfacingLot2,
          procedure: 'FURTHER_COMPETITION',
          innovationIds: [innovationId],
          criteria: [
            { name: 'Quality', weight: 60 },
            { name: 'Price', weight: 40 },
          ],
        },
      },
      'kent-buyer',
    )
  ).createProcurementProject.procurementProject;
  projectId = created.id;
  await ok(
    `mutation($input: PublishProcurementProjectInput!){ publishProcurementProject(input: $input) { procurementProject { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    {
      input: {
        projectId,
        version: created.version,
        clarificationWorkingDays: 3,
        responseWorkingDays: 8,
        supplierIds: [resurface.id, potholePro.id],
      },
    },
    'kent-buyer',
  );
  const submit = `mutation($input: SubmitResponseInput!){ submitResponse(input: $input) { procurementResponse { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  responseIds.resurface = (
    await ok(submit, { input: { projectId, proposal: 'ReSurface: hot-in-place recycling.', price: 80000 } }, 'resurface-contributor')
  ).submitResponse.procurementResponse.id;
  graph.clock.set(new Date(graph.clock.now().getTime() + 60_000).toISOString()); // submitted later: listed second
  responseIds.potholePro = (
    await ok(submit, { input: { projectId, proposal: 'PotholePro: thermal lance.', price: 60000 } }, 'potholepro-contributor')
  ).submitResponse.procurementResponse.id;
  graph.clock.set('2026-12-10T12:00:00Z'); // the response deadline
  const evaluators = [header('kent-buyer'), await otherBuyerOf(graph, kent.id, 0)];
  const moderator = await otherBuyerOf(graph, kent.id, 1);
  // Quality 60%, Price 40%: ReSurface 80/60 → 72.0, PotholePro 70/90 → 78.0.
  await scoreAll(graph, { projectId, evaluators, scores: { [responseIds.resurface!]: [80, 60], [responseIds.potholePro!]: [70, 90] } });
  await moderateAll(graph, projectId, moderator, { [responseIds.potholePro!]: [70, 90] });
  // ReSurface's moderation carries a reason, which its summary must show.
  const { version } = (
    await ok(`query($id: ID!){ procurementProject(id: $id) { responses { id version } } }`, { id: projectId }, 'kent-buyer')
  ).procurementProject.responses.find((r: any) => r.id === responseIds.resurface);
  expect(
    codesOf(
      await graph.execute<any>(
        `mutation($i: ModerateScoresInput!){ moderateScores(input: $i) { procurementResponse { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        {
          i: {
            responseId: responseIds.resurface,
            version,
            scores: [
              { criterion: 'Quality', score: 80, reason: 'Proven on A-roads in two counties.' },
              { criterion: 'Price', score: 60 },
            ],
          },
        },
        moderator,
      ),
    ),
  ).toEqual([]);
  const project = (await ok(`query($id: ID!){ procurementProject(id: $id) { version } }`, { id: projectId }, 'kent-buyer'))
    .procurementProject;
  await ok(
    `mutation($input: AwardProcurementProjectInput!){ awardProcurementProject(input: $input) { procurementProject { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    { input: { projectId, version: project.version, responseId: responseIds.potholePro } },
    'kent-buyer',
  );
});
afterAll(async () => {
  await graph?.stop();
});

const loserSummary = {
  supplier: { id: resurface.id },
  won: false,
  totalScore: 72,
  winningTotalScore: 78,
  tieBreak: 'LOWEST_PRICE',
  decidedByTieBreak: false,
  reason:
    'Your tender scored 72.0 against the winning 78.0 under the published weights; the largest gap was on Price (30 points, 12.0 weighted).',
  issuedAt: '2026-12-10T12:00:00.000Z',
  criteria: [
    { criterion: 'Quality', weight: 60, score: 80, reason: 'Proven on A-roads in two counties.', winningScore: 70 },
    { criterion: 'Price', weight: 40, score: 60, reason: null, winningScore: 90 },
  ],
};
const winnerSummary = {
  supplier: { id: potholePro.id },
  won: true,
  totalScore: 78,
  winningTotalScore: 78,
  tieBreak: 'LOWEST_PRICE',
  decidedByTieBreak: false,
  reason: 'Your tender won: it scored 78.0, the highest weighted total under the published weights.',
  issuedAt: '2026-12-10T12:00:00.000Z',
  criteria: [
    { criterion: 'Quality', weight: 60, score: 70, reason: null, winningScore: 70 },
    { criterion: 'Price', weight: 40, score: 90, reason: null, winningScore: 90 },
  ],
};

test('each bidder reads its own summary: its scores and reasons beside the winner’s, and why it did not win', async () => {
  for (const persona of ['resurface-contributor', 'resurface-admin']) {
    const seen = (await ok(summariesQuery, { id: projectId }, persona)).procurementProject;
    expect(seen.responses).toEqual([expect.objectContaining({ id: responseIds.resurface, assessmentSummary: loserSummary })]);
    // The project's list gives a bidder its own summary only, never another bidder's.
    expect(seen.assessmentSummaries).toEqual([loserSummary]);
  }
  const winner = (await ok(summariesQuery, { id: projectId }, 'potholepro-contributor')).procurementProject;
  expect(winner.responses).toEqual([expect.objectContaining({ id: responseIds.potholePro, assessmentSummary: winnerSummary })]);
  expect(winner.assessmentSummaries).toEqual([winnerSummary]);
});

test('the buyer’s team and staff read every summary; an uninvited supplier, another buyer, a viewer and the public none', async () => {
  const buyer = (await ok(summariesQuery, { id: projectId }, 'kent-buyer')).procurementProject;
  expect(Object.fromEntries(buyer.responses.map((r: any) => [r.id, r.assessmentSummary]))).toEqual({
    [responseIds.resurface!]: loserSummary,
    [responseIds.potholePro!]: winnerSummary,
  });
  expect(buyer.assessmentSummaries).toEqual([loserSummary, winnerSummary]);
  // Staff read no responses (sealing), so they read the summaries on the project.
  expect((await ok(summariesQuery, { id: projectId }, 'platform-admin')).procurementProject.assessmentSummaries).toEqual([
    loserSummary,
    winnerSummary,
  ]);
  for (const persona of ['uninvited-supplier', 'cardiff-buyer', 'leeds-viewer', undefined]) {
    const seen = (await ok(summariesQuery, { id: projectId }, persona)).procurementProject;
    expect({ persona, responses: seen.responses, summaries: seen.assessmentSummaries }).toEqual({ persona, responses: [], summaries: [] });
  }
});

test('fixed once issued: later changes to the scores or the criteria do not alter it', async () => {
  const sql = (query: string, parameters: unknown[]) => graph.databases.procurement.dataSource.query(query, parameters);
  await sql(`UPDATE procurement.moderated_score SET score = 0, reason = 'changed' WHERE response_id = $1`, [responseIds.resurface]);
  await sql(`UPDATE procurement.project SET criteria = '[{"name": "Quality", "weight": 100}]'::jsonb WHERE id = $1`, [projectId]);
  const seen = (await ok(summariesQuery, { id: projectId }, 'resurface-admin')).procurementProject;
  // The live total follows the tampered rows; the summary is the one issued.
  expect(seen.responses[0].totalScore).toBe(0);
  expect(seen.responses[0].assessmentSummary).toEqual(loserSummary);
});

test('each summary issued is in the project’s audit trail, with what it told the bidder', async () => {
  const trail = (
    await ok(
      `query($id: ID!){ procurementProject(id: $id) { auditTrail { subject action toStatus at reason actor { id } } } }`,
      { id: projectId },
      'kent-buyer',
    )
  ).procurementProject.auditTrail;
  const issued = trail.filter((entry: any) => entry.action === 'ISSUE_ASSESSMENT_SUMMARY');
  expect(issued).toEqual(
    expect.arrayContaining([
      {
        subject: 'RESPONSE',
        action: 'ISSUE_ASSESSMENT_SUMMARY',
        toStatus: 'UNSUCCESSFUL',
        at: '2026-12-10T12:00:00.000Z',
        reason: loserSummary.reason,
        actor: { id: demoPersona('kent-buyer').id },
      },
      {
        subject: 'RESPONSE',
        action: 'ISSUE_ASSESSMENT_SUMMARY',
        toStatus: 'AWARDED',
        at: '2026-12-10T12:00:00.000Z',
        reason: winnerSummary.reason,
        actor: { id: demoPersona('kent-buyer').id },
      },
    ]),
  );
  expect(issued).toHaveLength(2);
});

test('the OCDS award release still validates and publishes no summary', async () => {
  const releases = (await ok(`query($id: ID!){ procurementProject(id: $id) { ocdsReleases } }`, { id: projectId }, 'kent-buyer'))
    .procurementProject.ocdsReleases;
  const award = releases.find((release: any) => release.tag.includes('award'));
  expect(award).toBeDefined();
  for (const release of releases) expect(releaseProblems(release)).toEqual([]);
  expect(JSON.stringify(releases)).not.toContain('Proven on A-roads');
});
