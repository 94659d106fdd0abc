import { openDatabase } from '../../platform/database';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { testPool } from '../../tests/support/subgraph-harness';
import { entities } from './entities';
import { migrations } from './migrations';

/**
 * The migrations since procurement went live, run over rows written by the ones before: every
 * route keeps the status it had stored, and a blanket conflict declaration becomes one per
 * responding supplier.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

test('routes keep their stored status as dates; declarations become per supplier', async () => {
  const before = await openDatabase({
    schema: 'procurement',
    url: database.url,
    pool: testPool,
    entities: [],
    migrations: migrations.slice(0, 2),
    logErrors: false,
  });
  await before.migrate();
  const q = (sql: string, parameters: unknown[] = []) => before.dataSource.query(sql, parameters);
  const owner = '00000000-0000-4000-8000-000000000001';
  const statuses = ['COMING', 'OPEN', 'PENDING', 'STANDSTILL', 'LIVE', 'EXPIRED'];
  for (const [index, status] of statuses.entries()) {
    await q(
      `INSERT INTO procurement.route (reference, name, kind, status, regime, owner_id, description, eligible_nations, opens_on, starts_on, expires_on)
       VALUES ($1, 'Route', 'FRAMEWORK', $2, 'PROCUREMENT_ACT_2023', $3, 'A route.', '{ENGLAND}', current_date - 300, current_date - 200, current_date + 1000)`,
      [`R${index}`, status, owner],
    );
  }
  const [{ id: routeId }] = await q(`SELECT id FROM procurement.route WHERE reference = 'R4'`);
  const [{ id: lotId }] = await q(
    `INSERT INTO procurement.lot (route_id, route_kind, number, title, scope, categories, award_procedures)
     VALUES ($1, 'FRAMEWORK', 1, 'Lot', 'Scope.', '{POTHOLE_REPAIR}', '{FURTHER_COMPETITION}') RETURNING id`,
    [routeId],
  );
  const [{ id: projectId }] = await q(
    `INSERT INTO procurement.project (ocid, buyer_id, created_by, title, need, budget, route_id, lot_id, procedure, status)
     VALUES ('ocds-test-1', $1, $1, 'Title', 'Need.', 10, $2, $3, 'FURTHER_COMPETITION', 'DRAFT') RETURNING id`,
    [owner, routeId, lotId],
  );
  const suppliers = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];
  for (const supplier of suppliers) {
    await q(`INSERT INTO procurement.invitation (project_id, supplier_id, invited_at) VALUES ($1, $2, now())`, [projectId, supplier]);
    await q(
      `INSERT INTO procurement.response (project_id, supplier_id, submitted_by, proposal, price, submitted_at, updated_at) VALUES ($1, $2, $2, 'P', 1, now(), now())`,
      [projectId, supplier],
    );
  }
  await q(
    `INSERT INTO procurement.conflict_declaration (project_id, evaluator_id, has_conflict, declared_at) VALUES ($1, $2, false, now())`,
    [projectId, owner],
  );
  await before.close();

  const after = await openDatabase({ schema: 'procurement', url: database.url, pool: testPool, entities, migrations, logErrors: false });
  await after.migrate();
  const derived: { reference: string; status: string }[] = await after.dataSource.query(
    `SELECT reference, CASE WHEN expires_on <= current_date THEN 'EXPIRED' WHEN starts_on <= current_date THEN 'LIVE'
       WHEN standstill_starts_on <= current_date THEN 'STANDSTILL' WHEN applications_close_on <= current_date THEN 'PENDING'
       WHEN opens_on <= current_date THEN 'OPEN' ELSE 'COMING' END AS status
       FROM procurement.route ORDER BY reference`,
  );
  expect(derived.map((row) => row.status)).toEqual(statuses);
  const declarations = await after.dataSource.query(
    `SELECT supplier_id, has_conflict FROM procurement.conflict_declaration ORDER BY supplier_id`,
  );
  expect(declarations).toEqual(suppliers.map((supplier_id) => ({ supplier_id, has_conflict: false })));
  await after.close();
});

test('projects started before the regime was recorded get the one their buyer nation implies', async () => {
  const regimeMigration = migrations.findIndex((migration) => migration.name === 'RecordProjectRegime1764892800000');
  const fresh = await createTestDatabase();
  try {
    const before = await openDatabase({
      schema: 'procurement',
      url: fresh.url,
      pool: testPool,
      entities: [],
      migrations: migrations.slice(0, regimeMigration),
      logErrors: false,
    });
    await before.migrate();
    const q = (sql: string, parameters: unknown[] = []) => before.dataSource.query(sql, parameters);
    const owner = '00000000-0000-4000-8000-000000000001';
    const [{ id: routeId }] = await q(
      `INSERT INTO procurement.route (reference, name, kind, regime, owner_id, description, eligible_nations)
       VALUES ('R', 'Route', 'FRAMEWORK', 'PROCUREMENT_ACT_2023', $1, 'A route.', '{ENGLAND,SCOTLAND}') RETURNING id`,
      [owner],
    );
    const [{ id: lotId }] = await q(
      `INSERT INTO procurement.lot (route_id, route_kind, number, title, scope, categories, award_procedures)
       VALUES ($1, 'FRAMEWORK', 1, 'Lot', 'Scope.', '{POTHOLE_REPAIR}', '{DIRECT_AWARD}') RETURNING id`,
      [routeId],
    );
    for (const [ocid, nation] of [
      ['ocds-s', 'SCOTLAND'],
      ['ocds-e', 'ENGLAND'],
      ['ocds-n', 'NORTHERN_IRELAND'],
      ['ocds-u', null],
    ]) {
      await q(
        `INSERT INTO procurement.project (ocid, buyer_id, buyer_nation, created_by, title, need, budget, route_id, lot_id, procedure, status)
         VALUES ($1, $2, $3, $2, 'Title', 'Need.', 10, $4, $5, 'DIRECT_AWARD', 'DRAFT')`,
        [ocid, owner, nation, routeId, lotId],
      );
    }
    await before.close();
    const after = await openDatabase({ schema: 'procurement', url: fresh.url, pool: testPool, entities, migrations, logErrors: false });
    await after.migrate();
    expect(await after.dataSource.query(`SELECT ocid, regime FROM procurement.project ORDER BY ocid`)).toEqual([
      { ocid: 'ocds-e', regime: 'PROCUREMENT_ACT_2023' },
      { ocid: 'ocds-n', regime: 'PROCUREMENT_ACT_2023' },
      { ocid: 'ocds-s', regime: 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015' },
      { ocid: 'ocds-u', regime: 'PROCUREMENT_ACT_2023' },
    ]);
    // Routes may now be set up under the Scottish regulations.
    await after.dataSource.query(
      `INSERT INTO procurement.route (reference, name, kind, regime, owner_id, description, eligible_nations)
       VALUES ('S', 'Scottish route', 'FRAMEWORK', 'PUBLIC_CONTRACTS_SCOTLAND_REGULATIONS_2015', $1, 'A route.', '{SCOTLAND}')`,
      [owner],
    );
    await after.close();
  } finally {
    await fresh.drop();
  }
});
