import { demoOrganisation, demoOrganisations } from '../../demo-data/organisations';
import { demoPersona } from '../../demo-data/personas';
import type { Identity } from '../../platform/identity';
import { MAX_PAGE_SIZE } from '../../platform/pagination';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { startTestSubgraph, type TestSubgraph } from '../../tests/support/subgraph-harness';
import { Organisation, Person } from './entities';
import { seedDemoData } from './seed';
import { findViewerByEmail } from './services/identity.service';
import { membersSubgraph } from './subgraph';

let database: TestDatabase;
let members: TestSubgraph;
/** People are visible to signed-in callers only (policy.ts); a Leeds officer with no special roles. */
let signedIn: Identity;

beforeAll(async () => {
  database = await createTestDatabase();
  members = await startTestSubgraph(membersSubgraph, database.url);
  await seedDemoData(members.dataSource);
  signedIn = await findViewerByEmail(members.dataSource, demoPersona('leeds-viewer').email);
});
afterAll(async () => {
  await members?.stop();
  await database?.drop();
});

describe('members subgraph', () => {
  it('seeds the demo data once, however often it is asked', async () => {
    await seedDemoData(members.dataSource);
    expect(await members.dataSource.getRepository(Organisation).count()).toBe(demoOrganisations.length);
    const nations = await members.dataSource
      .getRepository(Organisation)
      .createQueryBuilder('o')
      .select('DISTINCT o.nation', 'nation')
      .getRawMany<{ nation: string }>();
    expect(nations.map((n) => n.nation).sort()).toEqual(['ENGLAND', 'NORTHERN_IRELAND', 'SCOTLAND', 'WALES']);
  });

  it('finds one organisation by id', async () => {
    const kent = demoOrganisation('kent');
    const { data, errors } = await members.execute(
      `query ($id: ID!) { organisation(id: $id) { id name kind nation region website companiesHouseNumber } }`,
      { id: kent.id },
    );
    expect(errors).toBeUndefined();
    expect(data?.organisation).toEqual({
      id: kent.id,
      name: 'Kent County Council',
      kind: 'COUNTY_COUNCIL',
      nation: 'ENGLAND',
      region: 'South East',
      website: 'https://www.kent.gov.uk',
      companiesHouseNumber: null,
    });
  });

  it('answers null for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    const unknown = await members.execute(`{ organisation(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.organisation).toBeNull();

    const malformed = await members.execute(`{ organisation(id: "kent") { id } }`);
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(malformed.statements).toBe(0);
  });

  it('pages through organisations by name with stable cursors and a total count', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total: number;
    do {
      const page: any = await members.execute(
        `query ($after: String) { organisations(first: 25, after: $after) {
           totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(page.errors).toBeUndefined();
      total = page.data.organisations.totalCount;
      seen.push(...page.data.organisations.edges.map((e: any) => e.node.name));
      after = page.data.organisations.pageInfo.hasNextPage ? page.data.organisations.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBe(demoOrganisations.length);
    expect(seen).toEqual(demoOrganisations.map((o) => o.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('filters by kind, nation and name', async () => {
    const { data } = await members.execute(
      `{ organisations(first: 50, filter: { kinds: [WELSH_COUNCIL], nations: [WALES], nameContains: "council" }) {
          totalCount edges { node { name kind nation } } } }`,
    );
    const expected = demoOrganisations.filter((o) => o.kind === 'WELSH_COUNCIL' && /council/i.test(o.name));
    expect(data?.organisations.totalCount).toBe(expected.length);
    expect(data?.organisations.edges.every((e: any) => e.node.kind === 'WELSH_COUNCIL')).toBe(true);
  });

  it('treats % and _ in a name filter as plain characters', async () => {
    const { data } = await members.execute(`{ organisations(filter: { nameContains: "%" }) { totalCount } }`);
    expect(data?.organisations.totalCount).toBe(0);
  });

  it('rejects a page larger than the cap, and a forged cursor, without touching the database', async () => {
    const big = await members.execute(`{ organisations(first: ${MAX_PAGE_SIZE + 1}) { totalCount } }`);
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(big.statements).toBe(0);
    const forged = await members.execute(`{ organisations(after: "not-a-cursor") { totalCount } }`);
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('loads the people of a whole page of organisations in one statement', async () => {
    const { data, errors, statements } = await members.execute(
      `{ organisations(first: 40) { edges { node { name people { name jobTitle organisation { id } } } } } }`,
      {},
      signedIn,
    );
    expect(errors).toBeUndefined();
    expect(data?.organisations.edges).toHaveLength(40);
    expect(data?.organisations.edges[0].node.people.length).toBeGreaterThan(0);
    // The page, then the people of all 40 organisations; each person's organisation is cached.
    expect(statements).toBe(2);
  });

  it('resolves Organisation and Person entities in batches (_entities)', async () => {
    const person = await members.dataSource.getRepository(Person).findOneByOrFail({ organisationId: demoOrganisation('cardiff').id });
    const { data, errors, statements } = await members.execute(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on Organisation { id name } ... on Person { id name organisation { name } } } }`,
      {
        representations: [
          { __typename: 'Organisation', id: demoOrganisation('highland').id },
          { __typename: 'Organisation', id: demoOrganisation('belfast').id },
          { __typename: 'Person', id: person.id },
          { __typename: 'Organisation', id: '00000000-0000-4000-8000-000000000000' },
        ],
      },
      signedIn,
    );
    expect(errors).toBeUndefined();
    expect(data?._entities).toEqual([
      { id: demoOrganisation('highland').id, name: 'The Highland Council' },
      { id: demoOrganisation('belfast').id, name: 'Belfast City Council' },
      { id: person.id, name: person.name, organisation: { name: 'Cardiff Council' } },
      null,
    ]);
    // Organisations in one batch, people in another, then the person's organisation.
    expect(statements).toBe(3);
  });
});
