import { demoProjects } from '../demo-data/procurement-projects';
import { loadGatewayConfig, loadSubgraphConfig } from '../platform/config';
import { subgraphNames } from '../platform/subgraph-names';
import { startSubgraphService, type RunningService } from '../platform/subgraph-server';
import { startGatewayService } from '../gateway/server';
import { ManualClock } from '../subgraphs/procurement/services/clock';
import { unconfiguredInnovationDirectory } from '../subgraphs/procurement/services/innovation-directory';
import { ocidPrefix } from '../subgraphs/procurement/services/project.service';
import { createProcurementSubgraph } from '../subgraphs/procurement/subgraph';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { releaseProblems, validatePackage } from './support/ocds-validator';

/**
 * `GET /ocds/<ocid>.json` over HTTP on the gateway's port: the gateway forwards to procurement's
 * internal route with its credential; anyone may download what is published.
 */
let database: TestDatabase;
let procurement: RunningService;
let gateway: RunningService;

beforeAll(async () => {
  database = await createTestDatabase();
  procurement = await startSubgraphService(
    createProcurementSubgraph({ clock: new ManualClock(new Date('2026-11-30T09:00:00Z')), innovations: unconfiguredInnovationDirectory }),
    loadSubgraphConfig('procurement', { NODE_ENV: 'test', IPS_PROFILE: 'development', PROCUREMENT_PORT: '0', PROCUREMENT_DATABASE_URL: database.url, SEED_DEMO_DATA: 'true' }),
  );
  gateway = await startGatewayService(loadGatewayConfig({ NODE_ENV: 'test', IPS_PROFILE: 'development', GATEWAY_PORT: '0', PROCUREMENT_URL: procurement.url }, subgraphNames));
});
afterAll(async () => {
  await gateway?.stop();
  await procurement?.stop();
  await database?.drop();
});

const base = () => gateway.url.replace(/\/graphql$/, '');

test('serves a valid release package for a published project, to anyone', async () => {
  const project = demoProjects.find((p) => p.key === 'kent-contracted')!;
  const response = await fetch(`${base()}/ocds/${ocidPrefix}-${project.id}.json`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as any;
  expect(validatePackage(body)).toBe(true);
  expect(body.uri).toContain(`/ocds/${ocidPrefix}-${project.id}.json`);
  expect(body.releases.map((r: any) => r.tag[0])).toEqual(['planning', 'tender', 'award', 'contract']);
  for (const release of body.releases) expect(releaseProblems(release)).toEqual([]);
});

test('404 for unknown ocids and malformed paths; the subgraph route itself refuses callers without the gateway credential', async () => {
  expect((await fetch(`${base()}/ocds/${ocidPrefix}-00000000-0000-4000-8000-000000000000.json`)).status).toBe(404);
  expect((await fetch(`${base()}/ocds/..%2Fetc.json`)).status).toBe(404);
  const direct = procurement.url.replace(/\/graphql$/, '/internal/ocds');
  const ask = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ocid: `${ocidPrefix}-${demoProjects[0]!.id}` }) };
  expect((await fetch(direct, ask)).status).toBe(401);
});
