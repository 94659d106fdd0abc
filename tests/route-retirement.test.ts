import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPeople, demoPersonaPeople } from '../demo-data/people';
import { demoPersona } from '../demo-data/personas';
import { demoReferenceDay } from '../demo-data/procurement-routes';
import {
  catalogueForDueNotices,
  createRouteRetirementJob,
  emitDueRetirementNotices,
} from '../subgraphs/procurement/services/route-retirement';
import { deliverDomainEvents } from './support/domain-events';
import { changed, refusalFields } from './support/further-competition';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { expectData, signInAll, type UntypedData } from './support/graphql-results';

/**
 * Issue 25 item 7 through the gateway, on the graph's ManualClock: procurement's `route-retirement`
 * job tells suppliers whose innovations lose their last route, and buyers whose shortlisted
 * innovations can be bought through no remaining route open to them, 60 and 14 days before a route
 * expires and on the day; once however often it ticks; never for an expiry that was moved.
 *
 * The demo framework RM6302 (surfacing and pothole repair, England and Wales) expires on Monday
 * 31 May 2027 (the Spring bank holiday) when seeded on the demo's reference day. Resurface Tech is admitted to the DPS RM6301 for the same categories, which stays
 * live: it loses nothing. Pothole Pro is suspended on RM6301: RM6302 is its last route for pothole
 * repair.
 */
jest.setTimeout(240_000);

let graph: TestGraph;
const personas = ['kent-buyer', 'cardiff-buyer', 'platform-admin'] as const;
let header: (persona: (typeof personas)[number]) => string;
const ok = async (query: string, variables: Record<string, unknown>, authorization: string) =>
  expectData(await graph.execute<UntypedData>(query, variables, authorization));

const resurface = demoOrganisation('resurface-tech').id;
const potholePro = demoOrganisation('pothole-pro').id;
const kent = demoOrganisation('kent').id;
const gritSmart = demoOrganisation('grit-smart').id;
const rm6302 = demoId('procurement-route', 'RM6302');
const everyone = [...demoPeople, ...demoPersonaPeople];
/** The people of `organisationId` holding one of `roles`, as audience.ts addresses them. */
const peopleOf = (organisationId: string, roles: readonly string[]) =>
  everyone
    .filter((p) => p.organisationId === organisationId && p.organisationRoles.some((role) => roles.includes(role)))
    .map((p) => p.id)
    .sort();
const suppliersTeam = ['ORG_ADMIN', 'SUPPLIER_CONTRIBUTOR'];
const buyersTeam = ['ORG_ADMIN', 'BUYER'];

/** One replica's job, never started: the tests tick it by hand, at the clock's time. */
const retirementJob = () =>
  createRouteRetirementJob({
    dataSource: graph.databases.procurement.dataSource,
    clock: graph.clock,
    innovations: graph.procurementInnovations,
  });
async function tickAt(at: string): Promise<void> {
  graph.clock.set(at);
  expect(await retirementJob().runOnce()).toBe(true);
  await deliverDomainEvents(graph);
}

/** The `route.retiring` events procurement recorded about a route, oldest first. */
async function retiringEvents(routeId: string): Promise<{ daysBefore: number; expiresOn: string; suppliers: any[]; projects: any[] }[]> {
  const rows = (await graph.databases.procurement.dataSource.query(
    `SELECT facts FROM procurement.outbox_event WHERE kind = 'route.retiring' AND subject_id = $1 ORDER BY sequence`,
    [routeId],
  )) as { facts: any }[];
  return rows.map((row) => (typeof row.facts === 'string' ? JSON.parse(row.facts) : row.facts));
}

/** Who holds a ROUTE_RETIRING notice about `routeId` with `title`, from the inbox. */
async function told(routeId: string, title: string): Promise<string[]> {
  const rows = (await graph.databases.notifications.dataSource.query(
    `SELECT person_id FROM notifications.notification WHERE kind = 'ROUTE_RETIRING' AND subject_id = $1 AND title = $2 ORDER BY person_id`,
    [routeId, title],
  )) as { person_id: string }[];
  return rows.map((row) => row.person_id);
}

let potholeProInnovation: string;
let potholeProTitle: string;
let resurfaceInnovation: string;
let kentProject: string;
let kentProjectVersion: number;
let cardiffProject: string;
const draftProject = async (persona: (typeof personas)[number], title: string, innovationIds: string[]) =>
  changed<{ id: string; version: number }>(
    await graph.execute<UntypedData>(
      `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id version } ${refusalFields} } }`,
      {
        input: {
          title,
          need: 'Permanent repairs to 1,500 potholes a year.',
          budget: 120000,
          lotId: demoId('lot', 'RM6302/2'),
          procedure: 'FURTHER_COMPETITION',
          innovationIds,
          criteria: [
            { name: 'Quality', weight: 60 },
            { name: 'Price', weight: 40 },
          ],
        },
      },
      header(persona),
    ),
    'createProcurementProject',
    'procurementProject',
  );
beforeAll(async () => {
  // The seed moves demo routes' dates on by the days since `demoReferenceDay`: started on it, RM6302 expires on 31 May 2027.
  graph = await startTestGraph({ now: `${demoReferenceDay}T10:00:00Z` });
  header = await signInAll(graph, personas);
  const found = await ok(
    `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR] }) { edges { node { id title category supplier { id } } } } }`,
    {},
    header('kent-buyer'),
  );
  const nodes = found.innovations.edges.map((e: any) => e.node);
  const potholePros = nodes.find((n: any) => n.supplier.id === potholePro);
  potholeProInnovation = potholePros.id;
  potholeProTitle = potholePros.title;
  resurfaceInnovation = nodes.find((n: any) => n.supplier.id === resurface).id;
  // Kent drafts a call-off on RM6302's pothole lot shortlisting both suppliers' innovations.
  ({ id: kentProject, version: kentProjectVersion } = await draftProject('kent-buyer', 'Pothole repairs, north Kent', [
    potholeProInnovation,
    resurfaceInnovation,
  ]));
  // Cardiff (Wales) shortlists only Resurface's, which it can still buy through RM6301 (open to every nation).
  cardiffProject = (await draftProject('cardiff-buyer', 'Pothole repairs, Cardiff suburbs', [resurfaceInnovation])).id;
  await deliverDomainEvents(graph);
});
afterAll(async () => {
  await graph?.stop();
});

async function limitRm6301To(eligibleOrganisationKinds: string[]): Promise<void> {
  const rm6301 = demoId('procurement-route', 'RM6301');
  const { procurementRoute } = await ok(
    `query($id: ID!){ procurementRoute(id: $id) { version } }`,
    { id: rm6301 },
    header('platform-admin'),
  );
  changed(
    await graph.execute<UntypedData>(
      `mutation($input: UpdateProcurementRouteInput!){ updateProcurementRoute(input: $input) { procurementRoute { id } ${refusalFields} } }`,
      { input: { routeId: rm6301, version: procurementRoute.version, eligibleOrganisationKinds } },
      header('platform-admin'),
    ),
    'updateProcurementRoute',
    'procurementRoute',
  );
}

describe('RM6302, expiring on Monday 31 May 2027', () => {
  const before = 'Route expires on Monday 31 May 2027: RM6302';

  it('nothing before the 60-day notice’s day, nor before 09:00 on it', async () => {
    await tickAt('2027-03-31T10:00:00Z');
    await tickAt('2027-04-01T08:59:00Z');
    expect(await retiringEvents(rm6302)).toEqual([]);
  });

  it('a notice the catalogue was not asked about, or with a supplier it was not asked about, waits for the next tick', async () => {
    const at = new Date('2027-04-01T09:00:00Z');
    const { dataSource } = graph.databases.procurement;
    const prepared = await catalogueForDueNotices(dataSource.manager, graph.procurementInnovations, at);
    expect(prepared.suppliersAsked).toContain(potholePro);
    const notAsked = { notices: new Set<string>(), suppliersAsked: new Set<string>(), bySupplier: new Map() };
    expect(await dataSource.transaction((manager) => emitDueRetirementNotices(manager, at, notAsked))).toEqual([]);
    const withoutPotholePro = { ...prepared, suppliersAsked: new Set([...prepared.suppliersAsked].filter((id) => id !== potholePro)) };
    expect(await dataSource.transaction((manager) => emitDueRetirementNotices(manager, at, withoutPotholePro))).toEqual([]);
    expect(await retiringEvents(rm6302)).toEqual([]);
    expect(await dataSource.query(`SELECT 1 FROM procurement.route_retirement_notice WHERE route_id = $1`, [rm6302])).toEqual([]);
  });

  it('60 days before: the supplier losing its last route and the buyer whose shortlist loses it, never a supplier with another live route', async () => {
    await tickAt('2027-04-01T09:00:00Z');
    const [event, ...more] = await retiringEvents(rm6302);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ daysBefore: 60, expiresOn: '2027-05-31' });
    const suppliers = event!.suppliers.map((s) => s.supplierOrganisationId);
    expect(suppliers).toContain(potholePro);
    expect(suppliers).not.toContain(resurface);
    const potholeProLoses = event!.suppliers.find((s) => s.supplierOrganisationId === potholePro);
    expect(potholeProLoses.categories).toEqual(['POTHOLE_REPAIR']);
    expect(potholeProLoses.innovations).toContainEqual({ innovationId: potholeProInnovation, title: potholeProTitle });
    // Nor an innovation in a category the route does not cover (Pothole Pro's asset data is not lost).
    expect(potholeProLoses.innovations.every((i: any) => i.innovationId !== resurfaceInnovation)).toBe(true);
    // Only Pothole Pro's innovation: Resurface's can still be bought through RM6301, open to Kent.
    expect(event!.projects).toContainEqual({
      projectId: kentProject,
      projectTitle: 'Pothole repairs, north Kent',
      buyerOrganisationId: kent,
      innovations: [{ innovationId: potholeProInnovation, title: potholeProTitle }],
    });
    // A project whose every shortlisted innovation stays buyable through a route open to the buyer: not named.
    expect(event!.projects.map((p) => p.projectId)).not.toContain(cardiffProject);

    const potholeProTeam = peopleOf(potholePro, suppliersTeam);
    const kentTeam = peopleOf(kent, buyersTeam);
    expect(potholeProTeam.length).toBeGreaterThan(0);
    const toldNow = await told(rm6302, before);
    expect(toldNow).toEqual(expect.arrayContaining([...potholeProTeam, ...kentTeam]));
    for (const person of peopleOf(resurface, ['ORG_ADMIN', 'SUPPLIER_CONTRIBUTOR', 'VIEWER', 'BUYER'])) {
      expect(toldNow).not.toContain(person);
    }
    const inbox = await ok(
      `{ viewer { person { notifications(first: 20) { edges { node { kind title body link subject { typename id } } } } } } }`,
      {},
      header('kent-buyer'),
    );
    const notice = inbox.viewer.person.notifications.edges.map((e: any) => e.node).find((n: any) => n.kind === 'ROUTE_RETIRING');
    expect(notice).toEqual({
      kind: 'ROUTE_RETIRING',
      title: before,
      body: expect.stringContaining(`on Pothole repairs, north Kent, ${potholeProTitle}`),
      link: `/procurement/routes/${rm6302}`,
      subject: { typename: 'ProcurementRoute', id: rm6302 },
    });
  });

  it('a second tick, and another replica’s, emit nothing more', async () => {
    await tickAt('2027-04-01T09:01:00Z');
    expect(await retirementJob().runOnce()).toBe(true);
    await tickAt('2027-04-20T09:00:00Z');
    expect((await retiringEvents(rm6302)).map((e) => e.daysBefore)).toEqual([60]);
  });

  it('14 days before, on Monday 17 May, once with two replicas ticking together; a project cancelled meanwhile is not named', async () => {
    graph.clock.set('2027-05-10T10:00:00Z');
    changed(
      await graph.execute<UntypedData>(
        `mutation($input: CancelProcurementProjectInput!){ cancelProcurementProject(input: $input) { procurementProject { id } ${refusalFields} } }`,
        { input: { projectId: kentProject, version: kentProjectVersion, reason: 'Budget moved to next year.' } },
        header('kent-buyer'),
      ),
      'cancelProcurementProject',
      'procurementProject',
    );
    // RM6301 now admits county councils only: Kent can still buy Resurface's innovation through it, Cardiff (a Welsh council) cannot.
    await limitRm6301To(['COUNTY_COUNCIL']);
    await tickAt('2027-05-16T09:00:00Z');
    expect((await retiringEvents(rm6302)).map((e) => e.daysBefore)).toEqual([60]);
    graph.clock.set('2027-05-17T09:00:00Z');
    // Two replicas at once: one holds the lock (on PostgreSQL the other skips the tick), or they run in turn.
    const ran = await Promise.all([retirementJob().runOnce(), retirementJob().runOnce()]);
    expect(ran).toContain(true);
    await tickAt('2027-05-17T12:00:00Z');
    const events = await retiringEvents(rm6302);
    expect(events.map((e) => e.daysBefore)).toEqual([60, 14]);
    expect(events[1]!.suppliers.map((s) => s.supplierOrganisationId)).toContain(potholePro);
    expect(events[1]!.projects.map((p) => p.projectId)).not.toContain(kentProject);
    expect(events[1]!.projects).toContainEqual({
      projectId: cardiffProject,
      projectTitle: 'Pothole repairs, Cardiff suburbs',
      buyerOrganisationId: demoOrganisation('cardiff').id,
      innovations: [{ innovationId: resurfaceInnovation, title: expect.any(String) }],
    });
    // Resurface itself stays admitted to a live route: suppliers are told of routes, not of buyers' eligibility.
    expect(events[1]!.suppliers.map((s) => s.supplierOrganisationId)).not.toContain(resurface);
    const cardiffNotices = (await graph.databases.notifications.dataSource.query(
      `SELECT body FROM notifications.notification WHERE kind = 'ROUTE_RETIRING' AND subject_id = $1 AND person_id = $2 AND body LIKE '%Cardiff suburbs%'`,
      [rm6302, demoPersona('cardiff-buyer').id],
    )) as { body: string }[];
    expect(cardiffNotices).toHaveLength(1);
    const kentNotices = (await graph.databases.notifications.dataSource.query(
      `SELECT body FROM notifications.notification WHERE kind = 'ROUTE_RETIRING' AND subject_id = $1 AND title = $2 AND person_id = $3`,
      [rm6302, 'Route expires on Monday 31 May 2027: RM6302', demoPersona('kent-buyer').id],
    )) as { body: string }[];
    expect(kentNotices).toHaveLength(2);
    expect(kentNotices.filter((n) => n.body.includes('north Kent'))).toHaveLength(1);
    await limitRm6301To([]);
  });

  it('on the day it expires (a bank holiday: the day is the day), and never after', async () => {
    await tickAt('2027-05-30T09:00:00Z');
    await tickAt('2027-05-31T09:00:00Z');
    await tickAt('2027-06-01T09:00:00Z');
    const events = await retiringEvents(rm6302);
    expect(events.map((e) => e.daysBefore)).toEqual([60, 14, 0]);
    expect(events[2]!.suppliers.map((s) => s.supplierOrganisationId)).toContain(potholePro);
    expect(await told(rm6302, 'Route expired today: RM6302')).toEqual(expect.arrayContaining(peopleOf(potholePro, suppliersTeam)));
  });
});

describe('a route whose expiry is extended, then closed early', () => {
  let route: { id: string; version: number };
  /** Grit Smart sells gritting innovations, which no live route covers (its SBRI admission was never decided). */
  let gritSmartAdmin: string;
  let gritSmartWinter: { innovationId: string; title: string }[];
  const winterLot = async () => {
    const lot = changed<{ id: string }>(
      await graph.execute<UntypedData>(
        `mutation($input: CreateLotInput!){ createLot(input: $input) { lot { id } ${refusalFields} } }`,
        {
          input: {
            routeId: route.id,
            title: 'Winter service innovation',
            scope: 'Gritting and snow clearance.',
            categories: ['WINTER_SERVICE'],
            awardProcedures: ['FURTHER_COMPETITION'],
          },
        },
        header('platform-admin'),
      ),
      'createLot',
      'lot',
    );
    const admission = changed<{ id: string; version: number }>(
      await graph.execute<UntypedData>(
        `mutation($input: ApplyForAdmissionInput!){ applyForAdmission(input: $input) { admission { id version } ${refusalFields} } }`,
        { input: { lotId: lot.id, exclusionGroundsApply: false } },
        gritSmartAdmin,
      ),
      'applyForAdmission',
      'admission',
    );
    changed(
      await graph.execute<UntypedData>(
        `mutation($input: DecideAdmissionInput!){ decideAdmission(input: $input) { admission { id } ${refusalFields} } }`,
        { input: { admissionId: admission.id, decision: 'ADMITTED', reason: 'Meets the lot’s criteria.', version: admission.version } },
        header('platform-admin'),
      ),
      'decideAdmission',
      'admission',
    );
  };
  const updateRoute = async (input: Record<string, unknown>) => {
    route = changed<{ id: string; version: number }>(
      await graph.execute<UntypedData>(
        `mutation($input: UpdateProcurementRouteInput!){ updateProcurementRoute(input: $input) { procurementRoute { id version } ${refusalFields} } }`,
        { input: { routeId: route.id, version: route.version, ...input } },
        header('platform-admin'),
      ),
      'updateProcurementRoute',
      'procurementRoute',
    );
  };

  beforeAll(async () => {
    const admin = demoPeople.find((p) => p.organisationId === gritSmart && p.organisationRoles.includes('ORG_ADMIN'))!;
    gritSmartAdmin = `Bearer ${await graph.tokenFor(admin.email)}`;
    const listed = await ok(
      `query($s: [ID!]){ innovations(first: 100, orderBy: TITLE, filter: { statuses: [APPROVED], categories: [WINTER_SERVICE], supplierIds: $s }) { edges { node { id title } } } }`,
      { s: [gritSmart] },
      header('platform-admin'),
    );
    gritSmartWinter = listed.innovations.edges.map((e: any) => ({ innovationId: e.node.id, title: e.node.title }));
    expect(gritSmartWinter.length).toBeGreaterThan(0);
    graph.clock.set('2027-06-01T10:00:00Z');
    route = changed<{ id: string; version: number }>(
      await graph.execute<UntypedData>(
        `mutation($input: CreateProcurementRouteInput!){ createProcurementRoute(input: $input) { procurementRoute { id version } ${refusalFields} } }`,
        {
          input: {
            reference: 'RM6397',
            name: 'Winter Service Dynamic Purchasing System',
            kind: 'DYNAMIC_PURCHASING_SYSTEM',
            regime: 'PROCUREMENT_ACT_2023',
            ownerId: demoOrganisation('ccs').id,
            description: 'Gritting and snow clearance innovation.',
            feePercent: 1,
            eligibleNations: ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND'],
            opensOn: '2027-06-01',
            startsOn: '2027-06-01',
            expiresOn: '2027-09-30',
          },
        },
        header('platform-admin'),
      ),
      'createProcurementRoute',
      'procurementRoute',
    );
    await winterLot();
  });

  it('an expiry extended before the notice’s day cancels it; the new expiry is told on its own days', async () => {
    // The notice for Thursday 30 September would go on Friday 30 July (1 August is a Sunday).
    graph.clock.set('2027-07-01T10:00:00Z');
    await updateRoute({ expiresOn: '2027-12-31' });
    await tickAt('2027-07-30T09:00:00Z');
    await tickAt('2027-09-30T09:00:00Z');
    expect(await retiringEvents(route.id)).toEqual([]);
    await tickAt('2027-11-01T09:00:00Z');
    const events = await retiringEvents(route.id);
    expect(events).toEqual([
      {
        routeId: route.id,
        routeReference: 'RM6397',
        routeName: 'Winter Service Dynamic Purchasing System',
        expiresOn: '2027-12-31',
        daysBefore: 60,
        suppliers: [{ supplierOrganisationId: gritSmart, categories: ['WINTER_SERVICE'], innovations: gritSmartWinter }],
        projects: [],
      },
    ]);
    expect(await told(route.id, 'Route expires on Friday 31 December 2027: RM6397')).toEqual(peopleOf(gritSmart, suppliersTeam));
  });

  it('closed early by staff: told on the day, at the next tick', async () => {
    graph.clock.set('2027-11-10T08:00:00Z');
    await updateRoute({ status: 'EXPIRED' });
    await tickAt('2027-11-10T09:00:00Z');
    expect((await retiringEvents(route.id)).map((e) => [e.daysBefore, e.expiresOn])).toEqual([
      [60, '2027-12-31'],
      [0, '2027-11-10'],
    ]);
    expect(await told(route.id, 'Route expired today: RM6397')).toEqual(peopleOf(gritSmart, suppliersTeam));
  });
});
