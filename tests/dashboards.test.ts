import { print } from 'graphql';
import { demoPersona } from '../demo-data/personas';
import { BuyerDashboardDocument, StaffDashboardDocument, SupplierDashboardDocument } from '../operations/generated/graphql';
import { startTestGraph, type TestGraph } from './support/graph-harness';

let graph: TestGraph;
const as = async (key: string) => `Bearer ${await graph.tokenFor(demoPersona(key).email)}`;

beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph?.stop();
});

it('prints', async () => {
  for (const [doc, who] of [[BuyerDashboardDocument, 'kent-buyer'], [SupplierDashboardDocument, 'resurface-contributor'], [StaffDashboardDocument, 'platform-admin']] as const) {
    const result = await graph.execute(print(doc), {}, await as(who));
    const d: any = result.data; if (d?.vettingQueue) d.vettingQueue = d.vettingQueue.length; if (d?.viewer) delete d.viewer; if (d?.viewerInnovations) delete d.viewerInnovations; if (d?.viewerProcurement?.lotAdmissions) d.viewerProcurement.lotAdmissions = d.viewerProcurement.lotAdmissions.length;
    console.log(who, JSON.stringify(result), graph.lastPlan);
  }
});
