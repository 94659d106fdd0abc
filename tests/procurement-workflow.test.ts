import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { demoId } from '../demo-data/ids';
import { procurementDeadlines } from '../subgraphs/procurement/deadlines';
import { addWorkingDays, isWorkingDay, workingDayCalendars } from '../platform/working-days';
import { publishedReleasePackage } from '../subgraphs/procurement/ocds-route';
import { unconfiguredInnovationDirectory } from '../subgraphs/procurement/services/innovation-directory';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { codesOf, expectData, refusalOf } from './support/graphql-results';
import { releaseProblems, validatePackage } from './support/ocds-validator';
import { otherBuyerOf } from './support/evaluation';

/**
 * Procurement from shortlist to contract, through the gateway: admission, a direct award and a
 * further competition (Q&A, sealed responses, evaluation, award, standstill, contract), with OCDS
 * releases validated at every stage. The clock is the test's: deadlines pass when it moves.
 */
let graph: TestGraph;
const token: Record<string, string> = {};
const personas = [
  'kent-buyer',
  'kent-admin',
  'cardiff-buyer',
  'resurface-contributor',
  'resurface-admin',
  'potholepro-contributor',
  'platform-admin',
  'leeds-viewer',
];
const as = (persona: string) => token[persona]!;
const kent = demoOrganisation('kent');
const resurface = demoOrganisation('resurface-tech');
const potholePro = demoOrganisation('pothole-pro');
const surfacingLot2 = demoId('lot', 'RM6302/2');

/** The data of a query, or of a change that was made: neither an error nor a refusal. */
async function ok<T = any>(query: string, variables: Record<string, unknown> = {}, persona?: string): Promise<T> {
  const result = await graph.execute<T>(query, variables, persona ? as(persona) : undefined);
  if (codesOf(result).length) throw new Error(JSON.stringify(result.errors ?? result.data));
  return expectData(result);
}
/** The refusal of a change that must be refused (the payload's `refusal`, or the error of an anonymous caller). */
async function fails(query: string, variables: Record<string, unknown>, persona?: string) {
  return refusalOf(await graph.execute(query, variables, persona ? as(persona) : undefined));
}

const projectFields = `id ocid status version budget procedure standstill: award { supplier { id name } standstillEndsOn winningScore }
  viewerCan { publish cancel ask answer respond declareConflicts evaluate award recordContract }`;

/** An approved innovation in a category from a supplier, found through the graph. */
async function approvedInnovation(supplierId: string, category: string): Promise<string> {
  const data = await ok(
    `query($c:[InnovationCategory!]){ innovations(first: 100, filter: { statuses: [APPROVED], categories: $c }) { edges { node { id supplier { id } } } } }`,
    { c: [category] },
  );
  const found = data.innovations.edges.find((e: any) => e.node.supplier.id === supplierId);
  if (!found) throw new Error(`no approved ${category} innovation of ${supplierId}`);
  return found.node.id;
}

async function releasesOf(projectId: string, persona = 'kent-buyer'): Promise<any[]> {
  const data = await ok(`query($id: ID!){ procurementProject(id: $id) { ocdsReleases } }`, { id: projectId }, persona);
  const releases = data.procurementProject.ocdsReleases;
  for (const release of releases) expect(releaseProblems(release)).toEqual([]);
  return releases;
}

beforeAll(async () => {
  graph = await startTestGraph();
  for (const persona of personas) token[persona] = `Bearer ${await graph.tokenFor(demoPersona(persona).email)}`;
});
afterAll(async () => {
  await graph?.stop();
});

describe("working days (Procurement Act 2023: every UK nation's bank holidays)", () => {
  const uk = workingDayCalendars.unitedKingdom;
  test('skip weekends, Christmas, Boxing Day substitutes and Easter', () => {
    expect(addWorkingDays('2026-12-24', 1, uk)).toBe('2026-12-29'); // Fri 25th, weekend, Mon 28th (Boxing Day substitute)
    expect(addWorkingDays('2027-03-25', 1, uk)).toBe('2027-03-30'); // Good Friday 26th, Easter Monday 29th
    expect(isWorkingDay('2027-03-29', uk)).toBe(false);
    expect(addWorkingDays('2026-11-30', procurementDeadlines.standstillWorkingDays, uk)).toBe('2026-12-10');
    expect(addWorkingDays('2026-12-18', 8, uk)).toBe('2027-01-05'); // over Christmas and New Year, and Scotland's 4 January 2027
  });
});

describe('direct award: shortlist → award → standstill → contract', () => {
  let projectId: string;
  let innovationId: string;

  test('the buyer shortlists an approved innovation of an admitted supplier', async () => {
    innovationId = await approvedInnovation(resurface.id, 'POTHOLE_REPAIR');
    const data = await ok(
      `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { ${projectFields} shortlist { innovation { id title } supplier { id } } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      {
        input: {
          title: 'Permanent pothole repairs, A-roads',
          need: 'Repair 2,000 potholes on A-roads first time.',
          budget: 250000,
          lotId: surfacingLot2,
          procedure: 'DIRECT_AWARD',
          innovationIds: [innovationId],
        },
      },
      'kent-buyer',
    );
    const project = data.createProcurementProject.procurementProject;
    projectId = project.id;
    expect(project).toMatchObject({ status: 'DRAFT', version: 1, procedure: 'DIRECT_AWARD' });
    expect(project.ocid).toBe(`ocds-ips001-${project.id}`);
    expect(project.shortlist).toEqual([{ innovation: { id: innovationId, title: expect.any(String) }, supplier: { id: resurface.id } }]);
    expect(project.viewerCan).toMatchObject({ publish: false, award: true, recordContract: false });
  });

  test('drafts are the buyer team’s: hidden from others, and OCDS downloads do not serve them', async () => {
    const query = `query($id: ID!){ procurementProject(id: $id) { id } }`;
    for (const persona of ['resurface-admin', 'cardiff-buyer', 'leeds-viewer', undefined]) {
      expect((await graph.execute(query, { id: projectId }, persona && as(persona))).data?.procurementProject).toBeNull();
    }
    expect((await ok(query, { id: projectId }, 'kent-admin')).procurementProject.id).toBe(projectId);
    const ocid = `ocds-ips001-${projectId}`;
    expect(
      await publishedReleasePackage(
        graph.databases.procurement.dataSource,
        { clock: graph.clock, innovations: unconfiguredInnovationDirectory },
        ocid,
        'urn:x',
      ),
    ).toBeNull();
  });

  test('shortlisting refuses unapproved innovations and suppliers not admitted to the lot', async () => {
    const create = `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const base = { title: 'x', need: 'y', budget: 1000, lotId: surfacingLot2, procedure: 'DIRECT_AWARD' };
    // A lighting innovation is outside the lot's categories.
    const lighting = (
      await ok(`{ innovations(first: 1, filter: { statuses: [APPROVED], categories: [STREET_LIGHTING] }) { edges { node { id } } } }`)
    ).innovations.edges[0].node.id;
    expect(await fails(create, { input: { ...base, innovationIds: [lighting] } }, 'kent-buyer')).toMatchObject({ code: 'BAD_USER_INPUT' });
    const unknown = '00000000-0000-4000-8000-000000000001';
    expect(await fails(create, { input: { ...base, innovationIds: [unknown] } }, 'kent-buyer')).toMatchObject({ code: 'BAD_USER_INPUT' });
    // Suppliers, anonymous callers and viewers cannot start projects.
    expect(await fails(create, { input: { ...base, innovationIds: [innovationId] } }, 'resurface-admin')).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await fails(create, { input: { ...base, innovationIds: [innovationId] } })).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await fails(create, { input: { ...base, innovationIds: [innovationId] } }, 'leeds-viewer')).toMatchObject({ code: 'FORBIDDEN' });
  });

  test('award starts an 8-working-day standstill; the contract waits for it', async () => {
    const award = `mutation($input: AwardProcurementProjectInput!){ awardProcurementProject(input: $input) { procurementProject { ${projectFields} } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    // A stale version is refused and changes nothing.
    expect(
      await fails(
        award,
        { input: { projectId, version: 7, innovationId, justification: 'Only supplier of the patented process.', value: 200000 } },
        'kent-buyer',
      ),
    ).toMatchObject({ code: 'CONFLICT', currentStatus: 'DRAFT' });
    expect(
      await fails(award, { input: { projectId, version: 1, innovationId, justification: 'x', value: 900000 } }, 'kent-buyer'),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
    const awarded = (
      await ok(
        award,
        { input: { projectId, version: 1, innovationId, justification: 'Only supplier of the patented process.', value: 200000 } },
        'kent-buyer',
      )
    ).awardProcurementProject.procurementProject;
    expect(awarded).toMatchObject({
      status: 'AWARDED',
      version: 2,
      standstill: { supplier: { id: resurface.id, name: resurface.name }, standstillEndsOn: '2026-12-10' },
    });
    expect(awarded.viewerCan.recordContract).toBe(false);
    const record = `mutation($input: RecordContractInput!){ recordContract(input: $input) { contract { id value supplier { id name } project { status } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } ... on StandstillRunning { currentStatus standstillEndsOn } } } }`;
    const input = { projectId, version: 2, value: 200000, startsOn: '2027-01-04', endsOn: '2027-12-31' };
    graph.clock.set('2026-12-10T16:00:00Z'); // the standstill's last day
    expect(await fails(record, { input }, 'kent-buyer')).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'AWARDED',
      standstillEndsOn: '2026-12-10',
    });
    graph.clock.set('2026-12-11T09:00:00Z');
    expect(await fails(record, { input }, 'resurface-admin')).toMatchObject({ code: 'FORBIDDEN' });
    const contract = (await ok(record, { input }, 'kent-buyer')).recordContract.contract;
    expect(contract).toMatchObject({
      value: 200000,
      supplier: { id: resurface.id, name: resurface.name },
      project: { status: 'CONTRACTED' },
    });
    // Organisation.contracts for the buyer and the supplier, through members → procurement.
    const orgs = await ok(`query($ids:[ID!]!){ a: organisation(id: $ids) { contracts { id } } }`.replace('$ids:[ID!]!', '$ids: ID!'), {
      ids: resurface.id,
    });
    expect(orgs.a.contracts.map((c: any) => c.id)).toContain(contract.id);
    const buyer = await ok(`query($id: ID!){ organisation(id: $id) { contracts { id value } } }`, { id: kent.id });
    expect(buyer.organisation.contracts.map((c: any) => c.id)).toContain(contract.id);
  });

  test('OCDS releases: planning, award, contract; direct method; valid against the 1.1 schema', async () => {
    const releases = await releasesOf(projectId);
    expect(releases.map((r) => r.tag)).toEqual([['planning'], ['award'], ['contract', 'awardUpdate']]);
    expect(releases[0].tender.procurementMethod).toBe('direct');
    expect(releases[0].relatedProcesses[0].relationship).toEqual(['framework']);
    expect(releases[1].awards[0]).toMatchObject({
      status: 'pending',
      suppliers: [{ id: resurface.id }],
      value: { amount: 200000, currency: 'GBP' },
    });
    expect(releases[2].contracts[0]).toMatchObject({ status: 'active', awardID: releases[1].awards[0].id });
    const pkg = await publishedReleasePackage(
      graph.databases.procurement.dataSource,
      { clock: graph.clock, innovations: unconfiguredInnovationDirectory },
      `ocds-ips001-${projectId}`,
      'https://ips.example/ocds/x.json',
    );
    expect(validatePackage(pkg)).toBe(true);
    graph.clock.set('2026-11-30T09:00:00Z');
  });
});

describe('further competition: publish → Q&A → sealed responses → evaluation → award → contract', () => {
  let projectId: string;
  let version: number;
  const responseIds: Record<string, string> = {};
  const responsesQuery = `query($id: ID!){ procurementProject(id: $id) { status responseCount responses { id supplier { id } proposal price scores { criterion score } totalScore outcome }
    clarifications { question answer askedByViewer } invitedSuppliers { id } award { supplier { id name } winningScore } } }`;

  test('the buyer creates and publishes it; every admitted supplier on the lot is invited', async () => {
    const innovationId = await approvedInnovation(potholePro.id, 'POTHOLE_REPAIR').catch(() =>
      approvedInnovation(resurface.id, 'POTHOLE_REPAIR'),
    );
    const created = (
      await ok(
        `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { ${projectFields} } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        {
          input: {
            title: 'Pothole repair trial',
            need: 'Trial permanent repairs on 50 km of B-roads.',
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
    expect(created.viewerCan).toMatchObject({ publish: true, award: false });
    const publish = `mutation($input: PublishProcurementProjectInput!){ publishProcurementProject(input: $input) { procurementProject { ${projectFields} clarificationClosesAt responseDeadline invitedSuppliers { id } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(
      await fails(publish, { input: { projectId, version: 1, clarificationWorkingDays: 1, responseWorkingDays: 5 } }, 'kent-buyer'),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(
      await fails(publish, { input: { projectId, version: 1, clarificationWorkingDays: 3, responseWorkingDays: 8 } }, 'resurface-admin'),
    ).toMatchObject({ code: 'NOT_FOUND' });
    const published = (
      await ok(publish, { input: { projectId, version: 1, clarificationWorkingDays: 3, responseWorkingDays: 8 } }, 'kent-buyer')
    ).publishProcurementProject.procurementProject;
    version = published.version;
    expect(published).toMatchObject({
      status: 'PUBLISHED',
      clarificationClosesAt: '2026-12-03T12:00:00.000Z',
      responseDeadline: '2026-12-10T12:00:00.000Z',
    });
    // The tie-break is published with the criteria: the lowest price unless the buyer chose otherwise.
    expect(
      (
        await ok(
          `query($id: ID!){ procurementProject(id: $id) { tieBreak criteria { name weight } } }`,
          { id: projectId },
          'resurface-admin',
        )
      ).procurementProject,
    ).toEqual({
      tieBreak: 'LOWEST_PRICE',
      criteria: [
        { name: 'Quality', weight: 60 },
        { name: 'Price', weight: 40 },
      ],
    });
    const admitted = await ok(
      `query($id: ID!){ lot(id: $id) { admittedSuppliers { id } } }`.replace('lot(id: $id)', '_lot: procurementRoute(id: $id)'),
      { id: demoId('procurement-route', 'RM6302') },
    ).catch(() => null);
    expect(admitted).toBeDefined();
    const invited = published.invitedSuppliers.map((s: any) => s.id);
    expect(invited).toEqual(expect.arrayContaining([resurface.id, potholePro.id]));
    expect(
      await fails(publish, { input: { projectId, version, clarificationWorkingDays: 3, responseWorkingDays: 8 } }, 'kent-buyer'),
    ).toMatchObject({ code: 'CONFLICT', currentStatus: 'PUBLISHED' });
  });

  test('an invited supplier asks; the answer is published to all without the asker', async () => {
    const ask = `mutation($p: ID!, $q: String!){ askClarificationQuestion(projectId: $p, question: $q) { clarificationQuestion { id question askedByViewer } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const asked = (await ok(ask, { p: projectId, q: 'Is night working allowed?' }, 'potholepro-contributor')).askClarificationQuestion
      .clarificationQuestion;
    expect(asked.askedByViewer).toBe(true);
    expect(await fails(ask, { p: projectId, q: 'x' }, 'kent-buyer')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await fails(ask, { p: projectId, q: 'x'.repeat(2001) }, 'potholepro-contributor')).toMatchObject({ code: 'BAD_USER_INPUT' });
    // Unanswered: not published to other suppliers.
    expect((await ok(responsesQuery, { id: projectId }, 'resurface-admin')).procurementProject.clarifications).toEqual([]);
    const answer = `mutation($id: ID!, $a: String!){ answerClarificationQuestion(questionId: $id, answer: $a) { clarificationQuestion { answer askedByViewer } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(await fails(answer, { id: asked.id, a: 'Yes' }, 'potholepro-contributor')).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      (await ok(answer, { id: asked.id, a: 'Yes, 20:00 to 06:00.' }, 'kent-buyer')).answerClarificationQuestion.clarificationQuestion,
    ).toEqual({ answer: 'Yes, 20:00 to 06:00.', askedByViewer: false });
    expect(await fails(answer, { id: asked.id, a: 'Again' }, 'kent-buyer')).toMatchObject({ code: 'CONFLICT' });
    expect((await ok(responsesQuery, { id: projectId }, 'resurface-admin')).procurementProject.clarifications).toEqual([
      { question: 'Is night working allowed?', answer: 'Yes, 20:00 to 06:00.', askedByViewer: false },
    ]);
    // Questions close at the cut-off.
    graph.clock.set('2026-12-03T12:00:00Z');
    expect(await fails(ask, { p: projectId, q: 'Late?' }, 'potholepro-contributor')).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'CLARIFICATION',
    });
    const tender = (await releasesOf(projectId)).find((r) => r.tag[0] === 'tender');
    // Before the award the answers are the competition's own, not in the open OCDS record (issue 24 item 7).
    expect(tender.tender).toMatchObject({
      status: 'active',
      procurementMethod: 'selective',
      hasEnquiries: false,
      techniques: { hasFrameworkAgreement: true },
    });
    expect(JSON.stringify(tender)).not.toContain(potholePro.id);
    expect(tender.tender.tenderers).toBeUndefined();
  });

  test('responses are sealed until the deadline: only the count reaches the buyer', async () => {
    const submit = `mutation($input: SubmitResponseInput!){ submitResponse(input: $input) { procurementResponse { id version proposal supplier { id } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const a = (
      await ok(submit, { input: { projectId, proposal: 'ReSurface: hot-in-place recycling.', price: 80000 } }, 'resurface-contributor')
    ).submitResponse.procurementResponse;
    const b = (
      await ok(submit, { input: { projectId, proposal: 'PotholePro: thermal lance method.', price: 60000 } }, 'potholepro-contributor')
    ).submitResponse.procurementResponse;
    responseIds.resurface = a.id;
    responseIds.potholePro = b.id;
    // One response per supplier: a second submission without the version is a conflict; with it, an edit.
    expect(await fails(submit, { input: { projectId, proposal: 'again', price: 1 } }, 'resurface-admin')).toMatchObject({
      code: 'CONFLICT',
    });
    expect(await fails(submit, { input: { projectId, proposal: 'edit', price: 70000, version: 9 } }, 'resurface-admin')).toMatchObject({
      code: 'CONFLICT',
    });
    expect(
      (
        await ok(
          submit,
          { input: { projectId, proposal: 'ReSurface: hot-in-place recycling, revised.', price: 75000, version: 1 } },
          'resurface-admin',
        )
      ).submitResponse.procurementResponse.version,
    ).toBe(2);
    expect(await fails(submit, { input: { projectId, proposal: 'x', price: 1 } }, 'kent-buyer')).toMatchObject({ code: 'FORBIDDEN' });

    const buyer = (await ok(responsesQuery, { id: projectId }, 'kent-buyer')).procurementProject;
    expect(buyer).toMatchObject({ status: 'CLARIFICATION', responseCount: 2, responses: [] });
    const admin = (await ok(responsesQuery, { id: projectId }, 'platform-admin')).procurementProject;
    expect(admin).toMatchObject({ responseCount: null, responses: [] });
    const own = (await ok(responsesQuery, { id: projectId }, 'potholepro-contributor')).procurementProject;
    expect(own.responseCount).toBeNull();
    expect(own.responses.map((r: any) => r.supplier.id)).toEqual([potholePro.id]);
    expect((await ok(responsesQuery, { id: projectId })).procurementProject).toMatchObject({ responseCount: null, responses: [] });
    // Scoring before the deadline is refused.
    graph.clock.set('2026-12-10T11:59:59Z');
    expect(
      await fails(
        `mutation($i: ScoreResponseInput!){ scoreResponse(input: $i) { procurementResponse { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { i: { responseId: a.id, criterion: 'Quality', score: 80 } },
        'kent-buyer',
      ),
    ).toMatchObject({ code: 'CONFLICT' });
    expect(JSON.stringify(await releasesOf(projectId))).not.toContain('hot-in-place');
  });

  test('after the deadline evaluators who declared no conflict score; the winner is awarded', async () => {
    graph.clock.set('2026-12-10T12:00:00Z');
    const submit = `mutation($input: SubmitResponseInput!){ submitResponse(input: $input) { procurementResponse { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(await fails(submit, { input: { projectId, proposal: 'late', price: 1, version: 2 } }, 'resurface-admin')).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'EVALUATION',
    });
    const buyer = (await ok(responsesQuery, { id: projectId }, 'kent-buyer')).procurementProject;
    expect(buyer.status).toBe('EVALUATION');
    expect(buyer.responses).toHaveLength(2);
    const score = `mutation($i: ScoreResponseInput!){ scoreResponse(input: $i) { procurementResponse { id totalScore } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    // No declaration yet: FORBIDDEN.
    expect(await fails(score, { i: { responseId: responseIds.resurface, criterion: 'Quality', score: 80 } }, 'kent-buyer')).toMatchObject({
      code: 'FORBIDDEN',
    });
    const declare = `mutation($i: DeclareConflictOfInterestInput!){ declareConflictOfInterest(input: $i) { procurementProject { viewerCan { evaluate } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    // Declarations are per responding supplier: a conflict with one bars scoring that supplier's response only.
    expect(
      (
        await ok(
          declare,
          { i: { projectId, supplierId: potholePro.id, hasConflict: true, details: 'My brother works at PotholePro.' } },
          'kent-admin',
        )
      ).declareConflictOfInterest.procurementProject.viewerCan.evaluate,
    ).toBe(false);
    expect(await fails(score, { i: { responseId: responseIds.resurface, criterion: 'Quality', score: 80 } }, 'kent-admin')).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await fails(declare, { i: { projectId, supplierId: potholePro.id, hasConflict: false } }, 'kent-admin')).toMatchObject({
      code: 'CONFLICT',
    });
    expect(await fails(declare, { i: { projectId, supplierId: kent.id, hasConflict: false } }, 'kent-admin')).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(
      (await ok(declare.replace('evaluate', 'evaluate declareConflicts'), { i: { projectId, hasConflict: false } }, 'kent-admin'))
        .declareConflictOfInterest.procurementProject.viewerCan,
    ).toEqual({ evaluate: true, declareConflicts: false });
    expect(await fails(declare, { i: { projectId, hasConflict: false } }, 'kent-admin')).toMatchObject({ code: 'CONFLICT' });
    const canScore = (
      await ok(
        `query($id: ID!){ procurementProject(id: $id) { responses { supplier { id } viewerCan { score } } } }`,
        { id: projectId },
        'kent-admin',
      )
    ).procurementProject.responses;
    expect(Object.fromEntries(canScore.map((r: any) => [r.supplier.id, r.viewerCan.score]))).toEqual({
      [resurface.id]: true,
      [potholePro.id]: false,
    });
    expect(await fails(score, { i: { responseId: responseIds.potholePro, criterion: 'Quality', score: 10 } }, 'kent-admin')).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      (await ok(declare, { i: { projectId, hasConflict: false } }, 'kent-buyer')).declareConflictOfInterest.procurementProject.viewerCan
        .evaluate,
    ).toBe(true);
    expect(await fails(score, { i: { responseId: responseIds.resurface, criterion: 'Colour', score: 80 } }, 'kent-buyer')).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    for (const [id, quality, price] of [
      [responseIds.resurface, 80, 60],
      [responseIds.potholePro, 70, 90],
    ] as const) {
      await ok(score, { i: { responseId: id, criterion: 'Quality', score: quality } }, 'kent-buyer');
      await ok(score, { i: { responseId: id, criterion: 'Price', score: price } }, 'kent-buyer');
    }
    // Suppliers do not see scores during evaluation.
    expect((await ok(responsesQuery, { id: projectId }, 'resurface-admin')).procurementProject.responses[0]).toMatchObject({
      scores: [],
      totalScore: null,
    });
    const award = `mutation($input: AwardProcurementProjectInput!){ awardProcurementProject(input: $input) { procurementProject { status version award { supplier { id } standstillEndsOn winningScore } }
      refusal { code message field ... on StateConflict { reason currentStatus currentVersion }
        ... on EvaluationIncomplete { reason currentStatus evaluatorsRequired missing { responseId criterion evaluators required } }
        ... on NotModerated { reason currentStatus unmoderatedResponseIds } ... on NotMostAdvantageous { reason currentStatus tieBreak expectedResponseIds } } } }`;
    const currentVersion = async () =>
      (await ok(`query($id: ID!){ procurementProject(id: $id) { version } }`, { id: projectId }, 'kent-buyer')).procurementProject.version;
    version = await currentVersion();
    // One evaluator is not enough (PROCUREMENT_EVALUATORS_REQUIRED = 2): the refusal names what is missing.
    const incomplete = await fails(award, { input: { projectId, version, responseId: responseIds.potholePro } }, 'kent-buyer');
    expect(incomplete).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'EVALUATION',
      reason: 'EVALUATION_INCOMPLETE',
      evaluatorsRequired: 2,
    });
    expect(incomplete.missing).toEqual(
      expect.arrayContaining([{ responseId: responseIds.potholePro, criterion: 'Quality', evaluators: 1, required: 2 }]),
    );
    expect(incomplete.missing).toHaveLength(4);
    // A second evaluator, who disagrees with the first on PotholePro's quality.
    const secondEvaluator = await otherBuyerOf(graph, kent.id, 0);
    const moderator = await otherBuyerOf(graph, kent.id, 1);
    const run = (query: string, variables: Record<string, unknown>, signIn: string) => graph.execute<any>(query, variables, signIn);
    expect(codesOf(await run(declare, { i: { projectId, hasConflict: false } }, secondEvaluator))).toEqual([]);
    for (const [id, quality, price] of [
      [responseIds.resurface, 80, 60],
      [responseIds.potholePro, 60, 90],
    ] as const) {
      expect(codesOf(await run(score, { i: { responseId: id, criterion: 'Quality', score: quality } }, secondEvaluator))).toEqual([]);
      expect(codesOf(await run(score, { i: { responseId: id, criterion: 'Price', score: price } }, secondEvaluator))).toEqual([]);
    }
    // Evaluators never see each other's scores before moderation; the moderator (no conflict, scored none) sees them all.
    const scoresSeenBy = async (signIn: string) =>
      Object.fromEntries(
        (await run(responsesQuery, { id: projectId }, signIn)).data.procurementProject.responses.map((r: any) => [
          r.supplier.id,
          r.scores.map((x: any) => x.score).sort(),
        ]),
      );
    expect(await scoresSeenBy(as('kent-buyer'))).toEqual({ [resurface.id]: [60, 80], [potholePro.id]: [70, 90] });
    expect(await scoresSeenBy(secondEvaluator)).toEqual({ [resurface.id]: [60, 80], [potholePro.id]: [60, 90] });
    expect(codesOf(await run(declare, { i: { projectId, hasConflict: false } }, moderator))).toEqual([]);
    expect(await scoresSeenBy(moderator)).toEqual({ [resurface.id]: [60, 60, 80, 80], [potholePro.id]: [60, 70, 90, 90] });
    // Nobody joins a fully scored response (they could have read the others' scores).
    expect(await fails(score, { i: { responseId: responseIds.resurface, criterion: 'Quality', score: 10 } }, 'kent-admin')).toMatchObject({
      code: 'CONFLICT',
      reason: 'EVALUATION_COMPLETE',
    });
    version = await currentVersion();
    expect(await fails(award, { input: { projectId, version, responseId: responseIds.potholePro } }, 'kent-buyer')).toMatchObject({
      code: 'CONFLICT',
      reason: 'NOT_MODERATED',
      unmoderatedResponseIds: [responseIds.resurface, responseIds.potholePro],
    });
    // Moderation: by someone independent of the evaluators, one agreed score per criterion, a reason where it differs.
    const moderate = `mutation($i: ModerateScoresInput!){ moderateScores(input: $i) { procurementResponse { id version moderatedAt moderatedScores { criterion score reason } totalScore } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const versions = Object.fromEntries(
      (
        await run(
          `query($id: ID!){ procurementProject(id: $id) { responses { id version viewerCan { score moderate } } } }`,
          { id: projectId },
          moderator,
        )
      ).data.procurementProject.responses.map((r: any) => [r.id, r]),
    );
    expect(versions[responseIds.potholePro!].viewerCan).toEqual({ score: false, moderate: true });
    const agreedPothole = (quality: number, reason?: string) => ({
      responseId: responseIds.potholePro,
      version: versions[responseIds.potholePro!].version,
      scores: [
        { criterion: 'Quality', score: quality, reason },
        { criterion: 'Price', score: 90 },
      ],
    });
    expect(await fails(moderate, { i: agreedPothole(65, 'Agreed between the two.') }, 'kent-buyer')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await fails(moderate, { i: agreedPothole(65) }, 'kent-buyer')).toMatchObject({ code: 'FORBIDDEN' });
    expect(refusalOf(await run(moderate, { i: agreedPothole(65) }, moderator))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'scores.reason',
    });
    expect(
      refusalOf(
        await run(moderate, { i: { ...agreedPothole(65, 'x'), scores: [{ criterion: 'Quality', score: 65, reason: 'x' }] } }, moderator),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
    const moderated = (await run(moderate, { i: agreedPothole(65, 'The lance method is proven on B-roads; between the two.') }, moderator))
      .data.moderateScores.procurementResponse;
    expect(moderated).toMatchObject({
      moderatedScores: [
        { criterion: 'Quality', score: 65, reason: 'The lance method is proven on B-roads; between the two.' },
        { criterion: 'Price', score: 90, reason: null },
      ],
      totalScore: 75,
    });
    // Fixed once made: a second moderation, and any further scoring, are refused.
    expect(refusalOf(await run(moderate, { i: { ...agreedPothole(70, 'again'), version: moderated.version } }, moderator))).toMatchObject({
      code: 'CONFLICT',
      reason: 'ALREADY_MODERATED',
    });
    expect(await fails(score, { i: { responseId: responseIds.potholePro, criterion: 'Quality', score: 99 } }, 'kent-buyer')).toMatchObject({
      code: 'CONFLICT',
      reason: 'MODERATED',
    });
    // Once moderated, the evaluators see every score of it.
    expect((await scoresSeenBy(as('kent-buyer')))[potholePro.id]).toEqual([60, 70, 90, 90]);
    expect(
      codesOf(
        await run(
          moderate,
          {
            i: {
              responseId: responseIds.resurface,
              version: versions[responseIds.resurface!].version,
              scores: [
                { criterion: 'Price', score: 60 },
                { criterion: 'Quality', score: 80 },
              ],
            },
          },
          moderator,
        ),
      ),
    ).toEqual([]);
    const totals = (await ok(responsesQuery, { id: projectId }, 'kent-buyer')).procurementProject.responses;
    expect(Object.fromEntries(totals.map((r: any) => [r.supplier.id, r.totalScore]))).toEqual({ [resurface.id]: 72, [potholePro.id]: 75 });
    // Only the most advantageous tender can be awarded; the refusal names it.
    version = await currentVersion();
    expect(await fails(award, { input: { projectId, version, responseId: responseIds.resurface } }, 'kent-buyer')).toMatchObject({
      code: 'CONFLICT',
      reason: 'NOT_MOST_ADVANTAGEOUS',
      tieBreak: 'LOWEST_PRICE',
      expectedResponseIds: [responseIds.potholePro],
    });
    const awarded = (await ok(award, { input: { projectId, version, responseId: responseIds.potholePro } }, 'kent-buyer'))
      .awardProcurementProject.procurementProject;
    expect(awarded).toMatchObject({
      status: 'AWARDED',
      award: { supplier: { id: potholePro.id }, standstillEndsOn: '2026-12-22', winningScore: 75 },
    });
    version = awarded.version;
    expect(await fails(award, { input: { projectId, version, responseId: responseIds.resurface } }, 'kent-buyer')).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'AWARDED',
    });
  });

  test('the unsuccessful supplier sees its own scores and the winner’s name and score, never more', async () => {
    const loser = (await ok(responsesQuery, { id: projectId }, 'resurface-admin')).procurementProject;
    expect(loser.responses).toEqual([
      expect.objectContaining({
        supplier: { id: resurface.id },
        outcome: 'UNSUCCESSFUL',
        totalScore: 72,
        scores: [
          { criterion: 'Price', score: 60 },
          { criterion: 'Price', score: 60 },
          { criterion: 'Quality', score: 80 },
          { criterion: 'Quality', score: 80 },
        ],
      }),
    ]);
    expect(loser.award).toEqual({ supplier: { id: potholePro.id, name: potholePro.name }, winningScore: 75 });
    // The public sees the winner, not the score.
    expect((await ok(responsesQuery, { id: projectId }, 'leeds-viewer')).procurementProject.award).toEqual({
      supplier: { id: potholePro.id, name: potholePro.name },
      winningScore: null,
    });
  });

  test('after the standstill the contract closes the project; every release validates', async () => {
    const record = `mutation($input: RecordContractInput!){ recordContract(input: $input) { contract { id project { status viewerCan { recordContract } } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const input = { projectId, version, value: 60000, startsOn: '2027-01-11', endsOn: '2027-06-30' };
    graph.clock.set('2026-12-22T17:00:00Z');
    expect(await fails(record, { input }, 'kent-buyer')).toMatchObject({ code: 'CONFLICT' });
    graph.clock.set('2026-12-23T09:00:00Z');
    expect((await ok(record, { input }, 'kent-buyer')).recordContract.contract.project).toEqual({
      status: 'CONTRACTED',
      viewerCan: { recordContract: false },
    });
    const releases = await releasesOf(projectId);
    expect(releases.map((r) => r.tag[0])).toEqual(['planning', 'tender', 'award', 'contract']);
    const awardRelease = releases[2];
    expect(awardRelease.parties.map((p: any) => p.roles).flat()).toEqual(
      expect.arrayContaining(['buyer', 'procuringEntity', 'supplier', 'tenderer']),
    );
    // Parties are named from procurement's own snapshots (the buyer's at creation, suppliers' at application), never from members' tables.
    const partyNames = Object.fromEntries(awardRelease.parties.map((p: any) => [p.id, p.name]));
    expect(partyNames).toMatchObject({
      [kent.id]: 'Kent County Council',
      [resurface.id]: resurface.name,
      [potholePro.id]: potholePro.name,
    });
    expect(awardRelease.buyer).toEqual({ id: kent.id, name: 'Kent County Council' });
    expect(awardRelease.awards[0].suppliers[0].name).toBe(partyNames[awardRelease.awards[0].suppliers[0].id]);
    expect(releases[1].tender.numberOfTenderers).toBe(2);
    expect(JSON.stringify(releases)).not.toMatch(/hot-in-place|thermal lance/);
    graph.clock.set('2026-11-30T09:00:00Z');
  });
});

describe('admission', () => {
  test('a supplier ORG_ADMIN applies to an open dynamic market lot; staff decide with optimistic locking', async () => {
    const lotId = demoId('lot', 'RM6304/1');
    const apply = `mutation($input: ApplyForAdmissionInput!){ applyForAdmission(input: $input) { admission { id status version supplier { id } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const input = { lotId, exclusionGroundsApply: false, conflictsOfInterest: null };
    expect(await fails(apply, { input }, 'resurface-contributor')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await fails(apply, { input }, 'kent-admin')).toMatchObject({ code: 'FORBIDDEN' });
    const applied = (await ok(apply, { input }, 'resurface-admin')).applyForAdmission.admission;
    expect(applied).toMatchObject({ status: 'APPLIED', supplier: { id: resurface.id } });
    expect(await fails(apply, { input }, 'resurface-admin')).toMatchObject({ code: 'CONFLICT', currentStatus: 'APPLIED' });
    // An expired route takes no applications.
    expect(await fails(apply, { input: { ...input, lotId: demoId('lot', 'RM6190/1') } }, 'resurface-admin')).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'EXPIRED',
    });
    const decide = `mutation($input: DecideAdmissionInput!){ decideAdmission(input: $input) { admission { status version decisionReason } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(
      await fails(decide, { input: { admissionId: applied.id, decision: 'ADMITTED', version: applied.version } }, 'kent-admin'),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await fails(
        decide,
        { input: { admissionId: applied.id, decision: 'SUSPENDED', reason: 'x', version: applied.version } },
        'platform-admin',
      ),
    ).toMatchObject({ code: 'CONFLICT', currentStatus: 'APPLIED' });
    expect(
      await fails(decide, { input: { admissionId: applied.id, decision: 'ADMITTED', version: applied.version + 1 } }, 'platform-admin'),
    ).toMatchObject({ code: 'CONFLICT' });
    const admitted = (
      await ok(decide, { input: { admissionId: applied.id, decision: 'ADMITTED', version: applied.version } }, 'platform-admin')
    ).decideAdmission.admission;
    expect(admitted).toMatchObject({ status: 'ADMITTED', version: applied.version + 1 });
    const trail = await graph.databases.procurement.dataSource.query(
      `SELECT action, from_status, to_status FROM procurement.audit_event WHERE subject_id = $1 ORDER BY id`,
      [applied.id],
    );
    expect(trail).toEqual([
      { action: 'APPLY', from_status: null, to_status: 'APPLIED' },
      { action: 'DECIDE', from_status: 'APPLIED', to_status: 'ADMITTED' },
    ]);
    await expect(graph.databases.procurement.dataSource.query(`DELETE FROM procurement.audit_event`)).rejects.toThrow(/append-only/);
  });
});

describe('buyer eligibility', () => {
  test('a Welsh council cannot buy through an England-only route, and availableVia shows it only usable routes', async () => {
    const innovationId = await approvedInnovation(resurface.id, 'POTHOLE_REPAIR');
    const query = `query($id: ID!){ innovation(id: $id) { availableVia { reference eligibleNations } } }`;
    const anonymous = (await ok(query, { id: innovationId })).innovation.availableVia;
    const cardiff = (await ok(query, { id: innovationId }, 'cardiff-buyer')).innovation.availableVia;
    expect(cardiff.every((r: any) => r.eligibleNations.includes('WALES'))).toBe(true);
    expect(anonymous.length).toBeGreaterThanOrEqual(cardiff.length);
    const englandOnly = demoId('lot', 'IPS-DA-01/1');
    const bridges = await ok(
      `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [BRIDGES_AND_STRUCTURES] }) { edges { node { id } } } }`,
    );
    const create = `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(
      await fails(
        create,
        {
          input: {
            title: 'x',
            need: 'y',
            budget: 1000,
            lotId: englandOnly,
            procedure: 'DIRECT_AWARD',
            innovationIds: [bridges.innovations.edges[0].node.id],
          },
        },
        'cardiff-buyer',
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('demo data', () => {
  test('one project at each stage, each with valid OCDS output and published Q&A', async () => {
    const { demoProjects } = await import('../demo-data/procurement-projects');
    const stages: Record<string, string> = {};
    for (const demo of demoProjects) {
      const persona = demo.buyerId === kent.id ? 'kent-buyer' : 'cardiff-buyer';
      const data = await ok(
        `query($id: ID!){ procurementProject(id: $id) { status clarifications { answer } responseCount contract { value } } }`,
        { id: demo.id },
        persona,
      );
      stages[demo.key] = data.procurementProject.status;
      const releases = await releasesOf(demo.id, persona);
      expect(releases.length).toBeGreaterThan(0);
      if (demo.key === 'kent-clarification') expect(data.procurementProject.clarifications.every((q: any) => q.answer)).toBe(true);
    }
    expect(stages).toEqual({
      'kent-direct-award': 'AWARDED',
      'kent-clarification': 'CLARIFICATION',
      'cardiff-evaluation': 'EVALUATION',
      'kent-contracted': 'CONTRACTED',
      'cardiff-lighting-contracted': 'CONTRACTED',
    });
  });
});

describe('staff manage routes and lots', () => {
  test('create a route and a lot, move it along its lifecycle with optimistic locking', async () => {
    const create = `mutation($input: CreateProcurementRouteInput!){ createProcurementRoute(input: $input) { procurementRoute { id status version lots { id } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const input = {
      reference: 'RM6400',
      name: 'Highway Sensors DPS',
      kind: 'DYNAMIC_PURCHASING_SYSTEM',
      regime: 'PROCUREMENT_ACT_2023',
      ownerId: kent.id,
      description: 'Sensors.',
      feePercent: 1,
      eligibleNations: ['ENGLAND'],
      eligibleOrganisationKinds: ['COUNTY_COUNCIL'],
    };
    expect(await fails(create, { input }, 'kent-admin')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await fails(create, { input })).toMatchObject({ code: 'UNAUTHENTICATED' });
    const route = (await ok(create, { input }, 'platform-admin')).createProcurementRoute.procurementRoute;
    expect(route).toMatchObject({ status: 'COMING', version: 1, lots: [] });
    expect(await fails(create, { input }, 'platform-admin')).toMatchObject({ code: 'CONFLICT' });
    const lot = `mutation($input: CreateLotInput!){ createLot(input: $input) { lot { number awardProcedures } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(
      await fails(
        lot,
        {
          input: {
            routeId: route.id,
            title: 'Sensors',
            scope: 'All sensors.',
            categories: ['ASSET_MANAGEMENT_AND_DATA'],
            awardProcedures: ['DIRECT_AWARD'],
          },
        },
        'platform-admin',
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(
      (
        await ok(
          lot,
          {
            input: {
              routeId: route.id,
              title: 'Sensors',
              scope: 'All sensors.',
              categories: ['ASSET_MANAGEMENT_AND_DATA'],
              awardProcedures: ['FURTHER_COMPETITION'],
            },
          },
          'platform-admin',
        )
      ).createLot.lot,
    ).toEqual({ number: 1, awardProcedures: ['FURTHER_COMPETITION'] });
    const update = `mutation($input: UpdateProcurementRouteInput!){ updateProcurementRoute(input: $input) { procurementRoute { status version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(await fails(update, { input: { routeId: route.id, version: 1, status: 'LIVE' } }, 'platform-admin')).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'COMING',
    });
    expect(
      (await ok(update, { input: { routeId: route.id, version: 1, status: 'OPEN' } }, 'platform-admin')).updateProcurementRoute
        .procurementRoute,
    ).toEqual({ status: 'OPEN', version: 2 });
    expect(await fails(update, { input: { routeId: route.id, version: 1, status: 'LIVE' } }, 'platform-admin')).toMatchObject({
      code: 'CONFLICT',
    });
    expect(
      (await ok(update, { input: { routeId: route.id, version: 2, status: 'LIVE' } }, 'platform-admin')).updateProcurementRoute
        .procurementRoute,
    ).toEqual({ status: 'LIVE', version: 3 });
  });
});
