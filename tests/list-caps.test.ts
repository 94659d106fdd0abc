import type { DataSource } from 'typeorm';
import { startTestGraph, type TestGraph } from './support/graph-harness';

/**
 * Issue 22 item 8: no list grows without bound in one answer. Every list field without pages
 * takes `first` (default and maximum in its description); the subgraph returns at most that many
 * per parent, in the documented order, in one statement for all parents (platform/loaders.ts
 * firstRowsPerParentSql). Here more rows than the cap exist for each main list: the answer holds
 * exactly `first`, and they are the first ones of the full list in its documented order.
 */
jest.setTimeout(120_000);

let graph: TestGraph;
let admin: string;

beforeAll(async () => {
  graph = await startTestGraph();
  admin = `Bearer ${await graph.tokenFor('admin@roads-innovation.example')}`;
});
afterAll(async () => {
  await graph?.stop();
});

type Item = Record<string, unknown> & { id?: string };

/** Runs `document` with `first` and returns the list `pick` finds, failing on any error. */
async function list(
  document: string,
  first: number,
  pick: (data: any) => Item[],
  authorization = admin,
): Promise<{ items: Item[]; statements: number }> {
  const answer = await graph.execute(document, { first }, authorization);
  expect(answer.errors).toBeUndefined();
  return { items: pick(answer.data), statements: answer.statements };
}

/**
 * The cap holds: the full list (at the field's maximum) is longer than `first`, and asking for
 * `first` gives exactly its first `first` items, in the same order, in as many statements.
 */
async function expectCapped(
  document: string,
  pick: (data: any) => Item[],
  options: { first?: number; max?: number; authorization?: string } = {},
) {
  const first = options.first ?? 3;
  const full = await list(document, options.max ?? 100, pick, options.authorization);
  expect(full.items.length).toBeGreaterThan(first);
  const capped = await list(document, first, pick, options.authorization);
  expect(capped.items).toEqual(full.items.slice(0, first));
  expect(capped.statements).toBe(full.statements);
  return full.items;
}

/** Copies one row of `table` `count` times, each copy with `changes` (SQL expressions over the row `t` and copy number `g`). */
async function copyRow(
  dataSource: DataSource,
  table: string,
  where: string,
  parameters: unknown[],
  count: number,
  changes: Record<string, string>,
) {
  const set = Object.entries(changes)
    .map(([column, expression]) => `'${column}', ${expression}`)
    .join(', ');
  await dataSource.query(
    `INSERT INTO ${table}
     SELECT (jsonb_populate_record(NULL::${table}, to_jsonb(t) || jsonb_build_object(${set}))).*
       FROM (SELECT * FROM ${table} WHERE ${where} LIMIT 1) t CROSS JOIN generate_series(1, ${count}) g`,
    parameters,
  );
}

const sortedBy = (items: Item[], key: string, direction: 'ASC' | 'DESC' = 'ASC') => {
  const values = items.map((item) => String(item[key]));
  const sorted = [...values].sort();
  return direction === 'ASC' ? sorted : sorted.reverse();
};

describe('bounded lists', () => {
  it('Organisation.people: the first `first` by name, 20 by default, each organisation its own', async () => {
    const { members } = graph.databases;
    const [{ organisation_id: kent }] = await members.dataSource.query(
      `SELECT organisation_id FROM members.person WHERE email = 'priya.shah@kent.gov.uk'`,
    );
    await copyRow(members.dataSource, 'members.person', 'organisation_id = $1', [kent], 30, {
      id: 'gen_random_uuid()',
      name: `'Copy ' || lpad(g::text, 2, '0')`,
      email: `'copy-' || g || '@kent.gov.uk'`,
    });
    const document = `query ($first: Int) { organisation(id: "${kent}") { people(first: $first) { id name } } }`;
    const people = await expectCapped(document, (data) => data.organisation.people, { first: 5 });
    expect(people.map((person) => person.name)).toEqual(sortedBy(people, 'name'));
    // Without `first`: the default, 20, of the 30-odd people.
    const byDefault = await graph.execute<{ organisation: { people: Item[] } }>(
      `{ organisation(id: "${kent}") { people { id } } }`,
      {},
      admin,
    );
    expect(byDefault.data?.organisation.people.map((person) => person.id)).toEqual(people.slice(0, 20).map((person) => person.id));
    // Many organisations in one statement, each cut to its own `first`.
    const page = await graph.execute<{ organisations: { edges: { node: { id: string; people: Item[] } }[] } }>(
      `{ organisations(first: 20) { edges { node { id people(first: 2) { id } } } } }`,
      {},
      admin,
    );
    expect(page.errors).toBeUndefined();
    for (const { node } of page.data!.organisations.edges) {
      const expected: { id: string }[] = await members.dataSource.query(
        `SELECT id FROM members.person WHERE organisation_id = $1 ORDER BY name, id LIMIT 2`,
        [node.id],
      );
      expect(node.people.map((person) => person.id)).toEqual(expected.map((row) => row.id));
    }
  });

  it('Event.registrations: confirmed first, then the waiting list, at most `first` (up to 1,000)', async () => {
    const { events } = graph.databases;
    const [{ event_id: eventId }] = await events.dataSource.query(
      `SELECT event_id FROM events.event_registration GROUP BY event_id ORDER BY count(*) DESC, event_id LIMIT 1`,
    );
    await copyRow(events.dataSource, 'events.event_registration', 'event_id = $1', [eventId], 6, {
      id: 'gen_random_uuid()',
      person_id: 'gen_random_uuid()',
      status: `CASE WHEN g % 2 = 0 THEN 'WAITING' ELSE 'CONFIRMED' END`,
      attended: 'NULL',
      queue_number: `(SELECT max(queue_number) FROM events.event_registration) + g`,
    });
    const document = `query ($first: Int) { event(id: "${eventId}") { registrations(first: $first) { id status waitingListPosition } } }`;
    const registrations = await expectCapped(document, (data) => data.event.registrations, { first: 4, max: 1000 });
    const rank = { CONFIRMED: 0, WAITING: 1, CANCELLED: 2 } as Record<string, number>;
    const ranks = registrations.map((registration) => rank[registration.status as string]!);
    expect(ranks).toEqual([...ranks].sort());
    const waiting = registrations
      .filter((registration) => registration.status === 'WAITING')
      .map((registration) => registration.waitingListPosition);
    expect(waiting).toEqual(waiting.map((_, index) => index + 1));
  });

  it('Lot.admittedSuppliers: the first `first` by id', async () => {
    const { procurement } = graph.databases;
    const [{ lot_id: lotId, route_id: routeId }] = await procurement.dataSource.query(
      `SELECT admission.lot_id, lot.route_id FROM procurement.admission admission JOIN procurement.lot lot ON lot.id = admission.lot_id
        WHERE admission.status = 'ADMITTED' GROUP BY admission.lot_id, lot.route_id ORDER BY count(*) DESC LIMIT 1`,
    );
    await copyRow(procurement.dataSource, 'procurement.admission', `lot_id = $1 AND status = 'ADMITTED'`, [lotId], 5, {
      id: 'gen_random_uuid()',
      supplier_id: 'gen_random_uuid()',
    });
    // Only the ids: the members service is not asked about the made-up suppliers.
    const document = `query ($first: Int) { procurementRoute(id: "${routeId}") { lots { id admittedSuppliers(first: $first) { id } } } }`;
    const pick = (data: any) => data.procurementRoute.lots.find((lot: Item) => lot.id === lotId).admittedSuppliers;
    const suppliers = await expectCapped(document, pick, { first: 2, authorization: undefined });
    expect(suppliers.map((supplier) => supplier.id)).toEqual(sortedBy(suppliers, 'id'));
  });

  it('Innovation.events, Innovation.endorsements, Organisation.endorsements and Innovation.auditTrail: the first `first` in their orders', async () => {
    const { innovations, events } = graph.databases;
    const [{ id: innovationId }] = await innovations.dataSource.query(
      `SELECT id FROM innovations.innovation WHERE status = 'APPROVED' ORDER BY id LIMIT 1`,
    );
    // Every event shows it (position 99: no link of the seed uses it); the admin sees them all.
    await events.dataSource.query(
      `INSERT INTO events.event_innovation (event_id, innovation_id, position)
       SELECT id, $1, 99 FROM events.event ON CONFLICT DO NOTHING`,
      [innovationId],
    );
    const eventsList = await expectCapped(
      `query ($first: Int) { innovation(id: "${innovationId}") { events(first: $first) { id startsAt } } }`,
      (data) => data.innovation.events,
      { first: 2 },
    );
    expect(eventsList.map((event) => event.startsAt)).toEqual(sortedBy(eventsList, 'startsAt'));

    await innovations.dataSource.query(
      `INSERT INTO innovations.endorsement (innovation_id, organisation_id, person_id, statement, created_at)
       SELECT $1, gen_random_uuid(), gen_random_uuid(), 'Used on the A2', now() - g * interval '1 day' FROM generate_series(1, 5) g`,
      [innovationId],
    );
    const endorsements = await expectCapped(
      `query ($first: Int) { innovation(id: "${innovationId}") { endorsements(first: $first) { id createdAt } } }`,
      (data) => data.innovation.endorsements,
      { first: 2, authorization: undefined },
    );
    expect(endorsements.map((endorsement) => endorsement.createdAt)).toEqual(sortedBy(endorsements, 'createdAt', 'DESC'));

    const [{ organisation_id: endorser }] = await innovations.dataSource.query(
      `SELECT organisation_id FROM innovations.endorsement LIMIT 1`,
    );
    await innovations.dataSource.query(
      `INSERT INTO innovations.endorsement (innovation_id, organisation_id, person_id, statement, created_at)
       SELECT id, $1, gen_random_uuid(), 'We used it', now() - interval '2 days' FROM innovations.innovation WHERE status = 'APPROVED' ON CONFLICT DO NOTHING`,
      [endorser],
    );
    const given = await expectCapped(
      `query ($first: Int) { organisation(id: "${endorser}") { endorsements(first: $first) { id createdAt } } }`,
      (data) => data.organisation.endorsements,
      { first: 2, authorization: undefined },
    );
    expect(given.map((endorsement) => endorsement.createdAt)).toEqual(sortedBy(given, 'createdAt', 'DESC'));

    await innovations.dataSource.query(
      `INSERT INTO innovations.audit_event (innovation_id, action, reason, at)
       SELECT $1, (SELECT action FROM innovations.audit_event LIMIT 1), 'note ' || g, now() FROM generate_series(1, 5) g`,
      [innovationId],
    );
    const trail = await expectCapped(
      `query ($first: Int) { innovation(id: "${innovationId}") { auditTrail(first: $first) { action reason at } } }`,
      (data) => data.innovation.auditTrail,
      { first: 3, max: 1000 },
    );
    expect(trail.slice(-5).map((event) => event.reason)).toEqual(['note 1', 'note 2', 'note 3', 'note 4', 'note 5']);
  });

  it('Organisation.contracts: the first `first` by start date, as buyer or supplier', async () => {
    const { procurement } = graph.databases;
    // Four more contracted projects like the first one, starting a day apart. Every column but the
    // generated ones (the search vector), which PostgreSQL computes itself.
    const columns = (
      await procurement.dataSource.query(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'procurement' AND table_name = 'project' AND is_generated = 'NEVER' ORDER BY ordinal_position`,
      )
    )
      .map((row: { column_name: string }) => row.column_name)
      .join(', ');
    await procurement.dataSource.query(
      `WITH source AS (SELECT * FROM procurement.contract ORDER BY id LIMIT 1),
            copies AS (
              INSERT INTO procurement.project (${columns})
              SELECT ${columns} FROM (
                SELECT (jsonb_populate_record(NULL::procurement.project, to_jsonb(p) || jsonb_build_object('id', gen_random_uuid(), 'ocid', p.ocid || '-copy-' || g))).*
                  FROM procurement.project p JOIN source ON source.project_id = p.id CROSS JOIN generate_series(1, 4) g) copy
              RETURNING id)
       INSERT INTO procurement.contract (project_id, buyer_id, supplier_id, value, starts_on, ends_on, recorded_by, recorded_at, signed_on)
       SELECT copies.id, source.buyer_id, source.supplier_id, source.value, source.starts_on + (row_number() OVER ())::int, source.ends_on + 400, source.recorded_by, source.recorded_at, source.signed_on
         FROM copies CROSS JOIN source`,
    );
    const [{ buyer_id: buyer, supplier_id: supplier }] = await procurement.dataSource.query(
      `SELECT buyer_id, supplier_id FROM procurement.contract ORDER BY id LIMIT 1`,
    );
    for (const organisation of [buyer, supplier]) {
      const contracts = await expectCapped(
        `query ($first: Int) { organisation(id: "${organisation}") { contracts(first: $first) { id startsOn } } }`,
        (data) => data.organisation.contracts,
        { first: 2, authorization: undefined },
      );
      expect(contracts.map((contract) => contract.startsOn)).toEqual(sortedBy(contracts, 'startsOn'));
    }
  });

  it('refuses `first` above a list’s maximum or below 1 with BAD_USER_INPUT', async () => {
    const [{ id: eventId }] = await graph.databases.events.dataSource.query(`SELECT id FROM events.event LIMIT 1`);
    const [{ organisation_id: kent }] = await graph.databases.members.dataSource.query(
      `SELECT organisation_id FROM members.person WHERE email = 'priya.shah@kent.gov.uk'`,
    );
    for (const [document, maximum] of [
      [`{ organisation(id: "${kent}") { people(first: 101) { id } } }`, 100],
      [`{ organisation(id: "${kent}") { people(first: 0) { id } } }`, 100],
      [`{ organisation(id: "${kent}") { contracts(first: -1) { id } } }`, 100],
      [`{ event(id: "${eventId}") { registrations(first: 1001) { id } } }`, 1000],
      [`{ membershipInsights { members { groups(first: 1001) { memberCount } } } }`, 1000],
    ] as const) {
      const answer = await graph.execute(document, {}, admin);
      expect({ document, errors: answer.errors?.map((error) => [error.extensions?.code, error.message]) }).toEqual({
        document,
        errors: [['BAD_USER_INPUT', expect.stringContaining(`"first" must be between 1 and ${maximum}`)]],
      });
    }
  });

  it('an insight’s groups: at most `first`, the total still counted over every row', async () => {
    const analyst = `Bearer ${await graph.tokenFor('analyst@roads-innovation.example')}`;
    const document = `query ($first: Int) { membershipInsights { members(groupBy: [NATION, KIND, TIER], statuses: [ACTIVE, APPLIED, LAPSED, SUSPENDED]) { groups(first: $first) { nation kind tier memberCount } total } } }`;
    const full = await graph.execute<any>(document, { first: 1000 }, analyst);
    expect(full.errors).toBeUndefined();
    const groups = full.data.membershipInsights.members.groups as Item[];
    expect(groups.length).toBeGreaterThan(2);
    const capped = await graph.execute<any>(document, { first: 2 }, analyst);
    expect(capped.data.membershipInsights.members.groups).toEqual(groups.slice(0, 2));
    expect(capped.data.membershipInsights.members.total).toBe(full.data.membershipInsights.members.total);
  });
});
