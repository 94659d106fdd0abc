import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoId } from '../demo-data/ids';
import { demoOrganisations } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { COUNCIL_KINDS } from '../platform/organisation-kinds';
import { startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { codesOf, refusalOf } from './support/graphql-results';

/**
 * Issue 24 item 10, through the gateway: the shipped MarketOverview operation counts councils of
 * every kind, and a supplier's ORG_ADMIN whose membership is not active is told that, not that
 * only an ORG_ADMIN may apply. (Calendar files: subgraphs/events/services/calendar.spec.ts.)
 */
let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph?.stop();
});

async function as(key: string, query: string, variables?: Record<string, unknown>): Promise<GraphResult<any>> {
  return graph.execute(query, variables, `Bearer ${await graph.tokenFor(demoPersona(key).email)}`);
}

describe('the MarketOverview operation', () => {
  it('counts councils of every kind in the demo data, not only county councils', async () => {
    const operation = readFileSync(join(__dirname, '..', 'operations', 'market-overview.graphql'), 'utf8');
    const result = await as('analyst', operation);
    expect(result.errors).toBeUndefined();
    const councils = demoOrganisations.filter((o) => (COUNCIL_KINDS as readonly string[]).includes(o.kind));
    const countyCouncils = demoOrganisations.filter((o) => o.kind === 'COUNTY_COUNCIL');
    expect(new Set(councils.map((o) => o.kind)).size).toBeGreaterThan(5);
    expect(result.data.councils.totalCount).toBe(councils.length);
    expect(result.data.councils.totalCount).toBeGreaterThan(countyCouncils.length);
    expect(result.data.suppliers.totalCount).toBe(demoOrganisations.filter((o) => o.kind === 'SUPPLIER').length);
  });
});

describe('applying for admission to a lot', () => {
  it('tells a supplier ORG_ADMIN whose membership lapsed what is wrong, and admits nothing', async () => {
    const admin = demoPersona('resurface-admin');
    const lapsed = await as(
      'platform-admin',
      `mutation ($id: ID!) { lapseMembership(organisationId: $id, reason: "Not renewed") { membership { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: admin.organisationId },
    );
    expect(codesOf(lapsed)).toEqual([]);
    const apply = `mutation ($lotId: ID!) { applyForAdmission(input: { lotId: $lotId, exclusionGroundsApply: false }) { admission { id status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const refused = await as('resurface-admin', apply, { lotId: demoId('lot', 'RM6301/3') });
    expect(refusalOf(refused)).toMatchObject({ message: expect.stringMatching(/LAPSED membership/), code: 'FORBIDDEN' });
    expect(refusalOf(refused).message).not.toMatch(/ORG_ADMIN may apply/);
    expect(refused.data?.applyForAdmission.admission).toBeNull();
    const [{ count }] = await graph.databases.procurement.dataSource.query(
      `SELECT count(*)::int AS count FROM procurement.admission WHERE supplier_id = $1 AND lot_id = $2`,
      [admin.organisationId, demoId('lot', 'RM6301/3')],
    );
    expect(count).toBe(0);
  });
});
