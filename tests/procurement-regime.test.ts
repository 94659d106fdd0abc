import { demoOrganisation } from '../demo-data/organisations';
import { demoPeople } from '../demo-data/people';
import { demoPersona } from '../demo-data/personas';
import { demoId } from '../demo-data/ids';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { codesOf, expectData, refusalOf } from './support/graphql-results';

/**
 * Issue 24 item 3: every deadline on the working days of the project's regime, through the gateway
 * on the injected clock. A buyer in England, Wales or Northern Ireland is under the Procurement Act
 * 2023 (s.123: a bank holiday in ANY part of the UK is not a working day; s.51: 8 working days of
 * standstill); a Scottish council is under the Public Contracts (Scotland) Regulations 2015 (10 days
 * after the award, moved on past a Scottish non-working day). Each standstill ends on the right day,
 * says what it skipped, and the contract can be recorded the day after and not on it.
 *
 * Every Procurement Act case here ends one working day early on the old England-and-Wales calendar.
 */
let graph: TestGraph;
const lightingFramework = demoId('procurement-route', 'RM6303');
const lightingLot = demoId('lot', 'RM6303/1');
/** A buyer of each nation: the personas of Kent and Cardiff, and the first (ORG_ADMIN and BUYER) person of Glasgow and Belfast. */
const buyers = {
  england: demoPersona('kent-buyer').email,
  wales: demoPersona('cardiff-buyer').email,
  scotland: demoPeople.find((person) => person.id === demoId('person', 'glasgow-0'))!.email,
  northernIreland: demoPeople.find((person) => person.id === demoId('person', 'belfast-0'))!.email,
};

beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph?.stop();
});

/** The data of a query, or of a change that was made: neither an error nor a refusal. */
async function ok<T = any>(query: string, variables: Record<string, unknown>, email?: string): Promise<T> {
  const result = await graph.execute<T>(query, variables, email ? `Bearer ${await graph.tokenFor(email)}` : undefined);
  if (codesOf(result).length) throw new Error(JSON.stringify(result.errors ?? result.data));
  return expectData(result);
}

let innovationId: string;
beforeAll(async () => {
  // An approved lighting innovation of a supplier admitted to lot 1 of the lighting framework.
  const route = await ok(`query($id: ID!){ procurementRoute(id: $id) { lots { id admittedSuppliers(first: 100) { id } } } }`, {
    id: lightingFramework,
  });
  const admitted = new Set(route.procurementRoute.lots.find((lot: any) => lot.id === lightingLot).admittedSuppliers.map((s: any) => s.id));
  const found = await ok(
    `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [STREET_LIGHTING] }) { edges { node { id supplier { id } } } } }`,
    {},
  );
  innovationId = found.innovations.edges.find((edge: any) => admitted.has(edge.node.supplier.id)).node.id;
});

const deadlineFields = `at regime holidaysSkipped { date name nations }`;

/** A direct award by `buyer` made at 10:00 UTC on `awardDay`; the project as it then reads. */
async function awardOn(buyer: string, awardDay: string) {
  graph.clock.set(`${awardDay}T10:00:00Z`);
  const created = await ok(
    `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id version regime } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    {
      input: {
        title: `Lantern replacement ${awardDay}`,
        need: 'Replace 500 lanterns.',
        budget: 90000,
        lotId: lightingLot,
        procedure: 'DIRECT_AWARD',
        innovationIds: [innovationId],
      },
    },
    buyer,
  );
  const { id, version } = created.createProcurementProject.procurementProject;
  const awarded = await ok(
    `mutation($input: AwardProcurementProjectInput!){ awardProcurementProject(input: $input) { procurementProject { id version regime standstillRequired award { standstillEndsOn } standstillDeadline { ${deadlineFields} } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    { input: { projectId: id, version, innovationId, justification: 'The only admitted supplier of the lantern.', value: 80000 } },
    buyer,
  );
  return awarded.awardProcurementProject.procurementProject;
}

/** The contract is refused on the standstill's last day and recorded on the next. */
async function contractWaitsFor(buyer: string, project: { id: string; version: number }, endsOn: string, nextDay: string) {
  const record = `mutation($input: RecordContractInput!){ recordContract(input: $input) { contract { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } ... on StandstillRunning { currentStatus standstillEndsOn } } } }`;
  const input = { projectId: project.id, version: project.version, value: 80000, startsOn: '2028-01-10', endsOn: '2028-12-31' };
  graph.clock.set(`${endsOn}T16:00:00Z`);
  const early = await graph.execute(record, { input }, `Bearer ${await graph.tokenFor(buyer)}`);
  expect(refusalOf(early)).toMatchObject({ code: 'CONFLICT', currentStatus: 'AWARDED', standstillEndsOn: endsOn });
  graph.clock.set(`${nextDay}T09:00:00Z`);
  expect((await ok(record, { input }, buyer)).recordContract.contract.id).toEqual(expect.any(String));
}

const holiday = (date: string, name: string, nations: string[]) => ({ date, name, nations });
const standstill = (endsOn: string, regime: string, holidaysSkipped: unknown[]) => ({
  regime,
  award: { standstillEndsOn: endsOn },
  standstillDeadline: { at: `${endsOn}T23:59:59.999Z`, regime, holidaysSkipped },
});

describe('Procurement Act 2023: a bank holiday anywhere in the UK is not a working day', () => {
  const act = 'PROCUREMENT_ACT_2023';

  test("an English buyer over St Andrew's Day (Monday 30 November 2026)", async () => {
    const project = await awardOn(buyers.england, '2026-11-27');
    expect(project).toMatchObject(standstill('2026-12-10', act, [holiday('2026-11-30', 'St Andrew’s Day', ['SCOTLAND'])]));
    // A call-off under a framework: the standstill is voluntary in law (s.51(3)), applied by IPS.
    expect(project.standstillRequired).toBe(false);
    await contractWaitsFor(buyers.england, project, '2026-12-10', '2026-12-11');
  });

  test("an English buyer over Scotland's August holiday (Monday 2 August 2027)", async () => {
    const project = await awardOn(buyers.england, '2027-07-28');
    expect(project).toMatchObject(standstill('2027-08-10', act, [holiday('2027-08-02', 'Summer bank holiday', ['SCOTLAND'])]));
    await contractWaitsFor(buyers.england, project, '2027-08-10', '2027-08-11');
  });

  test("a Welsh buyer over St Patrick's Day (Wednesday 17 March 2027)", async () => {
    const project = await awardOn(buyers.wales, '2027-03-12');
    expect(project).toMatchObject(standstill('2027-03-25', act, [holiday('2027-03-17', 'St Patrick’s Day', ['NORTHERN_IRELAND'])]));
    await contractWaitsFor(buyers.wales, project, '2027-03-25', '2027-03-26');
  });

  test('a Welsh buyer over 12 July 2027 (Battle of the Boyne)', async () => {
    const project = await awardOn(buyers.wales, '2027-07-05');
    expect(project).toMatchObject(
      standstill('2027-07-16', act, [holiday('2027-07-12', 'Battle of the Boyne (Orangemen’s Day)', ['NORTHERN_IRELAND'])]),
    );
    await contractWaitsFor(buyers.wales, project, '2027-07-16', '2027-07-19');
  });

  test('a Northern Irish buyer over Christmas and 2 January (its substitute, Monday 4 January 2027)', async () => {
    const project = await awardOn(buyers.northernIreland, '2026-12-18');
    const everyNation = ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND'];
    expect(project).toMatchObject(
      standstill('2027-01-05', act, [
        holiday('2026-12-25', 'Christmas Day', everyNation),
        holiday('2026-12-28', 'Boxing Day (substitute day)', everyNation),
        holiday('2027-01-01', "New Year's Day", everyNation),
        holiday('2027-01-04', 'January 2nd (substitute day)', ['SCOTLAND']),
      ]),
    );
    await contractWaitsFor(buyers.northernIreland, project, '2027-01-05', '2027-01-06');
  });
});

describe('Public Contracts (Scotland) Regulations 2015: a Scottish buyer', () => {
  const pcsr = 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015';

  test("10 days after the award, moved past St Andrew's Day", async () => {
    const project = await awardOn(buyers.scotland, '2026-11-20');
    expect(project).toMatchObject(standstill('2026-12-01', pcsr, [holiday('2026-11-30', 'St Andrew’s Day', ['SCOTLAND'])]));
    expect(project.standstillRequired).toBe(false);
    await contractWaitsFor(buyers.scotland, project, '2026-12-01', '2026-12-02');
  });

  test('over Christmas: the 10th day is the Boxing Day substitute', async () => {
    const project = await awardOn(buyers.scotland, '2026-12-18');
    expect(project).toMatchObject(standstill('2026-12-29', pcsr, [holiday('2026-12-28', 'Boxing Day (substitute day)', ['SCOTLAND'])]));
    await contractWaitsFor(buyers.scotland, project, '2026-12-29', '2026-12-30');
  });

  test('over 2 January: the 10th day is a Saturday and the Monday is its substitute', async () => {
    const project = await awardOn(buyers.scotland, '2026-12-23');
    expect(project).toMatchObject(standstill('2027-01-05', pcsr, [holiday('2027-01-04', 'January 2nd (substitute day)', ['SCOTLAND'])]));
    await contractWaitsFor(buyers.scotland, project, '2027-01-05', '2027-01-06');
  });

  test('over the August holiday, while 12 July (Northern Ireland only) is a working day in Scotland', async () => {
    const august = await awardOn(buyers.scotland, '2027-07-23');
    expect(august).toMatchObject(standstill('2027-08-03', pcsr, [holiday('2027-08-02', 'Summer bank holiday', ['SCOTLAND'])]));
    await contractWaitsFor(buyers.scotland, august, '2027-08-03', '2027-08-04');
    const july = await awardOn(buyers.scotland, '2027-07-02');
    expect(july).toMatchObject(standstill('2027-07-12', pcsr, []));
  });
});

describe('clarification and response deadlines show their regime and what they skipped', () => {
  const publish = `mutation($input: PublishProcurementProjectInput!){ publishProcurementProject(input: $input) { procurementProject { regime clarificationClosesAt responseDeadline clarificationDeadline { ${deadlineFields} } submissionDeadline { ${deadlineFields} } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  const create = `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id version clarificationDeadline { at } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  const competition = (title: string) => ({
    title,
    need: 'Smart lighting controls.',
    budget: 90000,
    lotId: lightingLot,
    procedure: 'FURTHER_COMPETITION',
    innovationIds: [innovationId],
    criteria: [
      { name: 'Quality', weight: 60 },
      { name: 'Price', weight: 40 },
    ],
  });

  test("published on Thursday 26 November 2026: St Andrew's Day counts against the English buyer and the Scottish one", async () => {
    graph.clock.set('2026-11-26T10:00:00Z');
    const english = (await ok(create, { input: competition('Controls, Kent') }, buyers.england)).createProcurementProject
      .procurementProject;
    expect(english.clarificationDeadline).toBeNull();
    const kentPublished = (
      await ok(
        publish,
        { input: { projectId: english.id, version: english.version, clarificationWorkingDays: 2, responseWorkingDays: 5 } },
        buyers.england,
      )
    ).publishProcurementProject.procurementProject;
    const standrew = holiday('2026-11-30', 'St Andrew’s Day', ['SCOTLAND']);
    // Friday 27th, (Monday 30th skipped), Tuesday 1 December; the response deadline is Friday 4 December.
    expect(kentPublished).toMatchObject({
      regime: 'PROCUREMENT_ACT_2023',
      clarificationClosesAt: '2026-12-01T12:00:00.000Z',
      responseDeadline: '2026-12-04T12:00:00.000Z',
      clarificationDeadline: { at: '2026-12-01T12:00:00.000Z', regime: 'PROCUREMENT_ACT_2023', holidaysSkipped: [standrew] },
      submissionDeadline: { at: '2026-12-04T12:00:00.000Z', regime: 'PROCUREMENT_ACT_2023', holidaysSkipped: [standrew] },
    });

    const scottish = (await ok(create, { input: competition('Controls, Glasgow') }, buyers.scotland)).createProcurementProject
      .procurementProject;
    const glasgowPublished = (
      await ok(
        publish,
        { input: { projectId: scottish.id, version: scottish.version, clarificationWorkingDays: 2, responseWorkingDays: 5 } },
        buyers.scotland,
      )
    ).publishProcurementProject.procurementProject;
    expect(glasgowPublished).toMatchObject({
      regime: 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015',
      clarificationDeadline: {
        at: '2026-12-01T12:00:00.000Z',
        regime: 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015',
        holidaysSkipped: [standrew],
      },
    });
  });

  test("published on Friday 12 March 2027: St Patrick's Day counts under the Act but is a working day in Scotland", async () => {
    graph.clock.set('2027-03-12T10:00:00Z');
    const welsh = (await ok(create, { input: competition('Controls, Cardiff') }, buyers.wales)).createProcurementProject.procurementProject;
    const cardiff = (
      await ok(
        publish,
        { input: { projectId: welsh.id, version: welsh.version, clarificationWorkingDays: 3, responseWorkingDays: 4 } },
        buyers.wales,
      )
    ).publishProcurementProject.procurementProject;
    expect(cardiff.clarificationDeadline).toEqual({
      at: '2027-03-18T12:00:00.000Z',
      regime: 'PROCUREMENT_ACT_2023',
      holidaysSkipped: [holiday('2027-03-17', 'St Patrick’s Day', ['NORTHERN_IRELAND'])],
    });
    const scottish = (await ok(create, { input: competition('Controls, Glasgow, March') }, buyers.scotland)).createProcurementProject
      .procurementProject;
    const glasgow = (
      await ok(
        publish,
        { input: { projectId: scottish.id, version: scottish.version, clarificationWorkingDays: 3, responseWorkingDays: 4 } },
        buyers.scotland,
      )
    ).publishProcurementProject.procurementProject;
    expect(glasgow.clarificationDeadline).toEqual({
      at: '2027-03-17T12:00:00.000Z',
      regime: 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015',
      holidaysSkipped: [],
    });
  });
});

describe('routes under the Scottish regulations', () => {
  const create = `mutation($input: CreateProcurementRouteInput!){ createProcurementRoute(input: $input) { procurementRoute { id regime eligibleNations } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
  const route = (reference: string, eligibleNations: string[]) => ({
    reference,
    name: 'Scottish roads framework',
    kind: 'FRAMEWORK',
    regime: 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015',
    ownerId: demoOrganisation('transport-scotland').id,
    description: 'Roads innovation for Scottish councils.',
    feePercent: 0,
    eligibleNations,
  });
  const admin = demoPersona('platform-admin').email;

  test('serve Scotland only: another nation is refused with nothing created, Scotland alone is accepted', async () => {
    graph.clock.set('2026-11-30T09:00:00Z');
    const refused = await graph.execute(
      create,
      { input: route('SCOT-1', ['SCOTLAND', 'ENGLAND']) },
      `Bearer ${await graph.tokenFor(admin)}`,
    );
    expect(refusalOf(refused)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'eligibleNations' });
    expect((await ok(create, { input: route('SCOT-1', ['SCOTLAND']) }, admin)).createProcurementRoute.procurementRoute).toMatchObject({
      regime: 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015',
      eligibleNations: ['SCOTLAND'],
    });
  });
});
