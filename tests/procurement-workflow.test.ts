import { demoOrganisation } from '../demo-data/organisations';
import { demoPersona } from '../demo-data/personas';
import { demoId } from '../demo-data/ids';
import { procurementDeadlines } from '../platform/config';
import { addWorkingDays, isWorkingDay } from '../subgraphs/procurement/services/working-days';
import { publishedReleasePackage } from '../subgraphs/procurement/ocds-route';
import { unconfiguredInnovationDirectory } from '../subgraphs/procurement/services/innovation-directory';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { releaseProblems, validatePackage } from './support/ocds-validator';

/**
 * Procurement from shortlist to contract, through the gateway: admission, a direct award and a
 * further competition (Q&A, sealed responses, evaluation, award, standstill, contract), with OCDS
 * releases validated at every stage. The clock is the test's: deadlines pass when it moves.
 */
let graph: TestGraph;
const token: Record<string, string> = {};
const personas = ['kent-buyer', 'kent-admin', 'cardiff-buyer', 'resurface-contributor', 'resurface-admin', 'potholepro-contributor', 'platform-admin', 'leeds-viewer'];
const as = (persona: string) => token[persona];
const kent = demoOrganisation('kent');
const resurface = demoOrganisation('resurface-tech');
const potholePro = demoOrganisation('pothole-pro');
const surfacingLot2 = demoId('lot', 'RM6302/2');

async function ok<T = any>(query: string, variables: Record<string, unknown> = {}, persona?: string): Promise<T> {
  const result = await graph.execute<T>(query, variables, persona ? as(persona) : undefined);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}
async function fails(query: string, variables: Record<string, unknown>, persona?: string) {
  const result = await graph.execute(query, variables, persona ? as(persona) : undefined);
  expect(result.errors).toBeDefined();
  return result.errors![0]!.extensions as { code: string; currentStatus?: string };
}

const projectFields = `id ocid status version budget procedure standstill: award { supplier { id name } standstillEndsOn winningScore }
  viewerCan { publish cancel ask answer respond declareConflicts evaluate award recordContract }`;

/** An approved innovation in a category from a supplier, found through the graph. */
async function approvedInnovation(supplierId: string, category: string): Promise<string> {
  const data = await ok(`query($c:[InnovationCategory!]){ innovations(first: 100, filter: { statuses: [APPROVED], categories: $c }) { edges { node { id supplier { id } } } } }`, { c: [category] });
  const found = data.innovations.edges.find((e: any) => e.node.supplier.id === supplierId);
  if (!found) throw new Error(`no approved ${category} innovation of ${supplierId}`);
  return found.node.id;
}

async function releasesOf(projectId: string, persona = 'kent-buyer'): Promise<any[]> {
  const data = await ok(`query($id: ID!){ procurementProject(id: $id) { ocdsReleases } }`, { id: projectId }, persona);
  const releases = data.procurementProject.ocdsReleases;
  for (const release of releases) expect(releaseProblems(release)).toEqual([]);
  return releases;
}

beforeAll(async () => {
  graph = await startTestGraph();
  for (const persona of personas) token[persona] = `Bearer ${await graph.tokenFor(demoPersona(persona).email)}`;
});
afterAll(async () => {
  await graph?.stop();
});

describe('working days (England and Wales)', () => {
  test('skip weekends, Christmas, Boxing Day substitutes and Easter', () => {
    expect(addWorkingDays('2026-12-24', 1)).toBe('2026-12-29'); // Fri 25th, weekend, Mon 28th (Boxing Day substitute)
    expect(addWorkingDays('2027-03-25', 1)).toBe('2027-03-30'); // Good Friday 26th, Easter Monday 29th
    expect(isWorkingDay('2027-03-29')).toBe(false);
    expect(addWorkingDays('2026-11-30', procurementDeadlines.standstillWorkingDays)).toBe('2026-12-10');
    expect(addWorkingDays('2026-12-18', 8)).toBe('2027-01-04'); // over Christmas and New Year
  });
});

describe('direct award: shortlist → award → standstill → contract', () => {
  let projectId: string;
  let innovationId: string;

  test('the buyer shortlists an approved innovation of an admitted supplier', async () => {
    innovationId = await approvedInnovation(resurface.id, 'POTHOLE_REPAIR');
    const data = await ok(
      `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { ${projectFields} shortlist { innovation { id title } supplier { id } } } }`,
      { input: { title: 'Permanent pothole repairs, A-roads', need: 'Repair 2,000 potholes on A-roads first time.', budget: 250000, lotId: surfacingLot2, procedure: 'DIRECT_AWARD', innovationIds: [innovationId] } },
      'kent-buyer',
    );
    const project = data.createProcurementProject;
    projectId = project.id;
    expect(project).toMatchObject({ status: 'DRAFT', version: 1, procedure: 'DIRECT_AWARD' });
    expect(project.ocid).toBe(`ocds-ips001-${project.id}`);
    expect(project.shortlist).toEqual([{ innovation: { id: innovationId, title: expect.any(String) }, supplier: { id: resurface.id } }]);
    expect(project.viewerCan).toMatchObject({ publish: false, award: true, recordContract: false });
  });

  test('drafts are the buyer team’s: hidden from others, and OCDS downloads do not serve them', async () => {
    const query = `query($id: ID!){ procurementProject(id: $id) { id } }`;
    for (const persona of ['resurface-admin', 'cardiff-buyer', 'leeds-viewer', undefined]) {
      expect((await graph.execute(query, { id: projectId }, persona && as(persona))).data?.procurementProject).toBeNull();
    }
    expect((await ok(query, { id: projectId }, 'kent-admin')).procurementProject.id).toBe(projectId);
    const ocid = `ocds-ips001-${projectId}`;
    expect(await publishedReleasePackage(graph.databases.procurement.dataSource, { clock: graph.clock, innovations: unconfiguredInnovationDirectory }, ocid, 'urn:x')).toBeNull();
  });

  test('shortlisting refuses unapproved innovations and suppliers not admitted to the lot', async () => {
    const create = `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { id } }`;
    const base = { title: 'x', need: 'y', budget: 1000, lotId: surfacingLot2, procedure: 'DIRECT_AWARD' };
    // A lighting innovation is outside the lot's categories.
    const lighting = (await ok(`{ innovations(first: 1, filter: { statuses: [APPROVED], categories: [STREET_LIGHTING] }) { edges { node { id } } } }`)).innovations.edges[0].node.id;
    expect(await fails(create, { input: { ...base, innovationIds: [lighting] } }, 'kent-buyer')).toMatchObject({ code: 'BAD_USER_INPUT' });
    const unknown = '00000000-0000-4000-8000-000000000001';
    expect(await fails(create, { input: { ...base, innovationIds: [unknown] } }, 'kent-buyer')).toMatchObject({ code: 'BAD_USER_INPUT' });
    // Suppliers, anonymous callers and viewers cannot start projects.
    expect(await fails(create, { input: { ...base, innovationIds: [innovationId] } }, 'resurface-admin')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await fails(create, { input: { ...base, innovationIds: [innovationId] } })).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await fails(create, { input: { ...base, innovationIds: [innovationId] } }, 'leeds-viewer')).toMatchObject({ code: 'FORBIDDEN' });
  });

  test('award starts an 8-working-day standstill; the contract waits for it', async () => {
    const award = `mutation($input: AwardProcurementProjectInput!){ awardProcurementProject(input: $input) { ${projectFields} } }`;
    // A stale version is refused and changes nothing.
    expect(await fails(award, { input: { projectId, version: 7, innovationId, justification: 'Only supplier of the patented process.', value: 200000 } }, 'kent-buyer'))
      .toMatchObject({ code: 'CONFLICT', currentStatus: 'DRAFT' });
    expect(await fails(award, { input: { projectId, version: 1, innovationId, justification: 'x', value: 900000 } }, 'kent-buyer')).toMatchObject({ code: 'BAD_USER_INPUT' });
    const awarded = (await ok(award, { input: { projectId, version: 1, innovationId, justification: 'Only supplier of the patented process.', value: 200000 } }, 'kent-buyer')).awardProcurementProject;
    expect(awarded).toMatchObject({ status: 'AWARDED', version: 2, standstill: { supplier: { id: resurface.id, name: resurface.name }, standstillEndsOn: '2026-12-10' } });
    expect(awarded.viewerCan.recordContract).toBe(false);
    const record = `mutation($input: RecordContractInput!){ recordContract(input: $input) { id value supplier { id name } project { status } } }`;
    const input = { projectId, version: 2, value: 200000, startsOn: '2027-01-04', endsOn: '2027-12-31' };
    graph.clock.set('2026-12-10T16:00:00Z'); // the standstill's last day
    expect(await fails(record, { input }, 'kent-buyer')).toMatchObject({ code: 'CONFLICT', currentStatus: 'AWARDED' });
    graph.clock.set('2026-12-11T09:00:00Z');
    expect(await fails(record, { input }, 'resurface-admin')).toMatchObject({ code: 'FORBIDDEN' });
    const contract = (await ok(record, { input }, 'kent-buyer')).recordContract;
    expect(contract).toMatchObject({ value: 200000, supplier: { id: resurface.id, name: resurface.name }, project: { status: 'CONTRACTED' } });
    // Organisation.contracts for the buyer and the supplier, through members → procurement.
    const orgs = await ok(`query($ids:[ID!]!){ a: organisation(id: $ids) { contracts { id } } }`.replace('$ids:[ID!]!', '$ids: ID!'), { ids: resurface.id });
    expect(orgs.a.contracts.map((c: any) => c.id)).toContain(contract.id);
    const buyer = await ok(`query($id: ID!){ organisation(id: $id) { contracts { id value } } }`, { id: kent.id });
    expect(buyer.organisation.contracts.map((c: any) => c.id)).toContain(contract.id);
  });

  test('OCDS releases: planning, award, contract; direct method; valid against the 1.1 schema', async () => {
    const releases = await releasesOf(projectId);
    expect(releases.map((r) => r.tag)).toEqual([['planning'], ['award'], ['contract', 'awardUpdate']]);
    expect(releases[0].tender.procurementMethod).toBe('direct');
    expect(releases[0].relatedProcesses[0].relationship).toEqual(['framework']);
    expect(releases[1].awards[0]).toMatchObject({ status: 'pending', suppliers: [{ id: resurface.id }], value: { amount: 200000, currency: 'GBP' } });
    expect(releases[2].contracts[0]).toMatchObject({ status: 'active', awardID: releases[1].awards[0].id });
    const pkg = await publishedReleasePackage(graph.databases.procurement.dataSource, { clock: graph.clock, innovations: unconfiguredInnovationDirectory }, `ocds-ips001-${projectId}`, 'https://ips.example/ocds/x.json');
    expect(validatePackage(pkg)).toBe(true);
    graph.clock.set('2026-11-30T09:00:00Z');
  });
});
