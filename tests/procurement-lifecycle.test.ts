import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { codesOf, expectData, refusalOf } from './support/graphql-results';

/**
 * A route's lifecycle through the gateway, driven only by its dates and the test's clock:
 * COMING → OPEN → PENDING → STANDSTILL → LIVE → EXPIRED, with applications accepted by rule,
 * admissions decided and listed by who may see them, buying allowed only while LIVE and only for
 * eligible nations and organisation kinds; then a framework buyer's selection of suppliers on publish.
 */
let graph: TestGraph;
const token: Record<string, string> = {};
const personas = ['kent-buyer', 'cardiff-buyer', 'resurface-admin', 'potholepro-contributor', 'platform-admin', 'leeds-viewer'];
const kent = demoOrganisation('kent');
const resurface = demoOrganisation('resurface-tech');
const potholePro = demoOrganisation('pothole-pro');

async function execute(query: string, variables: Record<string, unknown> = {}, persona?: string) {
  return graph.execute<any>(query, variables, persona ? token[persona] : undefined);
}
/** The data of a query, or of a change that was made: neither an error nor a refusal. */
async function ok(query: string, variables: Record<string, unknown> = {}, persona?: string): Promise<any> {
  const result = await execute(query, variables, persona);
  if (codesOf(result).length) throw new Error(JSON.stringify(result.errors ?? result.data));
  return expectData(result);
}
/** The refusal of a change that must be refused (the payload's `refusal`, or the error of an anonymous caller). */
async function fails(query: string, variables: Record<string, unknown>, persona?: string) {
  return refusalOf(await execute(query, variables, persona));
}
const at = (day: string) => graph.clock.set(`${day}T09:00:00Z`);

const createRoute = `mutation($input: CreateProcurementRouteInput!){ createProcurementRoute(input: $input) { procurementRoute { id status version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const updateRoute = `mutation($input: UpdateProcurementRouteInput!){ updateProcurementRoute(input: $input) { procurementRoute { status version opensOn applicationsCloseOn standstillStartsOn startsOn expiresOn } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const createLot = `mutation($input: CreateLotInput!){ createLot(input: $input) { lot { id number version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const updateLot = `mutation($input: UpdateLotInput!){ updateLot(input: $input) { lot { title awardProcedures version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const apply = `mutation($lotId: ID!){ applyForAdmission(input: { lotId: $lotId, exclusionGroundsApply: false }) { admission { id status version supplier { id } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const decide = `mutation($input: DecideAdmissionInput!){ decideAdmission(input: $input) { admission { status version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const admissions = `query($filter: AdmissionFilter){ admissions(first: 100, filter: $filter) { totalCount edges { node { id status supplier { id } lot { number } } } } }`;
const createProject = `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const publish = `mutation($input: PublishProcurementProjectInput!){ publishProcurementProject(input: $input) { procurementProject { status version invitedSuppliers { id } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const routeStatus = `query($id: ID!){ procurementRoute(id: $id) { status lots { admittedSuppliers { id } } } }`;
const availableVia = `query($id: ID!){ innovation(id: $id) { availableVia { reference } } }`;

async function approvedInnovation(supplierId: string, category: string): Promise<string> {
  const data = await ok(
    `query($c:[InnovationCategory!]){ innovations(first: 100, filter: { statuses: [APPROVED], categories: $c }) { edges { node { id supplier { id } } } } }`,
    { c: [category] },
  );
  return data.innovations.edges.find((e: any) => e.node.supplier.id === supplierId).node.id;
}

/** References of the routes in a status, checking the total counts the same rows as the page. */
async function referencesIn(status: string): Promise<string[]> {
  const data = await ok(
    `query($s: [RouteStatus!]){ procurementRoutes(first: 100, filter: { statuses: $s }) { totalCount edges { node { reference status } } } }`,
    { s: [status] },
  );
  expect(data.procurementRoutes.totalCount).toBe(data.procurementRoutes.edges.length);
  expect(data.procurementRoutes.edges.every((e: any) => e.node.status === status)).toBe(true);
  return data.procurementRoutes.edges.map((e: any) => e.node.reference);
}

beforeAll(async () => {
  graph = await startTestGraph();
  for (const persona of personas) token[persona] = `Bearer ${await graph.tokenFor(demoPersona(persona).email)}`;
});
afterAll(async () => {
  await graph?.stop();
});

describe('applications follow the kind of route', () => {
  test('a DPS takes applications while LIVE; a LIVE framework does not', async () => {
    // Resurface sells no asset data, so it has never applied to RM6301 lot 3 (a DPS lot).
    const applied = (await ok(apply, { lotId: demoId('lot', 'RM6301/3') }, 'resurface-admin')).applyForAdmission.admission;
    expect(applied).toMatchObject({ status: 'APPLIED', supplier: { id: resurface.id } });
    // Pothole Pro sells no surfacing, so it has never applied to RM6302 lot 1 (a framework lot).
    expect(await fails(apply, { lotId: demoId('lot', 'RM6302/1') }, 'potholepro-contributor')).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'LIVE',
    });
  });
});

describe('a framework buyer may choose whom to invite; a DPS invites everyone', () => {
  test('publishing to a selection of the admitted suppliers, and refusing one that is not admitted', async () => {
    const innovationId = await approvedInnovation(resurface.id, 'POTHOLE_REPAIR');
    const input = {
      title: 'Selective call-off',
      need: 'A need.',
      budget: 50000,
      procedure: 'FURTHER_COMPETITION',
      innovationIds: [innovationId],
      criteria: [{ name: 'Quality', weight: 100 }],
    };
    const framework = (await ok(createProject, { input: { ...input, lotId: demoId('lot', 'RM6302/2') } }, 'kent-buyer'))
      .createProcurementProject.procurementProject;
    const deadlines = { clarificationWorkingDays: 2, responseWorkingDays: 5 };
    expect(
      await fails(
        publish,
        { input: { projectId: framework.id, version: 1, ...deadlines, supplierIds: [resurface.id, kent.id] } },
        'kent-buyer',
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(
      await fails(publish, { input: { projectId: framework.id, version: 1, ...deadlines, supplierIds: [] } }, 'kent-buyer'),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
    // Nothing changed on the refusals: the project is still at version 1.
    const published = (
      await ok(publish, { input: { projectId: framework.id, version: 1, ...deadlines, supplierIds: [resurface.id] } }, 'kent-buyer')
    ).publishProcurementProject.procurementProject;
    expect(published).toEqual({ status: 'PUBLISHED', version: 2, invitedSuppliers: [{ id: resurface.id }] });
    // Pothole Pro is admitted to the lot but was not chosen: it is not invited, so it cannot respond.
    const respond = `mutation($input: SubmitResponseInput!){ submitResponse(input: $input) { procurementResponse { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    expect(await fails(respond, { input: { projectId: framework.id, proposal: 'x', price: 100 } }, 'potholepro-contributor')).toMatchObject(
      { code: 'FORBIDDEN' },
    );

    const dps = (await ok(createProject, { input: { ...input, lotId: demoId('lot', 'RM6301/1') } }, 'kent-buyer')).createProcurementProject
      .procurementProject;
    expect(
      await fails(publish, { input: { projectId: dps.id, version: 1, ...deadlines, supplierIds: [resurface.id] } }, 'kent-buyer'),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
    const all = (await ok(publish, { input: { projectId: dps.id, version: 1, ...deadlines } }, 'kent-buyer')).publishProcurementProject
      .procurementProject;
    const admitted = (await ok(routeStatus, { id: demoId('procurement-route', 'RM6301') })).procurementRoute.lots[0].admittedSuppliers;
    expect(all.invitedSuppliers.map((s: any) => s.id).sort()).toEqual(admitted.map((s: any) => s.id).sort());
  });
});

describe('staff edit lots', () => {
  test('with optimistic locking, and a DPS lot stays further competition only', async () => {
    const lotId = demoId('lot', 'RM6301/2');
    expect(
      await fails(updateLot, { input: { lotId, version: 1, awardProcedures: ['DIRECT_AWARD', 'FURTHER_COMPETITION'] } }, 'platform-admin'),
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await fails(updateLot, { input: { lotId, version: 1, title: 'Renamed' } }, 'kent-buyer')).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      (await ok(updateLot, { input: { lotId, version: 1, title: 'Drainage and structures' } }, 'platform-admin')).updateLot.lot,
    ).toEqual({
      title: 'Drainage and structures',
      awardProcedures: ['FURTHER_COMPETITION'],
      version: 2,
    });
    expect(await fails(updateLot, { input: { lotId, version: 1, title: 'Stale' } }, 'platform-admin')).toMatchObject({
      code: 'CONFLICT',
      currentVersion: 2,
    });
  });
});

describe('a framework moves through its lifecycle as the clock passes its dates', () => {
  let routeId: string;
  let lotId: string;
  let resurfaceAdmission: { id: string; version: number };
  let potholeAdmission: { id: string; version: number };
  let innovationId: string;
  const dates = {
    opensOn: '2026-12-07',
    applicationsCloseOn: '2027-01-11',
    standstillStartsOn: '2027-02-01',
    startsOn: '2027-02-15',
    expiresOn: '2028-02-15',
  };

  test('COMING: created by staff with dates in lifecycle order; no applications yet', async () => {
    const input = {
      reference: 'RM6500',
      name: 'County Pothole Framework',
      kind: 'FRAMEWORK',
      regime: 'PROCUREMENT_ACT_2023',
      ownerId: kent.id,
      description: 'Pothole repair for county councils.',
      feePercent: 0.5,
      eligibleNations: ['ENGLAND', 'WALES'],
      eligibleOrganisationKinds: ['COUNTY_COUNCIL'],
    };
    expect(await fails(createRoute, { input: { ...input, ...dates, startsOn: '2027-01-20' } }, 'platform-admin')).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(await fails(createRoute, { input: { ...input, kind: 'DYNAMIC_PURCHASING_SYSTEM', ...dates } }, 'platform-admin')).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    const route = (await ok(createRoute, { input: { ...input, ...dates } }, 'platform-admin')).createProcurementRoute.procurementRoute;
    expect(route).toMatchObject({ status: 'COMING', version: 1 });
    routeId = route.id;
    lotId = (
      await ok(
        createLot,
        {
          input: {
            routeId,
            title: 'Potholes',
            scope: 'Permanent repairs.',
            categories: ['POTHOLE_REPAIR'],
            awardProcedures: ['DIRECT_AWARD', 'FURTHER_COMPETITION'],
          },
        },
        'platform-admin',
      )
    ).createLot.lot.id;
    expect(await referencesIn('COMING')).toContain('RM6500');
    expect(await fails(apply, { lotId }, 'resurface-admin')).toMatchObject({ code: 'CONFLICT', currentStatus: 'COMING' });
    // Dates out of order on an edit are refused, and a stale version is a conflict.
    expect(await fails(updateRoute, { input: { routeId, version: 1, expiresOn: '2027-02-01' } }, 'platform-admin')).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(await fails(updateRoute, { input: { routeId, version: 2, name: 'x' } }, 'platform-admin')).toMatchObject({
      code: 'CONFLICT',
      currentVersion: 1,
    });
  });

  test('OPEN from opensOn: suppliers apply, and each sees only its own application', async () => {
    at(dates.opensOn);
    expect(await referencesIn('OPEN')).toContain('RM6500');
    expect(await referencesIn('COMING')).not.toContain('RM6500');
    resurfaceAdmission = (await ok(apply, { lotId }, 'resurface-admin')).applyForAdmission.admission;
    potholeAdmission = (await ok(apply, { lotId }, 'potholepro-contributor')).applyForAdmission.admission;
    const seen = async (persona?: string) => (await ok(admissions, { filter: { routeId } }, persona)).admissions;
    expect((await seen('platform-admin')).totalCount).toBe(2);
    expect((await seen('resurface-admin')).edges.map((e: any) => e.node)).toEqual([
      { id: resurfaceAdmission.id, status: 'APPLIED', supplier: { id: resurface.id }, lot: { number: 1 } },
    ]);
    expect((await seen('potholepro-contributor')).edges.map((e: any) => e.node.supplier.id)).toEqual([potholePro.id]);
    expect(await seen()).toEqual({ totalCount: 0, edges: [] });
    expect((await seen('kent-buyer')).totalCount).toBe(0);
  });

  test('PENDING from applicationsCloseOn: applications are closed; staff decide', async () => {
    at(dates.applicationsCloseOn);
    expect((await ok(routeStatus, { id: routeId })).procurementRoute.status).toBe('PENDING');
    const rejected = (
      await ok(
        decide,
        {
          input: {
            admissionId: potholeAdmission.id,
            decision: 'REJECTED',
            reason: 'Insurance too low.',
            version: potholeAdmission.version,
          },
        },
        'platform-admin',
      )
    ).decideAdmission.admission;
    expect(rejected.status).toBe('REJECTED');
    // A rejected supplier may apply again, but not once applications have closed.
    expect(await fails(apply, { lotId }, 'potholepro-contributor')).toMatchObject({ code: 'CONFLICT', currentStatus: 'PENDING' });
    expect(
      await fails(
        decide,
        { input: { admissionId: resurfaceAdmission.id, decision: 'ADMITTED', version: resurfaceAdmission.version } },
        'resurface-admin',
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    const admitted = (
      await ok(
        decide,
        { input: { admissionId: resurfaceAdmission.id, decision: 'ADMITTED', version: resurfaceAdmission.version } },
        'platform-admin',
      )
    ).decideAdmission.admission;
    expect(admitted).toEqual({ status: 'ADMITTED', version: resurfaceAdmission.version + 1 });
    resurfaceAdmission.version = admitted.version;
    expect((await ok(admissions, { filter: { routeId, statuses: ['ADMITTED'] } })).admissions.totalCount).toBe(1);
  });

  test('STANDSTILL from standstillStartsOn: buyers cannot buy yet', async () => {
    at(dates.standstillStartsOn);
    expect(await referencesIn('STANDSTILL')).toContain('RM6500');
    innovationId = await approvedInnovation(resurface.id, 'POTHOLE_REPAIR');
    const input = { title: 'Potholes', need: 'Fix them.', budget: 10000, lotId, procedure: 'DIRECT_AWARD', innovationIds: [innovationId] };
    expect(await fails(createProject, { input }, 'kent-buyer')).toMatchObject({ code: 'CONFLICT', currentStatus: 'STANDSTILL' });
  });

  test('LIVE from startsOn: an eligible buyer buys; a buyer of another organisation kind may not, and is not told of the route', async () => {
    at(dates.startsOn);
    expect(await referencesIn('LIVE')).toContain('RM6500');
    const input = { title: 'Potholes', need: 'Fix them.', budget: 10000, lotId, procedure: 'DIRECT_AWARD', innovationIds: [innovationId] };
    // Cardiff is in an eligible nation (Wales) but is not a county council.
    expect(await fails(createProject, { input }, 'cardiff-buyer')).toMatchObject({ code: 'FORBIDDEN' });
    expect((await ok(createProject, { input }, 'kent-buyer')).createProcurementProject.procurementProject.version).toBe(1);
    const via = async (persona?: string) =>
      (await ok(availableVia, { id: innovationId }, persona)).innovation.availableVia.map((r: any) => r.reference);
    expect(await via('kent-buyer')).toContain('RM6500');
    expect(await via()).toContain('RM6500');
    expect(await via('cardiff-buyer')).not.toContain('RM6500');
    // A LIVE framework takes no new applications.
    expect(await fails(apply, { lotId }, 'potholepro-contributor')).toMatchObject({ code: 'CONFLICT', currentStatus: 'LIVE' });
  });

  test('LIVE: staff suspend an admitted supplier (with a reason) and reinstate it', async () => {
    const suspend = { admissionId: resurfaceAdmission.id, decision: 'SUSPENDED', version: resurfaceAdmission.version };
    expect(await fails(decide, { input: suspend }, 'platform-admin')).toMatchObject({ code: 'BAD_USER_INPUT' });
    const suspended = (await ok(decide, { input: { ...suspend, reason: 'Insurance lapsed.' } }, 'platform-admin')).decideAdmission
      .admission;
    expect(suspended.status).toBe('SUSPENDED');
    expect((await ok(routeStatus, { id: routeId })).procurementRoute.lots[0].admittedSuppliers).toEqual([]);
    expect((await ok(availableVia, { id: innovationId }, 'kent-buyer')).innovation.availableVia.map((r: any) => r.reference)).not.toContain(
      'RM6500',
    );
    // The supplier sees its own suspension; the public does not.
    expect((await ok(admissions, { filter: { routeId } }, 'resurface-admin')).admissions.edges.map((e: any) => e.node.status)).toEqual([
      'SUSPENDED',
    ]);
    expect((await ok(admissions, { filter: { routeId } })).admissions.totalCount).toBe(0);
    const input = { title: 'Potholes', need: 'Fix them.', budget: 10000, lotId, procedure: 'DIRECT_AWARD', innovationIds: [innovationId] };
    expect(await fails(createProject, { input }, 'kent-buyer')).toMatchObject({ code: 'BAD_USER_INPUT' });
    const reinstated = (
      await ok(
        decide,
        { input: { admissionId: resurfaceAdmission.id, decision: 'ADMITTED', version: suspended.version } },
        'platform-admin',
      )
    ).decideAdmission.admission;
    expect(reinstated.status).toBe('ADMITTED');
    resurfaceAdmission.version = reinstated.version;
    expect((await ok(admissions, { filter: { routeId } })).admissions.totalCount).toBe(1);
  });

  test('EXPIRED from expiresOn: admissions expire with the route; no buying, no decisions, no lot edits', async () => {
    at(dates.expiresOn);
    expect(await referencesIn('EXPIRED')).toContain('RM6500');
    expect((await ok(routeStatus, { id: routeId })).procurementRoute.lots[0].admittedSuppliers).toEqual([]);
    const mine = (await ok(admissions, { filter: { routeId } }, 'resurface-admin')).admissions.edges.map((e: any) => e.node.status);
    expect(mine).toEqual(['EXPIRED']);
    expect((await ok(admissions, { filter: { routeId, statuses: ['EXPIRED'] } }, 'platform-admin')).admissions.totalCount).toBe(1);
    expect((await ok(availableVia, { id: innovationId }, 'kent-buyer')).innovation.availableVia.map((r: any) => r.reference)).not.toContain(
      'RM6500',
    );
    const input = { title: 'Potholes', need: 'Fix them.', budget: 10000, lotId, procedure: 'DIRECT_AWARD', innovationIds: [innovationId] };
    expect(await fails(createProject, { input }, 'kent-buyer')).toMatchObject({ code: 'CONFLICT', currentStatus: 'EXPIRED' });
    expect(
      await fails(
        decide,
        { input: { admissionId: resurfaceAdmission.id, decision: 'SUSPENDED', reason: 'x', version: resurfaceAdmission.version } },
        'platform-admin',
      ),
    ).toMatchObject({ code: 'CONFLICT', currentStatus: 'EXPIRED' });
    expect(await fails(updateLot, { input: { lotId, version: 1, title: 'Late' } }, 'platform-admin')).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'EXPIRED',
    });
  });

  test('staff move a dynamic route on now, twice in a day, with the date set to today', async () => {
    const input = {
      reference: 'RM6501',
      name: 'Sensors DPS',
      kind: 'DYNAMIC_PURCHASING_SYSTEM',
      regime: 'PROCUREMENT_ACT_2023',
      ownerId: kent.id,
      description: 'Sensors.',
      feePercent: 1,
      eligibleNations: ['ENGLAND'],
    };
    const route = (await ok(createRoute, { input }, 'platform-admin')).createProcurementRoute.procurementRoute;
    expect(await fails(updateRoute, { input: { routeId: route.id, version: 1, status: 'LIVE' } }, 'platform-admin')).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'COMING',
    });
    expect(
      (await ok(updateRoute, { input: { routeId: route.id, version: 1, status: 'OPEN' } }, 'platform-admin')).updateProcurementRoute
        .procurementRoute,
    ).toMatchObject({ status: 'OPEN', version: 2, opensOn: dates.expiresOn });
    expect(await fails(updateRoute, { input: { routeId: route.id, version: 2, status: 'PENDING' } }, 'platform-admin')).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'OPEN',
    });
    expect(
      (await ok(updateRoute, { input: { routeId: route.id, version: 2, status: 'LIVE' } }, 'platform-admin')).updateProcurementRoute
        .procurementRoute,
    ).toMatchObject({ status: 'LIVE', version: 3, startsOn: dates.expiresOn, applicationsCloseOn: null, standstillStartsOn: null });
  });
});
