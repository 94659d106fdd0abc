import { demoAdmissions, demoLots, demoProcurementRoute } from '../../demo-data/procurement-routes';
import { codesOf, refusalOf, type Refusal } from '../../tests/support/graphql-results';
import { readStaleVersionOnce } from '../../tests/support/stale-read';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { startTestSubgraph, type TestSubgraph } from '../../tests/support/subgraph-harness';
import { personaViewer } from '../../tests/support/viewers';
import { seedDemoData } from './seed';
import { procurementSubgraph } from './subgraph';

/**
 * A lost version race (platform/optimistic-lock.ts): a write at version v whose read ran just before
 * a concurrent write moved the row to v+1 is refused with CONFLICT, and `currentVersion` is the
 * version in the database (v+1), so the client's retry with it succeeds. Before the helper, routes,
 * lots and admissions reported the version their own read saw (v), and the retry conflicted again.
 * The race is replayed with readStaleVersionOnce, so it runs on both databases; races.test.ts runs
 * real concurrent pairs on the server pass.
 */
let database: TestDatabase;
let procurement: TestSubgraph;
const admin = personaViewer('platform-admin');

beforeAll(async () => {
  database = await createTestDatabase();
  procurement = await startTestSubgraph(procurementSubgraph, database.url);
  await seedDemoData(procurement.dataSource);
});
afterAll(async () => {
  await procurement?.stop();
  await database?.drop();
});

async function versionOf(table: string, id: string): Promise<number> {
  const [row] = (await procurement.dataSource.query(`SELECT version FROM procurement.${table} WHERE id = $1`, [id])) as {
    version: number;
  }[];
  return row!.version;
}

/**
 * `write(version, attempt)` once at the current version (the winner), then again at that same version
 * with the service's read made stale (the loser): CONFLICT naming the winner's version; then a retry
 * at the reported version succeeds.
 */
async function loseThenRetry(
  table: string,
  id: string,
  write: (version: number, attempt: string) => ReturnType<TestSubgraph['execute']>,
): Promise<Refusal> {
  const seen = await versionOf(table, id);
  const winner = await write(seen, 'winner');
  expect(codesOf(winner)).toEqual([]);
  expect(await versionOf(table, id)).toBe(seen + 1);

  const disarm = readStaleVersionOnce(procurement.dataSource, id, seen);
  let refusal: Refusal;
  try {
    refusal = refusalOf(await write(seen, 'loser'));
    expect(refusal).toMatchObject({ code: 'CONFLICT', currentVersion: seen + 1 });
    expect(refusal.message).toMatch(/changed since version/);
  } finally {
    disarm();
  }
  expect(await versionOf(table, id)).toBe(seen + 1);

  const retry = await write(seen + 1, 'retry');
  expect(codesOf(retry)).toEqual([]);
  expect(await versionOf(table, id)).toBe(seen + 2);
  return refusal;
}

describe('a write that lost a version race reports the version in the database', () => {
  test('a route', async () => {
    const routeId = demoProcurementRoute('RM6302').id;
    await loseThenRetry('route', routeId, (version, attempt) =>
      procurement.execute(
        `mutation ($input: UpdateProcurementRouteInput!) { updateProcurementRoute(input: $input) { procurementRoute { version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { input: { routeId, version, guidance: `Guidance (${attempt}).` } },
        admin,
      ),
    );
  });

  test('a lot', async () => {
    const lotId = demoLots.find((lot) => lot.routeId === demoProcurementRoute('RM6302').id)!.id;
    await loseThenRetry('lot', lotId, (version, attempt) =>
      procurement.execute(
        `mutation ($input: UpdateLotInput!) { updateLot(input: $input) { lot { version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
        { input: { lotId, version, scope: `Scope (${attempt}).` } },
        admin,
      ),
    );
  });

  test('an admission (suspended by the winner; the loser, re-admitting at the old version, learns the status too)', async () => {
    const liveLots = new Set(demoLots.filter((lot) => lot.routeId === demoProcurementRoute('RM6301').id).map((lot) => lot.id));
    const admissionId = demoAdmissions.find((a) => a.status === 'ADMITTED' && liveLots.has(a.lotId))!.id;
    const decide = `mutation ($input: DecideAdmissionInput!) { decideAdmission(input: $input) { admission { status version } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`;
    const refusal = await loseThenRetry('admission', admissionId, (version, attempt) =>
      procurement.execute(
        decide,
        { input: { admissionId, version, decision: attempt === 'winner' ? 'SUSPENDED' : 'ADMITTED', reason: `Decision (${attempt}).` } },
        admin,
      ),
    );
    expect(refusal.currentStatus).toBe('SUSPENDED');
    const [{ status }] = await procurement.dataSource.query(`SELECT status FROM procurement.admission WHERE id = $1`, [admissionId]);
    expect(status).toBe('ADMITTED');
  });
});
