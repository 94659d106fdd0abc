import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { demoId } from '../demo-data/ids';
import { defaultTestNow, startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { callersOf, codesOf, expectData, refusalOf, signInAll, type Callers, type UntypedData } from './support/graphql-results';
import { releaseProblems } from './support/ocds-validator';

/**
 * Issue 24 item 9, through the gateway: the procurement record through the API.
 * - `ProcurementProject.auditTrail`: who did what, when, from which state, for the buyer's team and
 *   platform staff only, with what the sealing rules keep secret left out.
 * - `procurementProjects(search:)`: full-text search over what the caller may see, best match first.
 * And item 6: recording the contract publishes its details, and the record says whether that was
 * within the period the regime sets.
 */
jest.setTimeout(120_000);

let graph: TestGraph;
/** Each persona's Authorization header (signInAll). */
let header: (persona: string) => string;
const personas = [
  'kent-buyer',
  'kent-admin',
  'cardiff-buyer',
  'resurface-contributor',
  'potholepro-contributor',
  'platform-admin',
  'leeds-viewer',
];
const personId = (persona: string) => demoPersona(persona).id;
const resurface = demoOrganisation('resurface-tech');
const surfacingLot2 = demoId('lot', 'RM6302/2');

let run: Callers<GraphResult<UntypedData>>['run'];
let ok: Callers<GraphResult<UntypedData>>['ok'];

async function innovationOf(supplierId: string): Promise<string> {
  const data = await ok(
    `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR] }) { edges { node { id supplier { id } } } } }`,
  );
  return data.innovations.edges.find((e: any) => e.node.supplier.id === supplierId).node.id;
}

async function create(
  persona: string,
  title: string,
  need: string,
  procedure: 'FURTHER_COMPETITION' | 'DIRECT_AWARD' = 'FURTHER_COMPETITION',
) {
  const innovationId = await innovationOf(resurface.id);
  const created = (
    await ok(
      `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      {
        input: {
          title,
          need,
          budget: 90000,
          lotId: surfacingLot2,
          procedure,
          innovationIds: [innovationId],
          ...(procedure === 'FURTHER_COMPETITION' ? { criteria: [{ name: 'Quality', weight: 100 }] } : {}),
        },
      },
      persona,
    )
  ).createProcurementProject.procurementProject;
  return { ...created, innovationId } as { id: string; version: number; innovationId: string };
}

async function publish(persona: string, project: { id: string; version: number }) {
  return (
    await ok(
      `mutation($input: PublishProcurementProjectInput!){ publishProcurementProject(input: $input) { procurementProject { id version responseDeadline } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { input: { projectId: project.id, version: project.version, clarificationWorkingDays: 3, responseWorkingDays: 8 } },
      persona,
    )
  ).publishProcurementProject.procurementProject as { id: string; version: number; responseDeadline: string };
}

const trailQuery = `query($id: ID!, $first: Int){ procurementProject(id: $id) { auditTrail(first: $first) { subject action fromStatus toStatus actor { id } at reason } } }`;
async function trailOf(id: string, persona?: string, first?: number) {
  return (await ok(trailQuery, { id, first }, persona)).procurementProject.auditTrail as any[];
}
const brief = (entries: any[]) => entries.map((e) => [e.subject, e.action, e.fromStatus, e.toStatus, e.actor?.id ?? null, e.reason]);

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

describe('ProcurementProject.auditTrail (issue 24 item 9)', () => {
  test('a further competition: create, publish, Q&A, responses, declarations, scores — sealed parts withheld', async () => {
    const draft = await create('kent-buyer', 'Audit trail competition', 'A need for the record.');
    const project = await publish('kent-admin', draft);
    const asked = (
      await ok(
        `mutation($p: ID!){ askClarificationQuestion(projectId: $p, question: "May we visit the site?") { clarificationQuestion { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { p: project.id },
        'potholepro-contributor',
      )
    ).askClarificationQuestion.clarificationQuestion;
    await ok(
      `mutation($id: ID!){ answerClarificationQuestion(questionId: $id, answer: "Yes, by appointment.") { clarificationQuestion { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: asked.id },
      'kent-buyer',
    );
    const submit = `mutation($input: SubmitResponseInput!){ submitResponse(input: $input) { procurementResponse { id version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const first = (
      await ok(submit, { input: { projectId: project.id, proposal: 'ReSurface proposal.', price: 70000 } }, 'resurface-contributor')
    ).submitResponse.procurementResponse;
    await ok(submit, { input: { projectId: project.id, proposal: 'PotholePro proposal.', price: 60000 } }, 'potholepro-contributor');
    await ok(
      submit,
      { input: { projectId: project.id, proposal: 'ReSurface proposal, edited.', price: 68000, version: first.version } },
      'resurface-contributor',
    );

    // Before the deadline the buyer's team learns that responses came, never from whom; nobody learns who asked.
    const sealed = [
      ['PROJECT', 'CREATE', null, 'DRAFT', personId('kent-buyer'), null],
      ['PROJECT', 'PUBLISH', 'DRAFT', 'PUBLISHED', personId('kent-admin'), null],
      ['QUESTION', 'ASK', null, null, null, null],
      ['QUESTION', 'ANSWER', 'ASKED', 'ANSWERED', personId('kent-buyer'), null],
      ['RESPONSE', 'SUBMIT', null, 'SUBMITTED', null, null],
      ['RESPONSE', 'SUBMIT', null, 'SUBMITTED', null, null],
      ['RESPONSE', 'EDIT', null, null, null, null],
    ];
    for (const persona of ['kent-buyer', 'kent-admin', 'platform-admin']) expect(brief(await trailOf(project.id, persona))).toEqual(sealed);
    // Everyone else: nothing, the invited suppliers included.
    for (const persona of [undefined, 'resurface-contributor', 'potholepro-contributor', 'cardiff-buyer', 'leeds-viewer']) {
      expect(await trailOf(project.id, persona)).toEqual([]);
    }
    const entries = await trailOf(project.id, 'kent-buyer');
    expect(entries.map((e) => Date.parse(e.at))).toEqual([...entries.map((e) => Date.parse(e.at))].sort((a, b) => a - b));

    // After the deadline the responses are open to the buyer's team, and so is who sent them.
    graph.clock.set(project.responseDeadline);
    await ok(
      `mutation($i: DeclareConflictOfInterestInput!){ declareConflictOfInterest(input: $i) { procurementProject { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { i: { projectId: project.id, hasConflict: false } },
      'kent-buyer',
    );
    await ok(
      `mutation($i: ScoreResponseInput!){ scoreResponse(input: $i) { procurementResponse { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { i: { responseId: first.id, criterion: 'Quality', score: 70 } },
      'kent-buyer',
    );
    const opened = brief(await trailOf(project.id, 'kent-admin'));
    expect(opened.slice(4, 7).map((entry) => entry[4])).toEqual([
      personId('resurface-contributor'),
      personId('potholepro-contributor'),
      personId('resurface-contributor'),
    ]);
    // The question's asker stays unsaid; two declarations (one per responding supplier) and the score follow.
    expect(opened[2]).toEqual(['QUESTION', 'ASK', null, null, null, null]);
    expect(opened.slice(7).map((entry) => [entry[1], entry[4]])).toEqual([
      ['DECLARE_NO_CONFLICT', personId('kent-buyer')],
      ['DECLARE_NO_CONFLICT', personId('kent-buyer')],
      ['SCORE', personId('kent-buyer')],
    ]);
    // A score's value is not for the buyer's team (its evaluators) before the award; staff read it.
    expect(opened[9]![5]).toBeNull();
    expect(brief(await trailOf(project.id, 'platform-admin'))[9]![5]).toBe('Quality: 70');

    // Bounded: the first `first`, oldest first; out-of-range sizes refused.
    expect(brief(await trailOf(project.id, 'kent-buyer', 2))).toEqual(opened.slice(0, 2));
    for (const size of [0, 1001]) {
      const refused = await run(trailQuery, { id: project.id, first: size }, 'kent-buyer');
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
  });

  test('a direct award to contract: award with its justification, the contract, each with its actor, resolved by members', async () => {
    const project = await create('kent-buyer', 'Audit trail direct award', 'A direct award for the record.', 'DIRECT_AWARD');
    const awarded = (
      await ok(
        `mutation($input: AwardProcurementProjectInput!){ awardProcurementProject(input: $input) { procurementProject { version award { standstillEndsOn } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        {
          input: {
            projectId: project.id,
            version: project.version,
            innovationId: project.innovationId,
            justification: 'List price meets the need.',
            value: 50000,
          },
        },
        'kent-admin',
      )
    ).awardProcurementProject.procurementProject;
    graph.clock.set(new Date(Date.parse(`${awarded.award.standstillEndsOn}T12:00:00Z`) + 24 * 3_600_000).toISOString());
    await ok(
      `mutation($input: RecordContractInput!){ recordContract(input: $input) { contract { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { input: { projectId: project.id, version: awarded.version, value: 50000, startsOn: '2031-01-01', endsOn: '2031-12-31' } },
      'kent-buyer',
    );
    const trail = (
      await ok(
        `query($id: ID!){ procurementProject(id: $id) { auditTrail { action fromStatus toStatus actor { id name } reason } } }`,
        { id: project.id },
        'kent-admin',
      )
    ).procurementProject.auditTrail;
    expect(trail.map((e: any) => [e.action, e.fromStatus, e.toStatus, e.actor?.name ?? null])).toEqual([
      ['CREATE', null, 'DRAFT', demoPersona('kent-buyer').name],
      ['AWARD', 'DRAFT', 'AWARDED', demoPersona('kent-admin').name],
      ['RECORD_CONTRACT', 'AWARDED', 'CONTRACTED', demoPersona('kent-buyer').name],
      ['RECORD', null, 'ACTIVE', demoPersona('kent-buyer').name],
    ]);
    expect(trail[1].reason).toBe('List price meets the need.');
    expect(await trailOf(project.id, 'resurface-contributor')).toEqual([]);
    expect(await trailOf(project.id)).toEqual([]);
  });

  test('the trails of a page of projects load in one statement, whatever the page size', async () => {
    const page = (first: number) =>
      graph.execute<any>(
        `query($first: Int){ procurementProjects(first: $first) { edges { node { id auditTrail(first: 5) { action } } } } }`,
        { first },
        header('platform-admin'),
      );
    const one = await page(1);
    const many = await page(20);
    expect(one.errors).toBeUndefined();
    expect(many.errors).toBeUndefined();
    expect(many.data.procurementProjects.edges.length).toBeGreaterThan(5);
    expect(
      many.data.procurementProjects.edges.every((edge: any) => edge.node.auditTrail.length >= 1 && edge.node.auditTrail.length <= 5),
    ).toBe(true);
    expect(many.statements).toBe(one.statements);
  });
});

const searchQuery = `query($search: String, $first: Int, $after: String){ procurementProjects(search: $search, first: $first, after: $after) { edges { cursor node { id title } } pageInfo { hasNextPage endCursor } } }`;
async function search(text: string, persona?: string, first = 100): Promise<{ id: string; title: string }[]> {
  return (await ok(searchQuery, { search: text, first }, persona)).procurementProjects.edges.map((edge: any) => edge.node);
}

describe('procurementProjects(search:) (issue 24 item 9)', () => {
  let titled: string;
  let needOnly: string;
  let kentDraft: string;
  let cardiffDraft: string;
  beforeAll(async () => {
    // The word in the title of one published project and only in the need of another; and in two drafts.
    needOnly = (
      await publish(
        'kent-buyer',
        await create('kent-buyer', 'Carriageway patching 2031', 'Crack sealing with a zephyrite binder on rural lanes.'),
      )
    ).id;
    titled = (await publish('kent-buyer', await create('kent-buyer', 'Zephyrite binder trial', 'Trial of a new binder on the A2.'))).id;
    kentDraft = (await create('kent-buyer', 'Zephyrite draft of Kent', 'Not published yet.')).id;
    cardiffDraft = (await create('cardiff-buyer', 'Zephyrite draft of Cardiff', 'Not published yet.')).id;
  });

  test('finds by words in the title and the need (any form of the word), title matches first', async () => {
    for (const text of ['zephyrite', 'Zephyrite binders']) {
      const found = await search(text, 'resurface-contributor');
      expect(found.map((p) => p.id)).toEqual([titled, needOnly]);
    }
    expect((await search('"rural lanes"', 'resurface-contributor')).map((p) => p.id)).toEqual([needOnly]);
    expect((await search('zephyrite -trial', 'resurface-contributor')).map((p) => p.id)).toEqual([needOnly]);
    expect(await search('zephyrite quasar', 'resurface-contributor')).toEqual([]);
  });

  test('never returns what the caller may not see: another buyer’s draft, or any draft to a supplier or anonymous caller', async () => {
    const ids = async (persona?: string) => (await search('zephyrite', persona)).map((p) => p.id).sort();
    expect(await ids()).toEqual([titled, needOnly].sort());
    expect(await ids('resurface-contributor')).toEqual([titled, needOnly].sort());
    expect(await ids('kent-buyer')).toEqual([titled, needOnly, kentDraft].sort());
    expect(await ids('cardiff-buyer')).toEqual([titled, needOnly, cardiffDraft].sort());
    expect(await ids('platform-admin')).toEqual([titled, needOnly, kentDraft, cardiffDraft].sort());
    // totalCount counts what the caller may see, and nothing else.
    const counted = await ok(`{ procurementProjects(search: "zephyrite") { totalCount } }`, {}, 'cardiff-buyer');
    expect(counted.procurementProjects.totalCount).toBe(3);
  });

  test('matches its lot’s title and its route’s reference too, after the projects whose own words match', async () => {
    // "patching" is in the surfacing lot's title ("Pothole repair and patching") and in one project's own title.
    const byLot = (await search('patching', 'platform-admin')).map((p) => p.id);
    expect(byLot).toEqual(expect.arrayContaining([titled, needOnly, kentDraft, cardiffDraft]));
    expect(byLot.indexOf(needOnly)).toBeLessThan(byLot.indexOf(titled));
    expect(byLot.indexOf(needOnly)).toBeLessThan(byLot.indexOf(kentDraft));
    const byRoute = (await search('RM6302', 'resurface-contributor')).map((p) => p.id);
    expect(byRoute).toEqual(expect.arrayContaining([titled, needOnly]));
    expect(byRoute).not.toContain(kentDraft);
    expect(await search('RM6303 zephyrite', 'platform-admin')).toEqual([]);
  });

  test('pages by cursor in rank order; one statement for the page, one more for totalCount; long searches refused', async () => {
    const whole = await search('zephyrite', 'platform-admin');
    const collected: string[] = [];
    let after: string | null = null;
    do {
      const data: any = await ok(searchQuery, { search: 'zephyrite', first: 1, after }, 'platform-admin');
      collected.push(...data.procurementProjects.edges.map((edge: any) => edge.node.id));
      after = data.procurementProjects.pageInfo.hasNextPage ? data.procurementProjects.pageInfo.endCursor : null;
    } while (after);
    expect(collected).toEqual(whole.map((p) => p.id));

    const page = await graph.execute<any>(
      `{ procurementProjects(search: "zephyrite") { edges { node { id } } } }`,
      {},
      header('resurface-contributor'),
    );
    const counted = await graph.execute<any>(
      `{ procurementProjects(search: "zephyrite") { totalCount edges { node { id } } } }`,
      {},
      header('resurface-contributor'),
    );
    expect(page.errors).toBeUndefined();
    expect(page.statements).toBe(1);
    expect(counted.statements).toBe(2);

    expect(await search('z'.repeat(200), 'resurface-contributor')).toEqual([]);
    const tooLong = await run(searchQuery, { search: 'z'.repeat(201) }, 'resurface-contributor');
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'search' });
    // A cursor of the plain list is not one of a searched list, and the other way round.
    const plain = await ok(`{ procurementProjects(first: 1) { pageInfo { endCursor } } }`);
    const mixed = await run(searchQuery, { search: 'zephyrite', after: plain.procurementProjects.pageInfo.endCursor });
    expect(mixed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const searched = await ok(searchQuery, { search: 'zephyrite', first: 1 });
    const back = await run(`query($after: String){ procurementProjects(after: $after) { edges { node { id } } } }`, {
      after: searched.procurementProjects.pageInfo.endCursor,
    });
    expect(back.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    // Text that is no search syntax at all matches nothing rather than failing.
    expect(await search('!!! & | :*', 'resurface-contributor')).toEqual([]);
  });
});

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const recordContract = `mutation($input: RecordContractInput!){ recordContract(input: $input) { contract { id value signedOn recordedAt detailsPublicationDeadline detailsPublishedAt detailsPublishedLate supplier { id } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;

describe('contract details (issue 24 item 6)', () => {
  /** A direct award by Kent, awarded now; returns the project's version and the standstill's last day. */
  async function awarded(title: string) {
    const project = await create('kent-buyer', title, 'A contract for the record.', 'DIRECT_AWARD');
    const result = (
      await ok(
        `mutation($input: AwardProcurementProjectInput!){ awardProcurementProject(input: $input) { procurementProject { version award { standstillEndsOn supplier { id } } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        {
          input: {
            projectId: project.id,
            version: project.version,
            innovationId: project.innovationId,
            justification: 'List price.',
            value: 40000,
          },
        },
        'kent-buyer',
      )
    ).awardProcurementProject.procurementProject;
    return {
      id: project.id,
      version: result.version as number,
      standstillEndsOn: result.award.standstillEndsOn as string,
      supplierId: result.award.supplier.id as string,
    };
  }

  test('published in time or late, by the Act’s 30 days beginning with the signing day; the OCDS contract release carries the details', async () => {
    const late = await awarded('Contract details published late');
    const inTime = await awarded('Contract details published in time');
    const today = addDays(late.standstillEndsOn, 40);
    graph.clock.set(`${today}T10:00:00Z`);

    // Signed the day after the standstill, recorded 39 days later: day 40 of a 30-day period.
    const signedEarly = addDays(late.standstillEndsOn, 1);
    const lateContract = (
      await ok(
        recordContract,
        {
          input: {
            projectId: late.id,
            version: late.version,
            value: 40000,
            startsOn: '2032-01-01',
            endsOn: '2032-12-31',
            signedOn: signedEarly,
          },
        },
        'kent-buyer',
      )
    ).recordContract.contract;
    expect(lateContract).toMatchObject({
      signedOn: signedEarly,
      detailsPublicationDeadline: addDays(signedEarly, 29),
      detailsPublishedAt: lateContract.recordedAt,
      detailsPublishedLate: true,
      supplier: { id: late.supplierId },
    });
    // Signed 29 days ago: today is the 30th day of the period, the last one in time.
    const signedInTime = addDays(today, -29);
    const inTimeContract = (
      await ok(
        recordContract,
        {
          input: {
            projectId: inTime.id,
            version: inTime.version,
            value: 39000,
            startsOn: '2032-01-01',
            endsOn: '2032-12-31',
            signedOn: signedInTime,
          },
        },
        'kent-buyer',
      )
    ).recordContract.contract;
    expect(inTimeContract).toMatchObject({ signedOn: signedInTime, detailsPublicationDeadline: today, detailsPublishedLate: false });

    const releases = (await ok(`query($id: ID!){ procurementProject(id: $id) { ocdsReleases } }`, { id: late.id })).procurementProject
      .ocdsReleases;
    for (const release of releases) expect(releaseProblems(release)).toEqual([]);
    const contractRelease = releases.find((release: any) => release.tag.includes('contract'));
    expect(contractRelease.date).toBe(lateContract.recordedAt);
    expect(contractRelease.contracts).toEqual([
      expect.objectContaining({
        id: lateContract.id,
        status: 'active',
        value: { amount: 40000, currency: 'GBP' },
        period: { startDate: '2032-01-01T00:00:00Z', endDate: '2032-12-31T23:59:59Z' },
        dateSigned: `${signedEarly}T00:00:00Z`,
      }),
    ]);
    expect(contractRelease.awards[0].suppliers[0].id).toBeDefined();
    // The audit trail says the same.
    const trail = await trailOf(late.id, 'kent-buyer');
    expect(trail.at(-1)).toMatchObject({
      subject: 'CONTRACT',
      action: 'RECORD',
      reason: `Signed on ${signedEarly}; details published late (due by ${addDays(signedEarly, 29)}).`,
    });
  });

  test('a signing day in the future or inside the standstill is refused and changes nothing; omitted, it is today', async () => {
    const project = await awarded('Contract signing day checks');
    const today = addDays(project.standstillEndsOn, 1);
    graph.clock.set(`${today}T10:00:00Z`);
    const input = { projectId: project.id, version: project.version, value: 40000, startsOn: '2032-01-01', endsOn: '2032-12-31' };
    for (const signedOn of [addDays(today, 1), project.standstillEndsOn]) {
      const refused = await run(recordContract, { input: { ...input, signedOn } }, 'kent-buyer');
      expect(refusalOf(refused)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'signedOn' });
    }
    const status = (await ok(`query($id: ID!){ procurementProject(id: $id) { status contract { id } } }`, { id: project.id }))
      .procurementProject;
    expect(status).toEqual({ status: 'AWARDED', contract: null });
    const recorded = (await ok(recordContract, { input }, 'kent-buyer')).recordContract.contract;
    expect(recorded).toMatchObject({ signedOn: today, detailsPublicationDeadline: addDays(today, 29), detailsPublishedLate: false });
  });
});
