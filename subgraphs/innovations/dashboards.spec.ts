import { demoOrganisation } from '../../demo-data/organisations';
import { personaViewer } from '../../tests/support/viewers';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { startTestSubgraph, type TestSubgraph } from '../../tests/support/subgraph-harness';
import { seedDemoData } from './seed';
import { innovationsSubgraph } from './subgraph';

/**
 * The dashboard fields at the subgraph layer: `InnovationCategoryNews` through `_entities` (the
 * path the gateway takes from procurement), the latest decision through `_entities` for each
 * viewer, and the staff queue's guard.
 */
let database: TestDatabase;
let innovations: TestSubgraph;

beforeAll(async () => {
  database = await createTestDatabase();
  innovations = await startTestSubgraph(innovationsSubgraph, database.url);
  await seedDemoData(innovations.dataSource);
});
afterAll(async () => {
  await innovations?.stop();
  await database?.drop();
});

const news = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on InnovationCategoryNews { category recentlyApproved(first: 2) { id category status } } } }`;

describe('InnovationCategoryNews', () => {
  it('resolves many categories through _entities in two statements, approved innovations of each only', async () => {
    const categories = ['POTHOLE_REPAIR', 'STREET_LIGHTING', 'WINTER_SERVICE'];
    const { data, errors, statements } = await innovations.execute(news, {
      representations: categories.map((category) => ({ __typename: 'InnovationCategoryNews', category })),
    });
    expect(errors).toBeUndefined();
    expect(data?._entities.map((n: any) => n.category)).toEqual(categories);
    for (const entry of data?._entities ?? []) {
      expect(entry.recentlyApproved.length).toBeGreaterThan(0);
      expect(entry.recentlyApproved.length).toBeLessThanOrEqual(2);
      for (const innovation of entry.recentlyApproved) expect(innovation).toMatchObject({ category: entry.category, status: 'APPROVED' });
    }
    // The ranked ids per category, then the innovations by id.
    expect(statements).toBe(2);
  });
});

describe('Innovation.latestDecision', () => {
  const decisions = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
    ... on Organisation { innovations(first: 20, filter: { statuses: [REJECTED, CHANGES_REQUESTED] }) { edges { node { latestDecision { outcome reasons } } } } } } }`;
  const resurface = { __typename: 'Organisation', id: demoOrganisation('resurface-tech').id };

  it("is the supplier's own to read, and staff's, on the _entities path too", async () => {
    for (const persona of ['resurface-contributor', 'platform-admin', 'assessor']) {
      const { data, errors } = await innovations.execute(decisions, { representations: [resurface] }, personaViewer(persona));
      expect({ persona, errors }).toEqual({ persona, errors: undefined });
      const found = data?._entities[0].innovations.edges.map((e: any) => e.node.latestDecision);
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((d: any) => ['REJECTED', 'CHANGES_REQUESTED'].includes(d.outcome) && d.reasons)).toBe(true);
    }
  });

  it("is FORBIDDEN to another supplier and to buyers (who see only the approved ones' existence)", async () => {
    const approved = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Organisation { innovations(first: 3) { edges { node { latestDecision { reasons } } } } } } }`;
    for (const persona of ['potholepro-contributor', 'kent-buyer', 'analyst']) {
      const { errors } = await innovations.execute(approved, { representations: [resurface] }, personaViewer(persona));
      expect({ persona, codes: [...new Set(errors?.map((e) => e.extensions?.code))] }).toEqual({ persona, codes: ['FORBIDDEN'] });
    }
  });
});

describe('the vetting queue', () => {
  it('is for platform admins and assessors only', async () => {
    const query = `{ vettingQueue(first: 5) { waitingDays innovation { status } } }`;
    for (const persona of ['platform-admin', 'assessor']) {
      const { data, errors } = await innovations.execute(query, {}, personaViewer(persona));
      expect(errors).toBeUndefined();
      expect(data?.vettingQueue.every((e: any) => ['SUBMITTED', 'UNDER_REVIEW', 'APPROVED'].includes(e.innovation.status))).toBe(true);
    }
    for (const persona of ['analyst', 'kent-admin', 'resurface-admin', null]) {
      const { data, errors } = await innovations.execute(query, {}, persona ? personaViewer(persona) : null);
      expect(data?.vettingQueue ?? null).toBeNull();
      expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
