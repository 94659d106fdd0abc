import { demoOrganisation } from '../../demo-data/organisations';
import { demoAdmissions } from '../../demo-data/procurement-routes';
import { personaViewer } from '../../tests/support/viewers';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { startTestSubgraph, type TestSubgraph } from '../../tests/support/subgraph-harness';
import { seedDemoData } from './seed';
import { procurementSubgraph } from './subgraph';

/**
 * The dashboard fields at the subgraph layer. They read admissions in every status, which no other
 * field does: each caller gets only its own organisation's, and the waiting queue only PLATFORM_ADMIN.
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

const lotAdmissions = `{ viewerProcurement { lotAdmissions { id status supplier { id } } } }`;

describe('ViewerProcurement.lotAdmissions', () => {
  it("is each supplier's own admissions, in every status, and nobody else's", async () => {
    for (const [persona, organisation] of [
      ['resurface-contributor', 'resurface-tech'],
      ['potholepro-contributor', 'pothole-pro'],
    ] as const) {
      const supplierId = demoOrganisation(organisation).id;
      const { data, errors } = await procurement.execute(lotAdmissions, {}, personaViewer(persona));
      expect(errors).toBeUndefined();
      const own = demoAdmissions.filter((a) => a.supplierId === supplierId);
      expect(data?.viewerProcurement.lotAdmissions).toHaveLength(own.length);
      expect(data?.viewerProcurement.lotAdmissions.every((a: any) => a.supplier.id === supplierId)).toBe(true);
      expect(new Set(data?.viewerProcurement.lotAdmissions.map((a: any) => a.status))).toEqual(new Set(own.map((a) => a.status)));
    }
    // A council, staff or an anonymous caller: no admissions of anyone.
    for (const persona of ['kent-buyer', 'platform-admin']) {
      const { data } = await procurement.execute(lotAdmissions, {}, personaViewer(persona));
      expect(data?.viewerProcurement.lotAdmissions).toEqual([]);
    }
    expect((await procurement.execute(lotAdmissions)).data?.viewerProcurement).toBeNull();
  });
});

describe('admissionsAwaitingDecision', () => {
  const query = `{ admissionsAwaitingDecision(first: 100) { status supplier { id } } }`;

  it('is the platform admins’ queue of APPLIED admissions, and FORBIDDEN to everyone else', async () => {
    const { data, errors } = await procurement.execute(query, {}, personaViewer('platform-admin'));
    expect(errors).toBeUndefined();
    expect(data?.admissionsAwaitingDecision).toHaveLength(Math.min(100, demoAdmissions.filter((a) => a.status === 'APPLIED').length));
    for (const persona of ['assessor', 'analyst', 'resurface-admin', 'kent-admin']) {
      const refused = await procurement.execute(query, {}, personaViewer(persona));
      expect(refused.data?.admissionsAwaitingDecision ?? null).toBeNull();
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
