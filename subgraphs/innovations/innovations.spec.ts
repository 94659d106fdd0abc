import { MAX_SEARCH_LENGTH } from './services/innovation-search';
import { demoInnovation, demoInnovations, type DemoInnovation } from '../../demo-data/innovations';
import { demoOrganisation, demoSuppliers } from '../../demo-data/organisations';
import type { Viewer } from '../../platform/identity';
import { MAX_PAGE_SIZE } from '../../platform/pagination';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { startTestSubgraph, type TestSubgraph } from '../../tests/support/subgraph-harness';
import { Innovation } from './entities';
import { seedDemoData } from './seed';
import { innovationsSubgraph } from './subgraph';

let database: TestDatabase;
let innovations: TestSubgraph;

beforeAll(async () => {
  database = await createTestDatabase();
  innovations = await startTestSubgraph(innovationsSubgraph, database.url);
  await seedDemoData(innovations.dataSource);
});
afterAll(async () => {
  await innovations?.stop();
  await database?.drop();
});

/**
 * This spec is about the catalogue's queries over every row (filters, search, pagination, batching),
 * so it runs as a platform admin, who sees innovations in every status. An anonymous caller now sees
 * only APPROVED ones; what each viewer sees is innovations-authorization.spec.ts's subject.
 */
const platformAdmin: Viewer = {
  personId: '00000000-0000-4000-8000-0000000000a1',
  email: 'admin@roads-innovation.example',
  organisationId: demoOrganisation('ips-body').id,
  organisationKind: 'TRADE_BODY',
  membershipStatus: 'ACTIVE',
  organisationRoles: ['ORG_ADMIN'],
  platformRoles: ['PLATFORM_ADMIN'],
};
const execute = (query: string, variables?: Record<string, unknown>) => innovations.execute(query, variables, platformAdmin);

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** The catalogue order: title, then id. */
const sorted = (list: DemoInnovation[]) => [...list].sort((a, b) => compare(a.title, b.title) || compare(a.id, b.id));
const ofSupplier = (supplierId: string) => sorted(demoInnovations.filter((i) => i.supplierId === supplierId));

const entitiesQuery = (selection: string, variables = '') =>
  `query ($representations: [_Any!]!${variables}) { _entities(representations: $representations) { ${selection} } }`;
const organisations = (...ids: string[]) => ({ representations: ids.map((id) => ({ __typename: 'Organisation', id })) });

describe('innovations subgraph', () => {
  it('seeds the demo data once, however often it is asked, with every vetting status', async () => {
    await seedDemoData(innovations.dataSource);
    const repository = innovations.dataSource.getRepository(Innovation);
    expect(await repository.count()).toBe(demoInnovations.length);
    expect(demoInnovations.length).toBeGreaterThanOrEqual(110);
    const statuses = await repository.createQueryBuilder('i').select('DISTINCT i.status', 'status').getRawMany<{ status: string }>();
    expect(statuses.map((s) => s.status).sort()).toEqual([
      'APPROVED',
      'ARCHIVED',
      'CHANGES_REQUESTED',
      'DRAFT',
      'REJECTED',
      'SUBMITTED',
      'UNDER_REVIEW',
      'WITHDRAWN',
    ]);
  });

  it('finds one innovation by id, with its supplier as a reference', async () => {
    const graphene = demoInnovation('graphene-enhanced-asphalt-binder');
    const { data, errors, statements } = await execute(
      `query ($id: ID!) { innovation(id: $id) {
          id title summary description category tags trl status pricingModel supplier { id } createdAt updatedAt } }`,
      { id: graphene.id },
    );
    expect(errors).toBeUndefined();
    expect(data?.innovation).toEqual({
      id: graphene.id,
      title: 'Graphene-enhanced asphalt binder',
      summary: graphene.summary,
      description: graphene.description,
      category: 'SURFACING_AND_MATERIALS',
      tags: graphene.tags,
      trl: graphene.trl,
      status: graphene.status,
      pricingModel: graphene.pricingModel,
      supplier: { id: graphene.supplierId },
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
      updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
    });
    expect(statements).toBe(1);
  });

  it('answers null for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    const unknown = await execute(`{ innovation(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.innovation).toBeNull();

    const malformed = await execute(`{ innovation(id: "graphene") { id } }`);
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(malformed.statements).toBe(0);
  });

  it.each([
    ['a TRL below 1', `{ innovations(filter: { trlAtLeast: 0 }) { totalCount } }`],
    ['a TRL above 9', `{ innovations(filter: { trlAtMost: 10 }) { totalCount } }`],
    ['TRL bounds the wrong way round', `{ innovations(filter: { trlAtLeast: 8, trlAtMost: 5 }) { totalCount } }`],
    ['a malformed supplier id', `{ innovations(filter: { supplierIds: ["resurface-tech"] }) { totalCount } }`],
    ['a page larger than the cap', `{ innovations(first: ${MAX_PAGE_SIZE + 1}) { totalCount } }`],
    ['a forged cursor', `{ innovations(after: "not-a-cursor") { totalCount } }`],
  ])('rejects %s with BAD_USER_INPUT without touching the database', async (_case, query) => {
    const { data, errors, statements } = await execute(query);
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // `innovations` is nullable (an innovations outage must not null the rest of an answer), so the
    // refusal nulls that field alone.
    expect(data).toEqual({ innovations: null });
    expect(statements).toBe(0);
  });

  it('filters by category, status, TRL range and supplier', async () => {
    const { data, errors } = await execute(
      `{ innovations(first: 100, filter: { categories: [STREET_LIGHTING, WINTER_SERVICE], statuses: [APPROVED], trlAtLeast: 8, trlAtMost: 9 }) {
          totalCount edges { node { title category status trl } } } }`,
    );
    expect(errors).toBeUndefined();
    const expected = sorted(
      demoInnovations.filter((i) => ['STREET_LIGHTING', 'WINTER_SERVICE'].includes(i.category) && i.status === 'APPROVED' && i.trl >= 8),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(data?.innovations.totalCount).toBe(expected.length);
    expect(data?.innovations.edges.map((e: any) => e.node)).toEqual(
      expected.map(({ title, category, status, trl }) => ({ title, category, status, trl })),
    );

    const voltway = demoOrganisation('voltway').id;
    const bySupplier = await execute(`query ($ids: [ID!]) { innovations(filter: { supplierIds: $ids }) { totalCount } }`, {
      ids: [voltway.toUpperCase()],
    });
    expect(bySupplier.data?.innovations.totalCount).toBe(ofSupplier(voltway).length);
  });

  it('searches title, summary, tags and description by word prefix, best match first; user syntax is never tsquery', async () => {
    // "gull" is a prefix of "gully"/"gullies": prefix matching finds them all.
    const { data } = await execute(`{ innovations(first: 100, search: "GULL") { edges { node { title summary } } } }`);
    const titles = data?.innovations.edges.map((e: any) => e.node.title) as string[];
    const withGully = demoInnovations.filter((i) => /gull/i.test(i.title));
    expect(withGully.length).toBeGreaterThan(1);
    for (const innovation of withGully) expect(titles).toContain(innovation.title);
    // Title is weighted A: every title match ranks above every row matching only lower down.
    const firstNonTitle = titles.findIndex((t) => !/gull/i.test(t));
    if (firstNonTitle >= 0) expect(titles.slice(firstNonTitle).every((t) => !/gull/i.test(t))).toBe(true);

    // tsquery operators and punctuation are words or nothing, never syntax errors.
    for (const search of ['%', '_', "'", '!&|', 'road & (', 'a:* | b']) {
      const result = await execute(`query ($search: String) { innovations(search: $search) { totalCount } }`, { search });
      expect(result.errors).toBeUndefined();
    }
    const tooLong = await execute(`query ($search: String) { innovations(search: $search) { totalCount } }`, {
      search: 'x'.repeat(MAX_SEARCH_LENGTH + 1),
    });
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'search' });
  });

  it('finds by prefix words added since the catalogue was seeded, and prefixes standing for many words', async () => {
    // A prefix is spelled out from the search vocabulary, which triggers keep on insert and update:
    // "graph" stands for "graphene" alone until another innovation gains "graphite".
    const graphene = demoInnovation('graphene-enhanced-asphalt-binder');
    const gullyPots = demoInnovation('self-cleansing-gully-pots');
    const search = (text: string) =>
      execute(`query ($search: String) { innovations(search: $search, first: 100) { totalCount edges { node { id } } } }`, {
        search: text,
      });
    const ids = async (text: string) => ((await search(text)).data?.innovations.edges.map((e: any) => e.node.id) ?? []).sort();
    expect(await ids('graph')).toEqual([graphene.id]);
    await innovations.dataSource.query(`UPDATE innovations.innovation SET tags = tags || '{graphite}' WHERE id = $1`, [gullyPots.id]);
    try {
      expect(await ids('graph')).toEqual([graphene.id, gullyPots.id].sort());
      expect((await search('graph')).data?.innovations.totalCount).toBe(2);
    } finally {
      await innovations.dataSource.query(`UPDATE innovations.innovation SET tags = array_remove(tags, 'graphite') WHERE id = $1`, [
        gullyPots.id,
      ]);
    }
    // "c" stands for more words than are spelled out: it stays a prefix and still finds them all.
    const [{ count }] = await innovations.dataSource.query(
      `SELECT count(*)::int AS count FROM innovations.innovation WHERE search_vector @@ to_tsquery('english', 'c:*')`,
    );
    const [{ expanded }] = await innovations.dataSource.query(
      `SELECT innovations.search_match_query(to_tsquery('english', 'c:* & gull:*'))::text AS expanded`,
    );
    expect(expanded).toBe(`'c':* & 'gulli'`);
    expect((await search('c')).data?.innovations.totalCount).toBe(count);
  });

  it('pages through the whole catalogue by title with stable cursors and a total count', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total: number;
    do {
      const page: any = await execute(
        `query ($after: String) { innovations(first: 25, after: $after) {
           totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      expect(page.errors).toBeUndefined();
      total = page.data.innovations.totalCount;
      seen.push(...page.data.innovations.edges.map((e: any) => e.node.id));
      after = page.data.innovations.pageInfo.hasNextPage ? page.data.innovations.pageInfo.endCursor : null;
    } while (after);
    expect(total).toBe(demoInnovations.length);
    expect(seen).toEqual(sorted(demoInnovations).map((i) => i.id));
  });

  it('says its counts are exact while few innovations match (estimates start above 1,000 matches)', async () => {
    const { data, errors }: any = await execute(`{
      innovations(first: 1) { totalCount totalCountIsEstimate facets { isEstimate categories { count } } } }`);
    expect(errors).toBeUndefined();
    expect(data.innovations).toMatchObject({
      totalCount: demoInnovations.length,
      totalCountIsEstimate: false,
      facets: { isEstimate: false },
    });
    const categoryTotal = data.innovations.facets.categories.reduce((sum: number, facet: { count: number }) => sum + facet.count, 0);
    expect(categoryTotal).toBe(demoInnovations.length);
  });

  it('answers totalCount and facets asked together from one statement, in whichever order they are selected', async () => {
    const filter = '(first: 2, filter: { trlAtLeast: 7 }, orderBy: TITLE)';
    const countOnly: any = await execute(`{ innovations${filter} { totalCount edges { node { id } } } }`);
    const facetsOnly: any = await execute(`{ innovations${filter} { edges { node { id } } facets { trls { value count } } } }`);
    const expected = demoInnovations.filter((i) => i.trl >= 7).length;
    expect(countOnly.data.innovations.totalCount).toBe(expected);
    // Page + count, page + facets.
    expect([countOnly.statements, facetsOnly.statements]).toEqual([2, 2]);
    for (const selection of [
      'totalCount totalCountIsEstimate facets { trls { value count } }',
      'facets { trls { value count } } totalCount totalCountIsEstimate',
    ]) {
      const both: any = await execute(`{ innovations${filter} { edges { node { id } } ${selection} } }`);
      expect(both.errors).toBeUndefined();
      expect(both.data.innovations).toMatchObject({
        totalCount: expected,
        totalCountIsEstimate: false,
        facets: facetsOnly.data.innovations.facets,
      });
      expect(both.statements).toBe(2);
    }
  });

  it('resolves Innovation entities in one batch (_entities)', async () => {
    const [first, second] = [demoInnovation('self-cleansing-gully-pots'), demoInnovation('adaptive-led-street-lighting-with-cms')];
    const { data, errors, statements } = await execute(entitiesQuery('... on Innovation { id title supplier { id } }'), {
      representations: [
        { __typename: 'Innovation', id: first.id },
        { __typename: 'Innovation', id: '00000000-0000-4000-8000-000000000000' },
        { __typename: 'Innovation', id: second.id },
      ],
    });
    expect(errors).toBeUndefined();
    expect(data?._entities).toEqual([
      { id: first.id, title: 'Self-cleansing gully pots', supplier: { id: first.supplierId } },
      null,
      { id: second.id, title: 'Adaptive LED street lighting with CMS', supplier: { id: second.supplierId } },
    ]);
    expect(statements).toBe(1);
  });

  it('lists the innovations of many organisations with one page statement and one count statement (_entities)', async () => {
    const selection = '... on Organisation { id innovations(first: 2) { totalCount edges { node { title } } pageInfo { hasNextPage } } }';
    const five = demoSuppliers.slice(0, 5).map((s) => s.id);
    const { data, errors, statements } = await execute(entitiesQuery(selection), organisations(...five));
    expect(errors).toBeUndefined();
    expect(data?._entities).toEqual(
      five.map((id) => {
        const own = ofSupplier(id);
        return {
          id,
          innovations: {
            totalCount: own.length,
            edges: own.slice(0, 2).map((i) => ({ node: { title: i.title } })),
            pageInfo: { hasNextPage: own.length > 2 },
          },
        };
      }),
    );
    expect(statements).toBe(2);

    // Every supplier, plus a council that supplies nothing: still one page and one count statement.
    const all = [...demoSuppliers.map((s) => s.id), demoOrganisation('kent').id];
    const everyone = await execute(entitiesQuery(selection), organisations(...all));
    expect(everyone.errors).toBeUndefined();
    expect(everyone.data?._entities).toHaveLength(all.length);
    expect(everyone.data?._entities.at(-1)).toEqual({
      id: demoOrganisation('kent').id,
      innovations: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false } },
    });
    expect(everyone.statements).toBe(2);
  });

  it('counts only when totalCount is selected, and batches once per distinct argument set', async () => {
    const ids = demoSuppliers.map((s) => s.id);
    const withoutCount = await execute(
      entitiesQuery('... on Organisation { innovations(first: 3) { edges { node { title } } } }'),
      organisations(...ids),
    );
    expect(withoutCount.errors).toBeUndefined();
    expect(withoutCount.statements).toBe(1);

    const twoArgumentSets = await execute(
      entitiesQuery(`... on Organisation { id
          approved: innovations(first: 5, filter: { statuses: [APPROVED] }) { totalCount edges { node { status } } }
          everything: innovations(first: 5) { totalCount } }`),
      organisations(...ids),
    );
    expect(twoArgumentSets.errors).toBeUndefined();
    expect(twoArgumentSets.statements).toBe(4);
    for (const organisation of twoArgumentSets.data?._entities ?? []) {
      const own = ofSupplier(organisation.id);
      expect(organisation.approved.totalCount).toBe(own.filter((i) => i.status === 'APPROVED').length);
      expect(organisation.approved.edges.every((e: any) => e.node.status === 'APPROVED')).toBe(true);
      expect(organisation.everything.totalCount).toBe(own.length);
    }
  });

  it("pages through one supplier's innovations with cursors", async () => {
    const supplier = demoOrganisation('signal-logic').id;
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await execute(
        entitiesQuery(
          '... on Organisation { innovations(first: 3, after: $after) { edges { node { title } } pageInfo { hasNextPage endCursor } } }',
          ', $after: String',
        ),
        { ...organisations(supplier), after },
      );
      expect(page.errors).toBeUndefined();
      expect(page.statements).toBe(1);
      const connection = page.data._entities[0].innovations;
      seen.push(...connection.edges.map((e: any) => e.node.title));
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(ofSupplier(supplier).map((i) => i.title));
  });

  it('rejects a malformed organisation id or an oversized page without touching the database', async () => {
    const malformed = await execute(entitiesQuery('... on Organisation { innovations { totalCount } }'), organisations('signal-logic'));
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(malformed.statements).toBe(0);

    const big = await execute(
      entitiesQuery(`... on Organisation { innovations(first: ${MAX_PAGE_SIZE + 1}) { totalCount } }`),
      organisations(demoOrganisation('voltway').id),
    );
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(big.statements).toBe(0);
  });
});

describe('has_confirmed_evidence, kept by triggers on evidence', () => {
  const withConfirmedEvidence = `SELECT innovation.id FROM innovations.innovation innovation
     WHERE EXISTS (SELECT 1 FROM innovations.evidence WHERE evidence.innovation_id = innovation.id AND evidence.confirmation = 'CONFIRMED')`;

  it('hasConfirmedEvidence lists exactly the innovations an authority confirmed evidence of, and false the others', async () => {
    const truth: { id: string }[] = await innovations.dataSource.query(withConfirmedEvidence);
    const list = async (hasConfirmedEvidence: boolean) => {
      const { data, errors }: any = await execute(
        `query ($value: Boolean) {
        innovations(first: 100, filter: { hasConfirmedEvidence: $value }) { totalCount edges { node { id } } } }`,
        { value: hasConfirmedEvidence },
      );
      expect(errors).toBeUndefined();
      return { count: data.innovations.totalCount, ids: data.innovations.edges.map((edge: any) => edge.node.id).sort() };
    };
    expect(truth.length).toBeGreaterThan(0);
    expect(truth.length).toBeLessThanOrEqual(100);
    expect(await list(true)).toEqual({ count: truth.length, ids: truth.map((row) => row.id).sort() });
    expect((await list(false)).count).toBe(demoInnovations.length - truth.length);
  });

  it('follows every insert, update and delete of evidence, one row or many at a time', async () => {
    const runner = innovations.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      const [a, b]: { id: string }[] = await runner.query(
        `SELECT id FROM innovations.innovation WHERE id NOT IN (${withConfirmedEvidence}) ORDER BY id LIMIT 2`,
      );
      const flags = async () =>
        (
          await runner.query(`SELECT id, has_confirmed_evidence AS flag FROM innovations.innovation WHERE id = ANY($1) ORDER BY id`, [
            [a!.id, b!.id],
          ])
        ).map((row: { flag: boolean }) => row.flag);
      const insert = (confirmation: string, ...ids: string[]) =>
        runner.query(
          `INSERT INTO innovations.evidence (innovation_id, kind, title, authority_id, started_on, confirmation)
           SELECT id, 'TRIAL', 'Trial', gen_random_uuid(), date '2026-01-01', $2 FROM unnest($1::uuid[]) id RETURNING id`,
          [ids, confirmation],
        );
      expect(await flags()).toEqual([false, false]);
      const [unconfirmed] = await insert('UNCONFIRMED', a!.id);
      expect(await flags()).toEqual([false, false]);
      await runner.query(`UPDATE innovations.evidence SET confirmation = 'CONFIRMED' WHERE id = $1`, [unconfirmed.id]);
      expect(await flags()).toEqual([true, false]);
      // Many rows in one statement, for both innovations.
      await insert('CONFIRMED', a!.id, b!.id);
      expect(await flags()).toEqual([true, true]);
      // One of a's two confirmed items disputed: still confirmed evidence.
      await runner.query(`UPDATE innovations.evidence SET confirmation = 'DISPUTED' WHERE id = $1`, [unconfirmed.id]);
      expect(await flags()).toEqual([true, true]);
      await runner.query(`DELETE FROM innovations.evidence WHERE innovation_id = $1 AND confirmation = 'CONFIRMED'`, [a!.id]);
      expect(await flags()).toEqual([false, true]);
      // Moved from b to a.
      await runner.query(`UPDATE innovations.evidence SET innovation_id = $1 WHERE innovation_id = $2`, [a!.id, b!.id]);
      expect(await flags()).toEqual([true, false]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
