import { demoOrganisation } from '../demo-data/organisations';
import { demoId } from '../demo-data/ids';
import { publishedReleasePackage } from '../subgraphs/procurement/ocds-route';
import { unconfiguredInnovationDirectory } from '../subgraphs/procurement/services/innovation-directory';
import { defaultTestNow, startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { callersOf, codesOf, expectData, refusalOf, signInAll, type Callers, type UntypedData } from './support/graphql-results';
import { releaseProblems, validatePackage } from './support/ocds-validator';

/**
 * Issue 24 items 5 and 7, through the gateway on the graph's clock: answered clarifications reach
 * only the people in the competition (the public reads the OCDS record after the award); a supplier
 * withdraws its response and submits again before the deadline, never after, and a withdrawn response
 * is no tender; a buyer cancels with a reason at every stage before the contract, and the OCDS record
 * says the tender is cancelled.
 */
let graph: TestGraph;
/** Each persona's Authorization header (signInAll). */
let header: (persona: string) => string;
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
const resurface = demoOrganisation('resurface-tech');
const potholePro = demoOrganisation('pothole-pro');
const surfacingLot2 = demoId('lot', 'RM6302/2');

let run: Callers<GraphResult<UntypedData>>['run'];
let ok: Callers<GraphResult<UntypedData>>['ok'];
/** The refusal of a change that must be refused (the payload's `refusal`, or the error of an anonymous caller). */
async function fails(query: string, variables: Record<string, unknown>, persona?: string) {
  return refusalOf(await run(query, variables, persona));
}
const sql = (text: string, parameters: unknown[] = []) => graph.databases.procurement.dataSource.query(text, parameters);

async function innovationOf(supplierId: string): Promise<string> {
  const data = await ok(
    `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR] }) { edges { node { id supplier { id } } } } }`,
  );
  return data.innovations.edges.find((e: any) => e.node.supplier.id === supplierId).node.id;
}

/** A new project of Kent's on the surfacing lot: a draft, or published (to a selection of suppliers, or all). */
async function newProject(
  title: string,
  options: { procedure?: 'FURTHER_COMPETITION' | 'DIRECT_AWARD'; publish?: boolean; supplierIds?: string[] } = {},
): Promise<{ id: string; version: number; responseDeadline: string | null; clarificationClosesAt: string | null; innovationId: string }> {
  const procedure = options.procedure ?? 'FURTHER_COMPETITION';
  const innovationId = await innovationOf(resurface.id);
  const created = (
    await ok(
      `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      {
        input: {
          title,
          need: 'A need.',
          budget: 90000,
          lotId: surfacingLot2,
          procedure,
          innovationIds: [innovationId],
          ...(procedure === 'FURTHER_COMPETITION' ? { criteria: [{ name: 'Quality', weight: 100 }] } : {}),
        },
      },
      'kent-buyer',
    )
  ).createProcurementProject.procurementProject;
  if (!options.publish) return { ...created, responseDeadline: null, clarificationClosesAt: null, innovationId };
  const published = (
    await ok(
      `mutation($input: PublishProcurementProjectInput!){ publishProcurementProject(input: $input) { procurementProject { id version responseDeadline clarificationClosesAt } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      {
        input: {
          projectId: created.id,
          version: created.version,
          clarificationWorkingDays: 3,
          responseWorkingDays: 8,
          supplierIds: options.supplierIds,
        },
      },
      'kent-buyer',
    )
  ).publishProcurementProject.procurementProject;
  return { ...published, innovationId };
}

beforeAll(async () => {
  graph = await startTestGraph();
  header = await signInAll(graph, personas);
  ({ run } = callersOf<GraphResult<UntypedData>>(graph, header));
  // A change that was refused has data too (its payload's `refusal`): `ok` must see neither an error nor a refusal.
  ok = async (query, variables, persona) => {
    const result = await run(query, variables, persona);
    if (codesOf(result).length) throw new Error(JSON.stringify(result.errors ?? result.data));
    return expectData(result);
  };
});
afterAll(async () => {
  await graph?.stop();
});
afterEach(() => graph.clock.set(defaultTestNow));

const clarificationsQuery = `query($id: ID!){ procurementProject(id: $id) { id clarifications { question answer askedByViewer } } }`;

describe('Q&A reaches the right people (issue 24 item 7)', () => {
  test('answered clarifications: the buyer team, invited suppliers and staff only; never anonymous or uninvited suppliers', async () => {
    // A framework lot: the buyer invites PotholePro only, so ReSurface (admitted to the lot) is not invited.
    const project = await newProject('Q&A audience', { publish: true, supplierIds: [potholePro.id] });
    const asked = (
      await ok(
        `mutation($p: ID!){ askClarificationQuestion(projectId: $p, question: "Is weekend working allowed?") { clarificationQuestion { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { p: project.id },
        'potholepro-contributor',
      )
    ).askClarificationQuestion.clarificationQuestion;
    await ok(
      `mutation($id: ID!){ answerClarificationQuestion(questionId: $id, answer: "Yes, Saturdays only.") { clarificationQuestion { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: asked.id },
      'kent-buyer',
    );
    const answered = { question: 'Is weekend working allowed?', answer: 'Yes, Saturdays only.' };

    const seen: Record<string, unknown> = {};
    for (const persona of [
      undefined,
      'resurface-admin',
      'resurface-contributor',
      'cardiff-buyer',
      'leeds-viewer',
      'potholepro-contributor',
      'kent-buyer',
      'kent-admin',
      'platform-admin',
    ]) {
      const data = await ok(clarificationsQuery, { id: project.id }, persona);
      // The project itself stays public: only its Q&A is the competition's.
      expect(data.procurementProject.id).toBe(project.id);
      seen[persona ?? 'anonymous'] = data.procurementProject.clarifications;
    }
    expect(seen).toEqual({
      anonymous: [],
      'resurface-admin': [],
      'resurface-contributor': [],
      'cardiff-buyer': [],
      'leeds-viewer': [],
      // The asker learns it asked; nobody else learns who did.
      'potholepro-contributor': [{ ...answered, askedByViewer: true }],
      'kent-buyer': [{ ...answered, askedByViewer: false }],
      'kent-admin': [{ ...answered, askedByViewer: false }],
      'platform-admin': [{ ...answered, askedByViewer: false }],
    });
    // Nor does the open OCDS record carry them before the award.
    const { procurementProject } = await ok(`query($id: ID!){ procurementProject(id: $id) { ocdsReleases } }`, { id: project.id });
    const tender = procurementProject.ocdsReleases.find((r: any) => r.tag[0] === 'tender');
    expect(tender.tender.hasEnquiries).toBe(false);
    expect(JSON.stringify(procurementProject.ocdsReleases)).not.toContain('weekend working');
  });

  test('a demo competition in clarification: its answers are not public, its invited suppliers read them', async () => {
    const id = demoId('procurement-project', 'kent-clarification');
    const invited = (
      await ok(`query($id: ID!){ procurementProject(id: $id) { invitedSuppliers { id } } }`, { id }, 'kent-buyer')
    ).procurementProject.invitedSuppliers.map((s: any) => s.id);
    expect(invited).toContain(potholePro.id);
    expect((await ok(clarificationsQuery, { id })).procurementProject.clarifications).toEqual([]);
    expect((await ok(clarificationsQuery, { id }, 'potholepro-contributor')).procurementProject.clarifications).toHaveLength(2);
    const pkg: any = await publishedReleasePackage(
      graph.databases.procurement.dataSource,
      { clock: graph.clock, innovations: unconfiguredInnovationDirectory },
      `ocds-ips001-${id}`,
      'urn:x',
    );
    expect(JSON.stringify(pkg)).not.toContain('night working');
  });

  test('after the award the open record is the OCDS one: enquiries there, without askers; the field keeps its rule', async () => {
    const id = demoId('procurement-project', 'kent-contracted');
    expect((await ok(clarificationsQuery, { id })).procurementProject.clarifications).toEqual([]);
    expect((await ok(clarificationsQuery, { id }, 'kent-buyer')).procurementProject.clarifications).toEqual([
      { question: 'Is the network map available?', answer: 'Yes, it is attached to the tender documents.', askedByViewer: false },
    ]);
    const releases = (await ok(`query($id: ID!){ procurementProject(id: $id) { ocdsReleases } }`, { id })).procurementProject.ocdsReleases;
    for (const release of releases) expect(releaseProblems(release)).toEqual([]);
    const tender = releases.find((r: any) => r.tag[0] === 'tender').tender;
    expect(tender).toMatchObject({
      hasEnquiries: true,
      enquiries: [
        expect.objectContaining({ description: 'Is the network map available?', answer: 'Yes, it is attached to the tender documents.' }),
      ],
    });
    expect(Object.keys(tender.enquiries[0]).sort()).toEqual(['answer', 'date', 'dateAnswered', 'description', 'id', 'title']);
  });
});

const submit = `mutation($input: SubmitResponseInput!){ submitResponse(input: $input) { procurementResponse { id version withdrawnAt viewerCan { edit withdraw } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const withdraw = `mutation($input: WithdrawResponseInput!){ withdrawResponse(input: $input) { procurementResponse { id version withdrawnAt outcome viewerCan { edit withdraw } }
  refusal { code message field ... on StateConflict { reason currentStatus currentVersion } ... on ResponsesClosed { currentStatus responseDeadline } } } }`;

describe('withdraw and resubmit before the deadline, never after (issue 24 item 5)', () => {
  test('withdraw, submit again, withdraw; refused after the deadline; a withdrawn response is no tender', async () => {
    const project = await newProject('Withdrawals', { publish: true });
    const deadline = new Date(project.responseDeadline!);
    const a = (
      await ok(submit, { input: { projectId: project.id, proposal: 'WITHDRAWN-SECRET first go.', price: 80000 } }, 'resurface-contributor')
    ).submitResponse.procurementResponse;
    const b = (
      await ok(submit, { input: { projectId: project.id, proposal: 'PotholePro proposal.', price: 60000 } }, 'potholepro-contributor')
    ).submitResponse.procurementResponse;
    expect(a.viewerCan).toEqual({ edit: true, withdraw: true });
    const count = async () =>
      (await ok(`query($id: ID!){ procurementProject(id: $id) { responseCount } }`, { id: project.id }, 'kent-buyer')).procurementProject
        .responseCount;
    expect(await count()).toBe(2);

    // Only the responding supplier's people may withdraw; to everyone else the sealed response is absent.
    for (const persona of ['potholepro-contributor', 'kent-buyer', 'platform-admin', undefined]) {
      expect(await fails(withdraw, { input: { responseId: a.id, version: a.version } }, persona)).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await fails(withdraw, { input: { responseId: a.id, version: a.version + 5 } }, 'resurface-admin')).toMatchObject({
      code: 'CONFLICT',
      currentVersion: a.version,
    });

    graph.clock.set(new Date(deadline.getTime() - 3_600_000).toISOString()); // an hour before the deadline
    const withdrawn = (await ok(withdraw, { input: { responseId: a.id, version: a.version } }, 'resurface-admin')).withdrawResponse
      .procurementResponse;
    expect(withdrawn).toMatchObject({
      id: a.id,
      version: a.version + 1,
      outcome: 'PENDING',
      withdrawnAt: expect.any(String),
      viewerCan: { withdraw: false },
    });
    expect(await count()).toBe(1);
    expect(await fails(withdraw, { input: { responseId: a.id, version: withdrawn.version } }, 'resurface-admin')).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'WITHDRAWN',
    });
    // The supplier still reads its own withdrawn response, to submit again.
    const own = (
      await ok(
        `query($id: ID!){ procurementProject(id: $id) { responses { id withdrawnAt } } }`,
        { id: project.id },
        'resurface-contributor',
      )
    ).procurementProject.responses;
    expect(own).toEqual([{ id: a.id, withdrawnAt: withdrawn.withdrawnAt }]);

    // Submitting again (no version needed after a withdrawal) reinstates it.
    const again = (
      await ok(submit, { input: { projectId: project.id, proposal: 'WITHDRAWN-SECRET second go.', price: 75000 } }, 'resurface-contributor')
    ).submitResponse.procurementResponse;
    expect(again).toMatchObject({ id: a.id, version: withdrawn.version + 1, withdrawnAt: null, viewerCan: { edit: true, withdraw: true } });
    expect(await count()).toBe(2);
    // …and it can be withdrawn again, for good this time.
    const final = (await ok(withdraw, { input: { responseId: a.id, version: again.version } }, 'resurface-contributor')).withdrawResponse
      .procurementResponse;
    expect(final.withdrawnAt).not.toBeNull();

    const trail = await sql(`SELECT action, from_status, to_status FROM procurement.audit_event WHERE subject_id = $1 ORDER BY id`, [a.id]);
    expect(trail).toEqual([
      { action: 'SUBMIT', from_status: null, to_status: 'SUBMITTED' },
      { action: 'WITHDRAW', from_status: 'SUBMITTED', to_status: 'WITHDRAWN' },
      { action: 'RESUBMIT', from_status: 'WITHDRAWN', to_status: 'SUBMITTED' },
      { action: 'WITHDRAW', from_status: 'SUBMITTED', to_status: 'WITHDRAWN' },
    ]);

    // From the deadline nothing changes: a withdrawal is refused with the deadline, and so is a resubmission.
    graph.clock.set(deadline.toISOString());
    const before = await sql(`SELECT id, version, withdrawn_at, proposal FROM procurement.response WHERE project_id = $1 ORDER BY id`, [
      project.id,
    ]);
    const late = await fails(withdraw, { input: { responseId: b.id, version: b.version } }, 'potholepro-contributor');
    expect(late).toMatchObject({ code: 'CONFLICT', currentStatus: 'EVALUATION', responseDeadline: deadline.toISOString() });
    expect(
      await fails(submit, { input: { projectId: project.id, proposal: 'Back in, late.', price: 1 } }, 'resurface-contributor'),
    ).toMatchObject({ code: 'CONFLICT', currentStatus: 'EVALUATION' });
    expect(
      await sql(`SELECT id, version, withdrawn_at, proposal FROM procurement.response WHERE project_id = $1 ORDER BY id`, [project.id]),
    ).toEqual(before);
    const lateView = (
      await ok(
        `query($id: ID!){ procurementProject(id: $id) { responses { viewerCan { withdraw edit } } } }`,
        { id: project.id },
        'potholepro-contributor',
      )
    ).procurementProject.responses;
    expect(lateView).toEqual([{ viewerCan: { withdraw: false, edit: false } }]);

    // The buyer opens only the standing response: the withdrawn one is not read, counted, scored or awarded.
    const opened = (
      await ok(
        `query($id: ID!){ procurementProject(id: $id) { version responseCount responses { id proposal } } }`,
        { id: project.id },
        'kent-buyer',
      )
    ).procurementProject;
    expect(opened).toMatchObject({ responseCount: 1, responses: [{ id: b.id, proposal: 'PotholePro proposal.' }] });
    expect(JSON.stringify(opened)).not.toContain('WITHDRAWN-SECRET');
    await ok(
      `mutation($i: DeclareConflictOfInterestInput!){ declareConflictOfInterest(input: $i) { procurementProject { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { i: { projectId: project.id, hasConflict: false } },
      'kent-buyer',
    );
    // The declaration covers only the standing response's supplier.
    expect(await sql(`SELECT supplier_id FROM procurement.conflict_declaration WHERE project_id = $1`, [project.id])).toEqual([
      { supplier_id: potholePro.id },
    ]);
    expect(
      await fails(
        `mutation($i: ScoreResponseInput!){ scoreResponse(input: $i) { procurementResponse { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { i: { responseId: a.id, criterion: 'Quality', score: 90 } },
        'kent-buyer',
      ),
    ).toMatchObject({ code: 'CONFLICT' });
    expect(
      await fails(
        `mutation($i: AwardProcurementProjectInput!){ awardProcurementProject(input: $i) { procurementProject { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { i: { projectId: project.id, version: opened.version, responseId: a.id } },
        'kent-buyer',
      ),
    ).toMatchObject({ code: 'CONFLICT', currentStatus: 'WITHDRAWN' });
    expect(await sql(`SELECT status FROM procurement.project WHERE id = $1`, [project.id])).toEqual([{ status: 'PUBLISHED' }]);
    expect(await sql(`SELECT count(*)::int AS n FROM procurement.score WHERE response_id = $1`, [a.id])).toEqual([{ n: 0 }]);
  });
});

const cancel = `mutation($input: CancelProcurementProjectInput!){ cancelProcurementProject(input: $input) { procurementProject { id status version cancellationReason cancelledAt viewerCan { cancel } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;

async function cancelWithReason(projectId: string, reason: string) {
  const { version } = (await ok(`query($id: ID!){ procurementProject(id: $id) { version } }`, { id: projectId }, 'kent-buyer'))
    .procurementProject;
  const cancelled = (await ok(cancel, { input: { projectId, version, reason } }, 'kent-admin')).cancelProcurementProject.procurementProject;
  expect(cancelled).toMatchObject({
    status: 'CANCELLED',
    version: version + 1,
    cancellationReason: reason,
    cancelledAt: graph.clock.now().toISOString(),
    viewerCan: { cancel: false },
  });
  const trail = await sql(`SELECT action, to_status, reason FROM procurement.audit_event WHERE subject_id = $1 AND action = 'CANCEL'`, [
    projectId,
  ]);
  expect(trail).toEqual([{ action: 'CANCEL', to_status: 'CANCELLED', reason }]);
  return cancelled;
}

async function validCancelledRecord(projectId: string, reason: string): Promise<any[]> {
  const pkg: any = await publishedReleasePackage(
    graph.databases.procurement.dataSource,
    { clock: graph.clock, innovations: unconfiguredInnovationDirectory },
    `ocds-ips001-${projectId}`,
    'https://ips.example/ocds/x.json',
  );
  expect(validatePackage(pkg)).toBe(true);
  for (const release of pkg.releases) expect(releaseProblems(release)).toEqual([]);
  const last = pkg.releases.at(-1);
  expect(last.tag[0]).toBe('tenderCancellation');
  expect(last.tender).toMatchObject({ status: 'cancelled', statusDetails: reason });
  return pkg.releases;
}

describe('a buyer cancels with a reason at any stage before the contract (issue 24 item 5)', () => {
  test('published, in clarification and in evaluation: cancelled, the reason shown to invited suppliers, the OCDS tender cancelled', async () => {
    const published = await newProject('Cancel while published', { publish: true });
    const clarification = await newProject('Cancel in clarification', { publish: true });
    const evaluation = await newProject('Cancel in evaluation', { publish: true });
    // Bad input and the wrong people change nothing.
    expect(
      await fails(cancel, { input: { projectId: published.id, version: published.version, reason: ' ' } }, 'kent-buyer'),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(
      await fails(cancel, { input: { projectId: published.id, version: published.version, reason: 'x' } }, 'resurface-admin'),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(await fails(cancel, { input: { projectId: published.id, version: published.version, reason: 'x' } })).toMatchObject({
      code: 'UNAUTHENTICATED',
    });

    await cancelWithReason(published.id, 'The budget was withdrawn.');
    graph.clock.set(clarification.clarificationClosesAt!);
    expect(
      (await ok(`query($id: ID!){ procurementProject(id: $id) { status } }`, { id: clarification.id })).procurementProject.status,
    ).toBe('CLARIFICATION');
    await cancelWithReason(clarification.id, 'The road is to be rebuilt instead.');
    graph.clock.set(evaluation.responseDeadline!);
    expect((await ok(`query($id: ID!){ procurementProject(id: $id) { status } }`, { id: evaluation.id })).procurementProject.status).toBe(
      'EVALUATION',
    );
    await cancelWithReason(evaluation.id, 'No compliant response.');

    // The invited supplier sees the cancellation and its reason on the project.
    const seen = (
      await ok(
        `query($id: ID!){ procurementProject(id: $id) { status cancellationReason invitedSuppliers { id } } }`,
        { id: evaluation.id },
        'resurface-admin',
      )
    ).procurementProject;
    expect(seen).toMatchObject({ status: 'CANCELLED', cancellationReason: 'No compliant response.' });
    expect(seen.invitedSuppliers.map((s: any) => s.id)).toContain(resurface.id);
    const releases = await validCancelledRecord(evaluation.id, 'No compliant response.');
    expect(releases.map((r) => r.tag[0])).toEqual(['planning', 'tender', 'tenderCancellation']);
    expect(releases[1].tender.status).toBe('cancelled');
    await validCancelledRecord(published.id, 'The budget was withdrawn.');
    // Cancelled once is final.
    expect(
      await fails(cancel, { input: { projectId: published.id, version: published.version + 1, reason: 'Again.' } }, 'kent-buyer'),
    ).toMatchObject({ code: 'CONFLICT', currentStatus: 'CANCELLED' });
  });

  test('during the standstill after an award: the award is cancelled with the tender; the contract can no longer be recorded', async () => {
    const project = await newProject('Cancel in standstill', { procedure: 'DIRECT_AWARD' });
    const awarded = (
      await ok(
        `mutation($input: AwardProcurementProjectInput!){ awardProcurementProject(input: $input) { procurementProject { status version award { standstillEndsOn } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        {
          input: {
            projectId: project.id,
            version: project.version,
            innovationId: project.innovationId,
            justification: 'Only supplier of the process.',
            value: 50000,
          },
        },
        'kent-buyer',
      )
    ).awardProcurementProject.procurementProject;
    expect(awarded.status).toBe('AWARDED');
    await cancelWithReason(project.id, 'The supplier can no longer deliver.');
    const releases = await validCancelledRecord(project.id, 'The supplier can no longer deliver.');
    expect(releases.map((r) => r.tag)).toEqual([['planning'], ['award'], ['tenderCancellation', 'awardCancellation']]);
    expect(releases[2].awards[0]).toMatchObject({ status: 'cancelled', id: releases[1].awards[0].id });
    graph.clock.set(`${awarded.award.standstillEndsOn}T09:00:00Z`);
    graph.clock.set(new Date(graph.clock.now().getTime() + 86_400_000).toISOString()); // the day after the standstill
    expect(
      await fails(
        `mutation($input: RecordContractInput!){ recordContract(input: $input) { contract { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { input: { projectId: project.id, version: awarded.version + 1, value: 50000, startsOn: '2027-02-01', endsOn: '2027-12-31' } },
        'kent-buyer',
      ),
    ).toMatchObject({ code: 'CONFLICT', currentStatus: 'CANCELLED' });
  });

  test('a draft: cancelled for the record, and it stays the buyer team’s — cancelling does not publish it', async () => {
    const draft = await newProject('Cancel a draft');
    await cancelWithReason(draft.id, 'Bought through another route.');
    for (const persona of [undefined, 'resurface-admin', 'cardiff-buyer']) {
      expect((await ok(`query($id: ID!){ procurementProject(id: $id) { id } }`, { id: draft.id }, persona)).procurementProject).toBeNull();
      const list = (
        await ok(`{ procurementProjects(first: 100, filter: { statuses: [CANCELLED] }) { edges { node { id } } } }`, {}, persona)
      ).procurementProjects.edges;
      expect(list.map((e: any) => e.node.id)).not.toContain(draft.id);
    }
    expect(
      (await ok(`query($id: ID!){ procurementProject(id: $id) { status cancellationReason } }`, { id: draft.id }, 'kent-buyer'))
        .procurementProject,
    ).toEqual({ status: 'CANCELLED', cancellationReason: 'Bought through another route.' });
    expect(
      await publishedReleasePackage(
        graph.databases.procurement.dataSource,
        { clock: graph.clock, innovations: unconfiguredInnovationDirectory },
        `ocds-ips001-${draft.id}`,
        'urn:x',
      ),
    ).toBeNull();
  });

  test('after the contract: refused, and nothing changes', async () => {
    const id = demoId('procurement-project', 'kent-contracted');
    const before = (
      await ok(
        `query($id: ID!){ procurementProject(id: $id) { status version cancellationReason viewerCan { cancel } } }`,
        { id },
        'kent-buyer',
      )
    ).procurementProject;
    expect(before).toMatchObject({ status: 'CONTRACTED', cancellationReason: null, viewerCan: { cancel: false } });
    expect(await fails(cancel, { input: { projectId: id, version: before.version, reason: 'Too late.' } }, 'kent-buyer')).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'CONTRACTED',
    });
    expect(
      (
        await ok(
          `query($id: ID!){ procurementProject(id: $id) { status version cancellationReason viewerCan { cancel } } }`,
          { id },
          'kent-buyer',
        )
      ).procurementProject,
    ).toEqual(before);
  });
});
