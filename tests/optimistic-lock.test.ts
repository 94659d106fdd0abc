import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { startTestGraph, type GraphResult, type TestGraph } from './support/graph-harness';
import { expectData, refusalOf, signInAll, type Connection } from './support/graphql-results';
import { readStaleVersionOnce } from './support/stale-read';

/**
 * Through the gateway: a write that lost a version race is refused with CONFLICT carrying the version
 * in the database (platform/optimistic-lock.ts), so the client's retry with it goes through. The race
 * is replayed with readStaleVersionOnce (the service's read made as stale as a real loser's), so this
 * runs on both databases; races.test.ts runs real concurrent pairs on the server pass. Before the
 * helper, a response's loser reported the version its own read saw, and the retry conflicted again.
 */
jest.setTimeout(60_000);

let graph: TestGraph;
const personas = ['kent-buyer', 'resurface-admin'] as const;
let as: (persona: (typeof personas)[number]) => string;

beforeAll(async () => {
  graph = await startTestGraph();
  as = await signInAll(graph, personas);
});
afterAll(async () => {
  await graph?.stop();
});

const create = `mutation ($input: CreateProcurementProjectInput!) { createProcurementProject(input: $input) { procurementProject { id version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const publish = `mutation ($input: PublishProcurementProjectInput!) { publishProcurementProject(input: $input) { procurementProject { version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
const submit = `mutation ($input: SubmitResponseInput!) { submitResponse(input: $input) { procurementResponse { id version price } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;

async function data<TData>(query: string, variables: Record<string, unknown>, authorization: string): Promise<TData> {
  return expectData(await graph.execute<TData>(query, variables, authorization));
}

async function publishedProject(title: string): Promise<string> {
  const innovations = await data<{ innovations: Connection<{ id: string; supplier: { id: string } }> }>(
    `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR] }) { edges { node { id supplier { id } } } } }`,
    {},
    as('kent-buyer'),
  );
  const innovationId = innovations.innovations.edges.find((e) => e.node.supplier.id === demoOrganisation('resurface-tech').id)!.node.id;
  const input = { title, need: 'A need.', budget: 50000, lotId: demoId('lot', 'RM6302/2'), procedure: 'FURTHER_COMPETITION', innovationIds: [innovationId], criteria: [{ name: 'Quality', weight: 100 }] };
  const project = (await data<{ createProcurementProject: { procurementProject: { id: string; version: number } } }>(create, { input }, as('kent-buyer'))).createProcurementProject.procurementProject;
  await data(publish, { input: { projectId: project.id, version: project.version, clarificationWorkingDays: 2, responseWorkingDays: 5 } }, as('kent-buyer'));
  return project.id;
}

test("a supplier's response edited at a version another edit just replaced: CONFLICT with the new version, and the retry with it succeeds", async () => {
  const projectId = await publishedProject('Response edited after losing a race');
  const edit = (version: number | undefined, price: number): Promise<GraphResult<{ submitResponse: { procurementResponse: { id: string; version: number; price: number } } }>> =>
    graph.execute(submit, { input: { projectId, proposal: `At ${price}.`, price, version } }, as('resurface-admin'));
  const first = expectData(await edit(undefined, 40000)).submitResponse.procurementResponse;
  const won = expectData(await edit(first.version, 41000)).submitResponse.procurementResponse;
  expect(won.version).toBe(first.version + 1);

  const disarm = readStaleVersionOnce(graph.databases.procurement.dataSource, first.id, first.version);
  let lost: GraphResult<unknown>;
  try {
    lost = await edit(first.version, 42000);
  } finally {
    disarm();
  }
  expect(refusalOf(lost)).toMatchObject({ code: 'CONFLICT', currentVersion: won.version, currentStatus: 'SUBMITTED' });

  const retried = expectData(await edit(refusalOf(lost).currentVersion as number, 42000)).submitResponse.procurementResponse;
  expect(retried).toMatchObject({ version: won.version + 1, price: 42000 });
});
