import { demoOrganisation } from '../../demo-data/organisations';
import { demoAdmissions, demoLots, demoProcurementRoutes } from '../../demo-data/procurement-routes';
import type { Identity } from '../../platform/identity';
import { personaViewer } from '../../tests/support/viewers';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { startTestSubgraph, type TestSubgraph } from '../../tests/support/subgraph-harness';
import type { AdmissionStatus } from './entities/admission.entity';
import { canSeeAdmission } from './policy';
import { seedDemoData } from './seed';
import { procurementSubgraph } from './subgraph';

/**
 * Procurement is public by design (policy.ts): every viewer gets the same routes (COMING ones
 * included), lots and ADMITTED suppliers by every path, and nobody gets a non-ADMITTED admission
 * through these fields. The matrix checks both, per viewer and path. (The dashboard fields that read
 * admissions in every status, a supplier's own and the admins' queue, are checked in dashboards.spec.ts.)
 */
let database: TestDatabase;
let procurement: TestSubgraph;

beforeAll(async () => {
  database = await createTestDatabase();
  procurement = await startTestSubgraph(procurementSubgraph, database.url);
  await seedDemoData(procurement.dataSource);
});
afterAll(async () => {
  await procurement?.stop();
  await database?.drop();
});

const viewers: [name: string, viewer: Identity][] = [
  ['anonymous', null],
  ['supplier A (resurface-tech contributor)', personaViewer('resurface-contributor')],
  ['supplier B (pothole-pro)', personaViewer('potholepro-contributor')],
  ['buyer council X (kent buyer)', personaViewer('kent-buyer')],
  ['buyer council Y (cardiff)', personaViewer('cardiff-buyer')],
  ['assessor', personaViewer('assessor')],
  ['analyst', personaViewer('analyst')],
  ['platform admin', personaViewer('platform-admin')],
];

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const admittedTo = (lotId: string) =>
  demoAdmissions
    .filter((a) => a.lotId === lotId && a.status === 'ADMITTED')
    .map((a) => a.supplierId)
    .sort(byText);
const notAdmitted = demoAdmissions.filter((a) => a.status !== 'ADMITTED');
const routeSelection = 'id reference status lots { id admittedSuppliers { id } }';
const expectedRoute = (route: (typeof demoProcurementRoutes)[number]) => ({
  id: route.id,
  reference: route.reference,
  status: route.status,
  lots: demoLots
    .filter((l) => l.routeId === route.id)
    .sort((a, b) => a.number - b.number)
    .map((l) => ({ id: l.id, admittedSuppliers: admittedTo(l.id).map((id) => ({ id })) })),
});
const allRoutes = [...demoProcurementRoutes].sort((a, b) => byText(a.reference, b.reference));

it('the demo data has COMING routes and admissions in every non-admitted status', () => {
  expect(demoProcurementRoutes.some((r) => r.status === 'COMING')).toBe(true);
  for (const status of ['APPLIED', 'REJECTED', 'SUSPENDED']) expect(notAdmitted.some((a) => a.status === status)).toBe(true);
});

describe.each(viewers)('procurement as %s', (_name, viewer) => {
  it('root list: every route, COMING included, with lots and ADMITTED suppliers only; count agrees; 4 statements', async () => {
    const { data, errors, statements } = await procurement.execute(
      `{ procurementRoutes(first: 100) { totalCount edges { node { ${routeSelection} } } } }`,
      {},
      viewer,
    );
    expect(errors).toBeUndefined();
    expect(data?.procurementRoutes.edges.map((e: any) => e.node)).toEqual(allRoutes.map(expectedRoute));
    expect(data?.procurementRoutes.totalCount).toBe(allRoutes.length);
    // Page, count, lots, admissions.
    expect(statements).toBe(4);
  });

  it('root by id: every route answers, in 3 statements', async () => {
    const query = `{ ${allRoutes.map((r, i) => `r${i}: procurementRoute(id: "${r.id}") { ${routeSelection} }`).join(' ')} }`;
    const { data, errors, statements } = await procurement.execute(query, {}, viewer);
    expect(errors).toBeUndefined();
    allRoutes.forEach((route, i) => expect(data?.[`r${i}`]).toEqual(expectedRoute(route)));
    expect(statements).toBe(3);
  });

  it('_entities: every route and lot resolves; admitted suppliers are ADMITTED only', async () => {
    const { data, errors, statements } = await procurement.execute(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on ProcurementRoute { ${routeSelection} } ... on Lot { id admittedSuppliers { id } } } }`,
      {
        representations: [
          ...allRoutes.map(({ id }) => ({ __typename: 'ProcurementRoute', id })),
          ...demoLots.map(({ id }) => ({ __typename: 'Lot', id })),
        ],
      },
      viewer,
    );
    expect(errors).toBeUndefined();
    expect(data?._entities).toEqual([
      ...allRoutes.map(expectedRoute),
      ...demoLots.map((l) => ({ id: l.id, admittedSuppliers: admittedTo(l.id).map((id) => ({ id })) })),
    ]);
    // Routes, lots by id, lots by route, admissions.
    expect(statements).toBe(4);
  });

  it('nested Innovation.availableVia reads ADMITTED admissions only, the same for everyone, in 1 statement', async () => {
    // PotholePro is SUSPENDED from RM6301 lot 1 (surfacing and potholes): no route for its pothole repair.
    const representations = ['resurface-tech', 'pothole-pro', 'green-binder'].map((key, n) => ({
      __typename: 'Innovation',
      id: `10000000-0000-4000-8000-${String(n + 1).padStart(12, '0')}`,
      category: key === 'pothole-pro' ? 'POTHOLE_REPAIR' : 'SURFACING_AND_MATERIALS',
      supplier: { id: demoOrganisation(key).id },
    }));
    const { data, errors, statements } = await procurement.execute(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Innovation { availableVia { reference } } } }`,
      { representations },
      viewer,
    );
    expect(errors).toBeUndefined();
    const baseline = await procurement.execute(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Innovation { availableVia { reference } } } }`,
      { representations },
    );
    expect(data).toEqual(baseline.data);
    expect(data?._entities[1].availableVia.map((r: any) => r.reference)).not.toContain('RM6301');
    expect(statements).toBe(1);
  });

  it('aliases asking the same thing twice get the same answer, and no non-ADMITTED supplier anywhere', async () => {
    const lot = demoLots.find((l) => notAdmitted.some((a) => a.lotId === l.id && a.status === 'SUSPENDED'))!;
    const route = allRoutes.find((r) => r.id === lot.routeId)!;
    const { data, errors } = await procurement.execute(
      `query ($id: ID!) { one: procurementRoute(id: $id) { ${routeSelection} } two: procurementRoute(id: $id) { ${routeSelection} }
         x: procurementRoutes(first: 100) { totalCount } y: procurementRoutes(first: 100) { totalCount } }`,
      { id: route.id },
      viewer,
    );
    expect(errors).toBeUndefined();
    expect(data?.one).toEqual(expectedRoute(route));
    expect(data?.two).toEqual(data?.one);
    expect(data?.x).toEqual(data?.y);
    const listed = data?.one.lots.find((l: any) => l.id === lot.id).admittedSuppliers.map((s: any) => s.id);
    for (const admission of notAdmitted.filter((a) => a.lotId === lot.id)) expect(listed).not.toContain(admission.supplierId);
  });
});

describe('canSeeAdmission (the rule Query.admissions applies in SQL)', () => {
  const supplierB = demoOrganisation('pothole-pro').id;
  const statuses: AdmissionStatus[] = ['ADMITTED', 'APPLIED', 'REJECTED', 'SUSPENDED', 'EXPIRED'];
  const table: [name: string, viewer: Identity, seesNonAdmitted: boolean][] = viewers.map(([name, viewer]) => [
    name,
    viewer,
    name === 'supplier B (pothole-pro)' || name === 'platform admin',
  ]);
  it.each(table)(
    "%s: sees supplier B's ADMITTED admissions, and the others only if B itself or platform admin",
    (_name, viewer, seesNonAdmitted) => {
      for (const status of statuses) {
        expect({ status, visible: canSeeAdmission(viewer, { status, supplierId: supplierB }) }).toEqual({
          status,
          visible: status === 'ADMITTED' || seesNonAdmitted,
        });
      }
    },
  );
});
