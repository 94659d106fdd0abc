import { demoInnovations } from '../../demo-data/innovations';
import { demoOrganisation } from '../../demo-data/organisations';
import type { Identity } from '../../platform/identity';
import { personaViewer } from '../../tests/support/viewers';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { startTestSubgraph, type TestSubgraph } from '../../tests/support/subgraph-harness';
import { Innovation } from './entities';
import { seedDemoData } from './seed';
import { innovationsSubgraph } from './subgraph';

/**
 * Who sees which innovation, by every path that returns one: the catalogue list (and its
 * totalCount), `innovation(id)`, `_entities`, `Organisation.innovations`, and aliases asking the
 * same thing twice. Each viewer row states its own expectation; each path column checks it.
 */
let database: TestDatabase;
let innovations: TestSubgraph;

const supplierA = demoOrganisation('resurface-tech').id;
const supplierB = demoOrganisation('pothole-pro').id;

interface Row {
  id: string;
  supplierId: string;
  status: string;
}

// The demo data gives neither supplier a DRAFT, and only A a REJECTED innovation: add some.
const extras = [
  { supplier: supplierB, title: 'PotholePro unreleased draft patcher', status: 'DRAFT' },
  { supplier: supplierB, title: 'PotholePro rejected spray injector', status: 'REJECTED' },
  { supplier: supplierA, title: 'ReSurface unreleased draft binder', status: 'DRAFT' },
] as const;
let catalogue: Row[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  innovations = await startTestSubgraph(innovationsSubgraph, database.url);
  await seedDemoData(innovations.dataSource);
  const repository = innovations.dataSource.getRepository(Innovation);
  const added = await repository.save(
    extras.map((e) =>
      repository.create({
        supplierId: e.supplier,
        title: e.title,
        summary: 'Not for the public catalogue.',
        description: 'Inserted by the authorization spec.',
        category: 'POTHOLE_REPAIR',
        tags: [],
        trl: 5,
        status: e.status,
        pricingModel: null,
      }),
    ),
  );
  catalogue = [
    ...demoInnovations.map(({ id, supplierId, status }) => ({ id, supplierId, status })),
    ...added.map(({ id, supplierId, status }) => ({ id, supplierId, status })),
  ];
});
afterAll(async () => {
  await innovations?.stop();
  await database?.drop();
});

const approvedOnly = (row: Row) => row.status === 'APPROVED';
const approvedOrOwn = (supplierId: string) => (row: Row) => row.status === 'APPROVED' || row.supplierId === supplierId;
const everything = () => true;

const viewers: [name: string, viewer: Identity, sees: (row: Row) => boolean][] = [
  ['anonymous', null, approvedOnly],
  ['supplier A (resurface-tech contributor)', personaViewer('resurface-contributor'), approvedOrOwn(supplierA)],
  ['supplier B (pothole-pro)', personaViewer('potholepro-contributor'), approvedOrOwn(supplierB)],
  ['buyer council X (kent buyer)', personaViewer('kent-buyer'), approvedOnly],
  ['buyer council Y (cardiff)', personaViewer('cardiff-buyer'), approvedOnly],
  ['assessor', personaViewer('assessor'), everything],
  ['analyst', personaViewer('analyst'), approvedOnly],
  ['platform admin', personaViewer('platform-admin'), everything],
];

/** Every innovation of the two suppliers, in all statuses: the rows the matrix asks about. */
const targets = () => catalogue.filter((row) => row.supplierId === supplierA || row.supplierId === supplierB);
const ids = (rows: Row[]) => rows.map((r) => r.id).sort();
const nodeIds = (connection: any) => connection.edges.map((e: any) => e.node.id).sort();
const allStatuses = ['DRAFT', 'SUBMITTED', 'UNDER_REVIEW', 'CHANGES_REQUESTED', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'ARCHIVED'];
const nonApproved = allStatuses.filter((s) => s !== 'APPROVED');

const entities = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Innovation { id status }
  ... on Organisation { id innovations(first: 100) { totalCount edges { node { id } } } } } }`;

describe.each(viewers)('innovations as %s', (_name, viewer, sees) => {
  it('root list: rows and totalCount agree with what is visible, in 2 statements', async () => {
    const { data, errors, statements } = await innovations.execute(
      `query ($ids: [ID!]) { mine: innovations(first: 100, filter: { supplierIds: $ids }) { totalCount edges { node { id } } }
                             all: innovations(first: 0) { totalCount } }`,
      { ids: [supplierA, supplierB] },
      viewer,
    );
    expect(errors).toBeUndefined();
    expect(nodeIds(data?.mine)).toEqual(ids(targets().filter(sees)));
    expect(data?.mine.totalCount).toBe(targets().filter(sees).length);
    expect(data?.all.totalCount).toBe(catalogue.filter(sees).length);
    // `mine`: page + count; `all`: first 0 needs no page, only the count.
    expect(statements).toBe(3);
  });

  it('root list: a statuses filter narrows but never widens visibility', async () => {
    const { data, errors, statements } = await innovations.execute(
      `query ($statuses: [InnovationStatus!]) { innovations(first: 100, filter: { statuses: $statuses }) { totalCount edges { node { id } } } }`,
      { statuses: nonApproved },
      viewer,
    );
    expect(errors).toBeUndefined();
    const expected = catalogue.filter((row) => row.status !== 'APPROVED' && sees(row));
    expect(nodeIds(data?.innovations)).toEqual(ids(expected));
    expect(data?.innovations.totalCount).toBe(expected.length);
    expect(statements).toBe(2);
  });

  it('root by id: visible ones answer, invisible ones are null like missing ones, in 1 statement', async () => {
    const rows = targets();
    const query = `{ ${rows.map((row, i) => `i${i}: innovation(id: "${row.id}") { id }`).join(' ')} }`;
    const { data, errors, statements } = await innovations.execute(query, {}, viewer);
    expect(errors).toBeUndefined();
    rows.forEach((row, i) => expect({ row, answer: data?.[`i${i}`] }).toEqual({ row, answer: sees(row) ? { id: row.id } : null }));
    expect(statements).toBe(1);
  });

  it('_entities: visible Innovations resolve, invisible ones are null, in 1 statement', async () => {
    const rows = targets();
    const { data, errors, statements } = await innovations.execute(
      entities,
      { representations: rows.map(({ id }) => ({ __typename: 'Innovation', id })) },
      viewer,
    );
    expect(errors).toBeUndefined();
    expect(data?._entities).toEqual(rows.map((row) => (sees(row) ? { id: row.id, status: row.status } : null)));
    expect(statements).toBe(1);
  });

  it('nested Organisation.innovations: the same rule, counts included, in 2 statements', async () => {
    const { data, errors, statements } = await innovations.execute(
      entities,
      { representations: [supplierA, supplierB].map((id) => ({ __typename: 'Organisation', id })) },
      viewer,
    );
    expect(errors).toBeUndefined();
    [supplierA, supplierB].forEach((supplierId, i) => {
      const expected = catalogue.filter((row) => row.supplierId === supplierId && sees(row));
      expect(data?._entities[i].innovations.totalCount).toBe(expected.length);
      expect(nodeIds(data?._entities[i].innovations)).toEqual(ids(expected));
    });
    expect(statements).toBe(2);
  });

  it('aliases asking the same thing twice get the same, visible-only answer', async () => {
    const hidden = targets().find((row) => !approvedOnly(row))!;
    const root = await innovations.execute(
      `query ($id: ID!, $ids: [ID!]) {
         one: innovation(id: $id) { id } two: innovation(id: $id) { id }
         x: innovations(first: 100, filter: { supplierIds: $ids }) { totalCount edges { node { id } } }
         y: innovations(first: 100, filter: { supplierIds: $ids }) { totalCount edges { node { id } } } }`,
      { id: hidden.id, ids: [supplierB] },
      viewer,
    );
    expect(root.errors).toBeUndefined();
    expect(root.data?.one).toEqual(sees(hidden) ? { id: hidden.id } : null);
    expect(root.data?.two).toEqual(root.data?.one);
    const expectedB = catalogue.filter((row) => row.supplierId === supplierB && sees(row));
    for (const alias of ['x', 'y']) {
      expect(nodeIds(root.data?.[alias])).toEqual(ids(expectedB));
      expect(root.data?.[alias].totalCount).toBe(expectedB.length);
    }

    const nested = await innovations.execute(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Organisation {
         p: innovations(first: 100) { totalCount edges { node { id } } }
         q: innovations(first: 100) { totalCount edges { node { id } } } } } }`,
      { representations: [{ __typename: 'Organisation', id: supplierB }] },
      viewer,
    );
    expect(nested.errors).toBeUndefined();
    expect(nodeIds(nested.data?._entities[0].p)).toEqual(ids(expectedB));
    expect(nested.data?._entities[0].q).toEqual(nested.data?._entities[0].p);
    // The same arguments share one loader: still one page and one count statement.
    expect(nested.statements).toBe(2);
  });
});

describe('supplier isolation', () => {
  it("supplier A never sees supplier B's unapproved innovations (DRAFT, REJECTED, …) by any path", async () => {
    const viewer = personaViewer('resurface-contributor');
    const hiddenOfB = catalogue.filter((row) => row.supplierId === supplierB && row.status !== 'APPROVED');
    expect(hiddenOfB.map((r) => r.status)).toEqual(expect.arrayContaining(['DRAFT', 'REJECTED']));
    const seen = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          if (key === 'id' && typeof inner === 'string') seen.add(inner);
          else collect(inner);
        }
      }
    };
    const results = await Promise.all([
      innovations.execute(
        `query ($ids: [ID!], $statuses: [InnovationStatus!]) {
           a: innovations(first: 100, filter: { supplierIds: $ids, statuses: $statuses }) { totalCount edges { node { id } } }
           b: innovations(first: 100, filter: { statuses: $statuses }) { edges { node { id } } } }`,
        { ids: [supplierB], statuses: allStatuses },
        viewer,
      ),
      innovations.execute(`{ ${hiddenOfB.map((row, i) => `i${i}: innovation(id: "${row.id}") { id }`).join(' ')} }`, {}, viewer),
      innovations.execute(entities, { representations: hiddenOfB.map(({ id }) => ({ __typename: 'Innovation', id })) }, viewer),
      innovations.execute(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Organisation {
           innovations(first: 100, filter: { statuses: [DRAFT, REJECTED] }) { totalCount edges { node { id } } } } } }`,
        { representations: [{ __typename: 'Organisation', id: supplierB }] },
        viewer,
      ),
    ]);
    for (const result of results) {
      expect(result.errors).toBeUndefined();
      collect(result.data);
    }
    expect(hiddenOfB.filter((row) => seen.has(row.id))).toEqual([]);
    expect(results[0].data?.a.totalCount).toBe(catalogue.filter((r) => r.supplierId === supplierB && r.status === 'APPROVED').length);
    expect(results[3].data?._entities[0].innovations.totalCount).toBe(0);
  });
});
