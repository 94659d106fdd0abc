import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { demoProjects } from '../demo-data/procurement-projects';
import { loadGatewayConfig, loadSubgraphConfig } from '../platform/config';
import { subgraphNames } from '../platform/subgraph-names';
import { startSubgraphService, type RunningService } from '../platform/subgraph-server';
import { startGatewayService } from '../gateway/server';
import { ManualClock } from '../platform/clock';
import { unconfiguredInnovationDirectory } from '../subgraphs/procurement/services/innovation-directory';
import { ocidPrefix } from '../subgraphs/procurement/services/project-workflow.service';
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
/** A real secret, so gateways outside the development profile can call procurement too. */
const gatewaySecret = randomBytes(48).toString('base64url');
const extraGateways: RunningService[] = [];

function startGateway(env: Record<string, string>) {
  return startGatewayService(
    loadGatewayConfig(
      { GATEWAY_SUBGRAPH_SECRET: gatewaySecret, GATEWAY_PORT: '0', PROCUREMENT_URL: procurement.url, ...env },
      subgraphNames,
    ),
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  procurement = await startSubgraphService(
    createProcurementSubgraph({ clock: new ManualClock(new Date('2026-11-30T09:00:00Z')), innovations: unconfiguredInnovationDirectory }),
    loadSubgraphConfig('procurement', {
      NODE_ENV: 'test',
      IPS_PROFILE: 'development',
      GATEWAY_SUBGRAPH_SECRET: gatewaySecret,
      PROCUREMENT_PORT: '0',
      PROCUREMENT_DATABASE_URL: database.url,
      SEED_DEMO_DATA: 'true',
    }),
  );
  gateway = await startGateway({ NODE_ENV: 'test', IPS_PROFILE: 'development' });
});
afterAll(async () => {
  for (const extra of extraGateways) await extra.stop();
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
  const ask = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ocid: `${ocidPrefix}-${demoProjects[0]!.id}` }),
  };
  expect((await fetch(direct, ask)).status).toBe(401);
});

/** GET with a Host header of the client's choosing (fetch will not send a forged one). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const call = request(url, { headers: { host, 'x-forwarded-host': host, 'x-forwarded-proto': 'https' }, agent: false }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    call.on('error', reject);
    call.end();
  });
}

describe('the package uri never comes from the request (issue 22 item 11)', () => {
  const project = demoProjects.find((p) => p.key === 'kent-contracted')!;
  const file = `/ocds/${ocidPrefix}-${project.id}.json`;

  test('development profile: the gateway’s own address, whatever Host says', async () => {
    const answer = await getWithHost(`${base()}${file}`, 'attacker.example');
    expect(answer.status).toBe(200);
    expect(answer.body.uri).toBe(`${base()}${file}`);
    expect(JSON.stringify(answer.body)).not.toMatch(/attacker\.example/);
  });

  test('PUBLIC_BASE_URL: links built on it, whatever Host says', async () => {
    const configured = await startGateway({
      NODE_ENV: 'test',
      IPS_PROFILE: 'development',
      PUBLIC_BASE_URL: 'https://graph.example.org/ips/',
    });
    extraGateways.push(configured);
    const answer = await getWithHost(configured.url.replace(/\/graphql$/, file), 'attacker.example');
    expect(answer.body.uri).toBe(`https://graph.example.org/ips${file}`);
    expect(validatePackage(answer.body)).toBe(true);
  });

  test('outside the development profile without PUBLIC_BASE_URL: the ocid’s URN, whatever Host says', async () => {
    const unprofiled = await startGateway({ AUTH_DEV_SECRET: randomBytes(48).toString('base64url') });
    extraGateways.push(unprofiled);
    const answer = await getWithHost(unprofiled.url.replace(/\/graphql$/, file), 'attacker.example');
    expect(answer.body.uri).toBe(`urn:ocds:${ocidPrefix}-${project.id}`);
    expect(validatePackage(answer.body)).toBe(true);
  });
});
