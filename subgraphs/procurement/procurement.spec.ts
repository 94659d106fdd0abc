import { demoOrganisation } from '../../demo-data/organisations';
import {
  demoAdmissions,
  demoLots,
  demoProcurementRoute,
  demoProcurementRoutes,
  demoRouteDatesOn,
} from '../../demo-data/procurement-routes';
import { MAX_PAGE_SIZE } from '../../platform/pagination';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { startTestSubgraph, type TestSubgraph } from '../../tests/support/subgraph-harness';
import { Admission, Lot, ProcurementRoute } from './entities';
import { seedDemoData } from './seed';
import { procurementSubgraph } from './subgraph';

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

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const references = (routes: { reference: string }[]) => routes.map((r) => r.reference);
const innovation = (n: number, supplier: string, category: string) => ({
  __typename: 'Innovation',
  id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  category,
  supplier: { id: demoOrganisation(supplier).id },
});

async function filteredReferences(filter: string) {
  const { data, errors } = await procurement.execute(
    `{ procurementRoutes(first: 100, filter: ${filter}) { totalCount edges { node { reference } } } }`,
  );
  expect(errors).toBeUndefined();
  const found = data?.procurementRoutes.edges.map((e: any) => e.node.reference);
  expect(data?.procurementRoutes.totalCount).toBe(found.length);
  return found;
}

describe('procurement subgraph', () => {
  it('seeds the demo data once, however often it is asked', async () => {
    await seedDemoData(procurement.dataSource);
    expect(await procurement.dataSource.getRepository(ProcurementRoute).count()).toBe(demoProcurementRoutes.length);
    expect(await procurement.dataSource.getRepository(Lot).count()).toBe(demoLots.length);
    expect(await procurement.dataSource.getRepository(Admission).count()).toBe(demoAdmissions.length);
  });

  it('finds one route by id, with its lots in number order, in one statement per level', async () => {
    const dps = demoProcurementRoute('RM6301');
    const { data, errors, statements } = await procurement.execute(
      `query ($id: ID!) { procurementRoute(id: $id) {
          id reference name kind status regime owner { id } feePercent eligibleNations opensOn startsOn expiresOn
          lots { number title categories awardProcedures route { reference } admittedSuppliers { id } } } }`,
      { id: dps.id },
    );
    expect(errors).toBeUndefined();
    const route = data?.procurementRoute;
    expect(route).toMatchObject({
      id: dps.id,
      reference: 'RM6301',
      name: 'Highways Innovation Dynamic Purchasing System',
      kind: 'DYNAMIC_PURCHASING_SYSTEM',
      status: 'LIVE',
      regime: 'PROCUREMENT_ACT_2023',
      owner: { id: demoOrganisation('ccs').id },
      feePercent: 1,
      eligibleNations: ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND'],
      // The seed moves the demo dates on from the day they were written for, keeping each status.
      opensOn: demoRouteDatesOn(dps, new Date().toISOString().slice(0, 10)).opensOn,
      startsOn: demoRouteDatesOn(dps, new Date().toISOString().slice(0, 10)).startsOn,
      expiresOn: demoRouteDatesOn(dps, new Date().toISOString().slice(0, 10)).expiresOn,
    });
    expect(route.lots.map((l: any) => l.number)).toEqual([1, 2, 3, 4]);
    expect(route.lots[0]).toMatchObject({
      title: 'Road surface and pothole innovation',
      categories: ['SURFACING_AND_MATERIALS', 'POTHOLE_REPAIR'],
      awardProcedures: ['FURTHER_COMPETITION'],
      route: { reference: 'RM6301' },
    });
    // Admitted only: PotholePro is suspended from lot 1.
    expect(route.lots[0].admittedSuppliers).toEqual(
      ['resurface-tech', 'green-binder', 'northern-surfacing']
        .map((k) => ({ id: demoOrganisation(k).id }))
        .sort((a, b) => byText(a.id, b.id)),
    );
    // The route, its lots, the lots' admitted suppliers; each lot's route is the cached one.
    expect(statements).toBe(3);
  });

  it('answers null for an unknown id and BAD_USER_INPUT for a malformed one, without SQL', async () => {
    const unknown = await procurement.execute(`{ procurementRoute(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.procurementRoute).toBeNull();

    const malformed = await procurement.execute(`{ procurementRoute(id: "RM6301") { id } }`);
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(malformed.statements).toBe(0);
  });

  it('pages through routes by reference with stable cursors and a total count', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total: number;
    do {
      const page: any = await procurement.execute(
        `query ($after: String) { procurementRoutes(first: 3, after: $after) {
           totalCount edges { cursor node { reference } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
        { after },
      );
      expect(page.errors).toBeUndefined();
      expect(page.data.procurementRoutes.pageInfo.hasPreviousPage).toBe(after !== null);
      total = page.data.procurementRoutes.totalCount;
      seen.push(...page.data.procurementRoutes.edges.map((e: any) => e.node.reference));
      after = page.data.procurementRoutes.pageInfo.hasNextPage ? page.data.procurementRoutes.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBe(demoProcurementRoutes.length);
    expect(seen).toEqual(demoProcurementRoutes.map((r) => r.reference).sort(byText));
  });

  it('loads the lots and admitted suppliers of a whole page in one statement each', async () => {
    const { data, errors, statements } = await procurement.execute(
      `{ procurementRoutes(first: 20) { edges { node { reference lots { number route { id } admittedSuppliers { id } } } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data?.procurementRoutes.edges).toHaveLength(demoProcurementRoutes.length);
    // The page (no COUNT: totalCount is not selected), all lots, all admissions; routes are primed from the page.
    expect(statements).toBe(3);
  });

  it('filters by kind, status, eligible nation, covered category and text', async () => {
    expect(await filteredReferences(`{ kinds: [FRAMEWORK] }`)).toEqual(['RM6190', 'RM6302', 'RM6303', 'RM6305']);
    expect(await filteredReferences(`{ statuses: [LIVE] }`)).toEqual(['IPS-DA-01', 'RM6301', 'RM6302', 'RM6303']);
    expect(await filteredReferences(`{ nations: [SCOTLAND] }`)).toEqual(['IPS-SBRI-01', 'RM6301', 'RM6303', 'RM6304', 'RM6305']);
    expect(await filteredReferences(`{ categories: [WINTER_SERVICE] }`)).toEqual(['IPS-SBRI-01', 'RM6190']);
    expect(await filteredReferences(`{ categories: [WINTER_SERVICE], statuses: [LIVE] }`)).toEqual([]);
    expect(await filteredReferences(`{ search: "surfacing" }`)).toEqual(['RM6302']);
    expect(await filteredReferences(`{ search: "rm630", kinds: [DYNAMIC_MARKET, DYNAMIC_PURCHASING_SYSTEM] }`)).toEqual([
      'RM6301',
      'RM6304',
    ]);
    expect(await filteredReferences(`{ search: "%" }`)).toEqual([]);
  });

  it("derives every demo route's status from its dates, the same in SQL filters as on the field", async () => {
    const { data } = await procurement.execute(`{ procurementRoutes(first: 100) { edges { node { reference status } } } }`);
    const statuses = Object.fromEntries(data?.procurementRoutes.edges.map((e: any) => [e.node.reference, e.node.status]));
    expect(statuses).toEqual(Object.fromEntries(demoProcurementRoutes.map((r) => [r.reference, r.status])));
    for (const status of ['COMING', 'OPEN', 'PENDING', 'STANDSTILL', 'LIVE', 'EXPIRED']) {
      const expected = demoProcurementRoutes
        .filter((r) => r.status === status)
        .map((r) => r.reference)
        .sort(byText);
      expect(await filteredReferences(`{ statuses: [${status}] }`)).toEqual(expected);
    }
  });

  it('rejects a page larger than the cap, a negative one and a forged cursor, without touching the database', async () => {
    for (const args of [`first: ${MAX_PAGE_SIZE + 1}`, `first: -1`, `after: "not-a-cursor"`]) {
      const result = await procurement.execute(`{ procurementRoutes(${args}) { totalCount } }`);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.statements).toBe(0);
    }
  });

  it('resolves ProcurementRoute and Lot entities in batches (_entities)', async () => {
    const lot = demoLots.find((l) => l.routeId === demoProcurementRoute('RM6301').id && l.number === 2)!;
    const { data, errors, statements } = await procurement.execute(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on ProcurementRoute { reference lots { number } } ... on Lot { title route { reference } } } }`,
      {
        representations: [
          { __typename: 'ProcurementRoute', id: demoProcurementRoute('RM6190').id },
          { __typename: 'Lot', id: lot.id },
          { __typename: 'ProcurementRoute', id: demoProcurementRoute('RM6301').id },
          { __typename: 'ProcurementRoute', id: '00000000-0000-4000-8000-000000000000' },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data?._entities).toEqual([
      { reference: 'RM6190', lots: [{ number: 1 }, { number: 2 }] },
      { title: 'Drainage, structures and resilience', route: { reference: 'RM6301' } },
      { reference: 'RM6301', lots: [1, 2, 3, 4].map((number) => ({ number })) },
      null,
    ]);
    // Routes in one batch and lots in another, then the routes' lots; the lot's route is cached.
    expect(statements).toBe(3);
  });

  describe('Innovation.availableVia (@requires category and supplier)', () => {
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Innovation { id availableVia { reference } } } }`;

    it('lists LIVE routes whose lot covering the category has the supplier ADMITTED, in one statement', async () => {
      const representations = [
        // Admitted to lot 1 of RM6301 and lots 1 and 3 of RM6302 (listed once); an application to the SBRI competition.
        innovation(1, 'resurface-tech', 'SURFACING_AND_MATERIALS'),
        // Suspended from RM6301 lot 1; admitted to RM6301 lot 3, which does not cover pothole repair.
        innovation(2, 'pothole-pro', 'POTHOLE_REPAIR'),
        // Rejected from RM6302 lot 3; only applied to the dynamic market and the SBRI competition.
        innovation(3, 'green-binder', 'EV_CHARGING_AND_DECARBONISATION'),
        // Admitted to the EV dynamic market too, but it is OPEN, not LIVE.
        innovation(4, 'voltway', 'EV_CHARGING_AND_DECARBONISATION'),
        // Winter service is covered by an EXPIRED framework and a PENDING competition only.
        innovation(5, 'grit-smart', 'WINTER_SERVICE'),
        innovation(6, 'bridgewise', 'BRIDGES_AND_STRUCTURES'),
        // Another innovation with the same supplier and category shares the answer (and the key).
        innovation(7, 'resurface-tech', 'SURFACING_AND_MATERIALS'),
        innovation(8, 'northern-surfacing', 'POTHOLE_REPAIR'),
        // Not a supplier at all.
        innovation(9, 'kent', 'ROAD_SAFETY'),
      ];
      const { data, errors, statements } = await procurement.execute(query, { representations });
      expect(errors).toBeUndefined();
      expect(data?._entities.map((e: any) => references(e.availableVia))).toEqual([
        ['RM6301', 'RM6302'],
        ['RM6302'],
        [],
        ['RM6303'],
        [],
        ['IPS-DA-01', 'RM6301'],
        ['RM6301', 'RM6302'],
        ['RM6301'],
        [],
      ]);
      expect(data?._entities[0].id).toBe(representations[0]!.id);
      expect(statements).toBe(1);
    });

    it('runs the same number of statements for 2 innovations as for 60', async () => {
      const few = await procurement.execute(query, {
        representations: [innovation(1, 'voltway', 'EV_CHARGING_AND_DECARBONISATION'), innovation(2, 'safe-roads', 'ACTIVE_TRAVEL')],
      });
      const many = await procurement.execute(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on Innovation { availableVia { reference lots { number admittedSuppliers { id } } } } } }`,
        {
          representations: Array.from({ length: 60 }, (_, n) => {
            const suppliers = ['resurface-tech', 'pothole-pro', 'lumen-streets', 'bridgewise', 'signal-logic', 'asset-vision'];
            const categories = ['SURFACING_AND_MATERIALS', 'POTHOLE_REPAIR', 'STREET_LIGHTING', 'ASSET_MANAGEMENT_AND_DATA', 'ROAD_SAFETY'];
            return innovation(n, suppliers[n % suppliers.length]!, categories[n % categories.length]!);
          }),
        },
      );
      expect(few.errors).toBeUndefined();
      expect(many.errors).toBeUndefined();
      expect(references(few.data?._entities[1].availableVia)).toEqual(['RM6301']);
      expect(few.statements).toBe(1);
      // The routes, then their lots, then the lots' admitted suppliers: one statement per level.
      expect(many.statements).toBe(3);
    });

    it('rejects a representation with a malformed supplier id without SQL', async () => {
      const { errors, statements } = await procurement.execute(query, {
        representations: [{ __typename: 'Innovation', id: '1', category: 'ROAD_SAFETY', supplier: { id: 'nope' } }],
      });
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(statements).toBe(0);
    });
  });

  describe('lot award procedures', () => {
    const lots = () => procurement.dataSource.getRepository(Lot);
    const lot = (reference: string, overrides: Partial<Lot>) => ({
      routeId: demoProcurementRoute(reference).id,
      routeKind: demoProcurementRoute(reference).kind,
      number: 99,
      title: 'Test lot',
      scope: 'Test scope.',
      categories: ['ROAD_SAFETY' as const],
      awardProcedures: ['FURTHER_COMPETITION' as const],
      ...overrides,
    });

    it('refuses direct award on a dynamic purchasing system or dynamic market lot', async () => {
      await expect(lots().insert(lot('RM6301', { awardProcedures: ['DIRECT_AWARD', 'FURTHER_COMPETITION'] }))).rejects.toThrow(
        /lot_dynamic_further_competition_only/,
      );
      await expect(lots().insert(lot('RM6304', { awardProcedures: ['DIRECT_AWARD'] }))).rejects.toThrow(
        /lot_dynamic_further_competition_only/,
      );
    });

    it('refuses to turn a framework with direct award lots into a dynamic purchasing system', async () => {
      await expect(
        procurement.dataSource
          .getRepository(ProcurementRoute)
          .update(demoProcurementRoute('RM6302').id, { kind: 'DYNAMIC_PURCHASING_SYSTEM' }),
      ).rejects.toThrow(/lot_dynamic_further_competition_only/);
    });

    it('refuses a lot whose copy of the route kind disagrees with its route', async () => {
      await expect(lots().insert(lot('RM6301', { routeKind: 'FRAMEWORK', awardProcedures: ['DIRECT_AWARD'] }))).rejects.toThrow(
        /foreign key/,
      );
    });
  });
});
