import { buildDemoEvents, demoRouteId, type DemoEvent } from '../../demo-data/events';
import { demoOrganisation } from '../../demo-data/organisations';
import type { Viewer } from '../../platform/identity';
import { encodeCursor, MAX_PAGE_SIZE } from '../../platform/pagination';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { startTestSubgraph, type ClockedTestSubgraph } from '../../tests/support/subgraph-harness';
import { Event } from './entities';
import { seedDemoData } from './seed';
import { createEventsSubgraph } from './subgraph';

/** The demo is seeded relative to this instant, and the subgraph's clock reads it unless a test moves it. */
const seededAt = new Date('2026-03-04T12:00:00Z');
const demoEvents = buildDemoEvents(seededAt);

let database: TestDatabase;
let events: ClockedTestSubgraph;

beforeAll(async () => {
  database = await createTestDatabase();
  events = await startTestSubgraph(createEventsSubgraph, database.url, { now: seededAt.toISOString() });
  await seedDemoData(events.dataSource, seededAt);
});
afterAll(async () => {
  await events?.stop();
  await database?.drop();
});
afterEach(() => {
  events.clock.set(seededAt);
});

/**
 * This spec is about the events queries over every row (filters, timing, pagination, batching), so
 * it runs as a platform admin, who sees every event, drafts included. An anonymous caller now sees
 * only PUBLIC, non-draft events; what each viewer sees is events-authorization.spec.ts's subject.
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
const execute = (query: string, variables?: Record<string, unknown>) => events.execute(query, variables, platformAdmin);

const byStart = (a: DemoEvent, b: DemoEvent) => a.startsAt.getTime() - b.startsAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const idsInOrder = (list: DemoEvent[]) => [...list].sort(byStart).map((e) => e.id);
const demoEvent = (key: string) => demoEvents.find((e) => e.key === key)!;

describe('events subgraph', () => {
  it('seeds the demo data once, with events either side of the seeding time', async () => {
    await seedDemoData(events.dataSource, new Date('2030-01-01T00:00:00Z'));
    expect(await events.dataSource.getRepository(Event).count()).toBe(demoEvents.length);
    expect(demoEvents.length).toBeGreaterThanOrEqual(30);
    const statuses = new Set(demoEvents.map((e) => e.status));
    expect([...statuses].sort()).toEqual(['CANCELLED', 'COMPLETED', 'DRAFT', 'SCHEDULED']);
    expect(demoEvents.every((e) => (e.status === 'COMPLETED') === (e.endsAt <= seededAt && e.status !== 'CANCELLED'))).toBe(true);
  });

  it('plans demo events in UK time, whatever the season', () => {
    const winter = buildDemoEvents(new Date('2026-01-14T12:00:00Z')).find((e) => e.key === 'dps-briefing-wales')!;
    const summer = buildDemoEvents(new Date('2026-06-10T12:00:00Z')).find((e) => e.key === 'dps-briefing-wales')!;
    expect(winter.startsAt.toISOString().slice(11, 16)).toBe('10:00');
    expect(summer.startsAt.toISOString().slice(11, 16)).toBe('09:00');
  });

  it('finds one event by id, with its hosts and related routes', async () => {
    const wales = demoEvent('dps-briefing-wales');
    const { data, errors, statements } = await execute(
      `query ($id: ID!) { event(id: $id) {
          id title kind audience status startsAt endsAt timeZone venue online capacity
          hosts { id } relatedRoutes { id } } }`,
      { id: wales.id },
    );
    expect(errors).toBeUndefined();
    expect(data?.event).toEqual({
      id: wales.id,
      title: 'Getting on the Highways Innovation DPS: supplier briefing for Wales',
      kind: 'SUPPLIER_BRIEFING',
      audience: 'SUPPLIERS',
      status: 'SCHEDULED',
      startsAt: wales.startsAt.toISOString(),
      endsAt: wales.endsAt.toISOString(),
      timeZone: 'Europe/London',
      venue: 'Cardiff City Hall',
      online: true,
      capacity: 90,
      hosts: [demoOrganisation('ccs'), demoOrganisation('welsh-government'), demoOrganisation('cardiff')].map(({ id }) => ({ id })),
      relatedRoutes: [{ id: demoRouteId('RM6301') }],
    });
    expect(statements).toBe(3);
  });

  it('answers null for an unknown id and BAD_USER_INPUT for a malformed one', async () => {
    const unknown = await execute(`{ event(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.event).toBeNull();

    const malformed = await execute(`{ event(id: "launch-webinar") { id } }`);
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(malformed.statements).toBe(0);
  });

  it('splits upcoming from past events by the clock', async () => {
    const query = `query ($when: EventTiming) { events(first: 100, filter: { when: $when }) { totalCount edges { node { id } } } }`;
    const ids = (result: any) => result.data.events.edges.map((e: any) => e.node.id);

    const upcoming = await execute(query, { when: 'UPCOMING' });
    const past = await execute(query, { when: 'PAST' });
    expect(ids(upcoming)).toEqual(idsInOrder(demoEvents.filter((e) => e.endsAt > seededAt)));
    expect(ids(past)).toEqual(idsInOrder(demoEvents.filter((e) => e.endsAt <= seededAt)));
    expect(upcoming.data?.events.totalCount).toBeGreaterThan(0);
    expect(past.data?.events.totalCount).toBeGreaterThan(0);

    // A year on, every demo event is over.
    events.clock.set(new Date(seededAt.getTime() + 365 * 24 * 60 * 60 * 1000));
    const later = await execute(query, { when: 'UPCOMING' });
    expect(later.data?.events.totalCount).toBe(0);
    expect((await execute(query, { when: 'PAST' })).data?.events.totalCount).toBe(demoEvents.length);
  });

  it('filters by kind, audience, status and start window', async () => {
    const briefings = await execute(
      `{ events(first: 100, filter: { kinds: [SUPPLIER_BRIEFING], audiences: [SUPPLIERS], statuses: [SCHEDULED, COMPLETED] }) {
          totalCount edges { node { id kind audience status } } } }`,
    );
    expect(briefings.errors).toBeUndefined();
    const expected = demoEvents.filter(
      (e) => e.kind === 'SUPPLIER_BRIEFING' && e.audience === 'SUPPLIERS' && ['SCHEDULED', 'COMPLETED'].includes(e.status),
    );
    expect(briefings.data?.events.totalCount).toBe(expected.length);
    expect(briefings.data?.events.edges.map((e: any) => e.node.id)).toEqual(idsInOrder(expected));

    const cancelled = await execute(`{ events(filter: { statuses: [CANCELLED] }) { totalCount } }`);
    expect(cancelled.data?.events.totalCount).toBe(demoEvents.filter((e) => e.status === 'CANCELLED').length);

    const startsAfter = new Date(seededAt.getTime() + 10 * 24 * 60 * 60 * 1000);
    const startsBefore = new Date(seededAt.getTime() + 60 * 24 * 60 * 60 * 1000);
    const window = await execute(`query ($filter: EventFilter) { events(first: 100, filter: $filter) { edges { node { id } } } }`, {
      filter: { startsAfter: startsAfter.toISOString(), startsBefore: startsBefore.toISOString() },
    });
    expect(window.data?.events.edges.map((e: any) => e.node.id)).toEqual(
      idsInOrder(demoEvents.filter((e) => e.startsAt >= startsAfter && e.startsAt < startsBefore)),
    );
  });

  it('pages through events by start time with stable cursors and a total count', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: any = await execute(
        `query ($after: String) { events(first: 7, after: $after) {
           totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
        { after },
      );
      expect(page.errors).toBeUndefined();
      expect(page.data.events.totalCount).toBe(demoEvents.length);
      expect(page.data.events.pageInfo.hasPreviousPage).toBe(pages > 0);
      seen.push(...page.data.events.edges.map((e: any) => e.node.id));
      after = page.data.events.pageInfo.hasNextPage ? page.data.events.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(pages).toBe(Math.ceil(demoEvents.length / 7));
    expect(seen).toEqual(idsInOrder(demoEvents));
  });

  it('rejects bad arguments without touching the database', async () => {
    const withFilter = `query ($filter: EventFilter) { events(filter: $filter) { totalCount } }`;
    const cases: [string, Record<string, unknown>?][] = [
      [`{ events(first: ${MAX_PAGE_SIZE + 1}) { totalCount } }`],
      [`{ events(first: -1) { totalCount } }`],
      [`{ events(after: "not-a-cursor") { totalCount } }`],
      // A well-formed cursor whose sort value is not a start time.
      [`{ events(after: "${encodeCursor({ sortValue: 'Kent', id: demoEvents[0]!.id })}") { totalCount } }`],
      [withFilter, { filter: { startsAfter: '2026-05-01T00:00:00Z', startsBefore: '2026-04-01T00:00:00Z' } }],
      [withFilter, { filter: { startsAfter: 'next Tuesday' } }],
      [`{ event(id: "1") { id } }`],
    ];
    for (const [query, variables] of cases) {
      const result = await execute(query, variables);
      expect({ query, code: result.errors?.[0]?.extensions?.code, statements: result.statements }).toEqual({
        query,
        code: 'BAD_USER_INPUT',
        statements: 0,
      });
    }
  });

  it('loads hosts and routes of a whole page in one statement each, however long the page', async () => {
    const query = (first: number) => `{ events(first: ${first}) { edges { node { title hosts { id } relatedRoutes { id } } } } }`;
    const small = await execute(query(3));
    const large = await execute(query(100));
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    expect(large.data?.events.edges).toHaveLength(demoEvents.length);
    // The page, then the hosts of every event on it, then their routes.
    expect(small.statements).toBe(3);
    expect(large.statements).toBe(3);
  });

  it('resolves Event entities in batches (_entities)', async () => {
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Event { id title hosts { id } relatedRoutes { id } } } }`;
    const briefing = demoEvent('dps-briefing-online');
    const conference = demoEvent('annual-conference');
    const { data, errors, statements } = await execute(query, {
      representations: [
        { __typename: 'Event', id: briefing.id },
        { __typename: 'Event', id: '00000000-0000-4000-8000-000000000000' },
        { __typename: 'Event', id: conference.id },
      ],
    });
    expect(errors).toBeUndefined();
    expect(data?._entities).toEqual([
      {
        id: briefing.id,
        title: briefing.title,
        hosts: briefing.hostIds.map((id) => ({ id })),
        relatedRoutes: [{ id: demoRouteId('RM6301') }],
      },
      null,
      {
        id: conference.id,
        title: conference.title,
        hosts: conference.hostIds.map((id) => ({ id })),
        relatedRoutes: ['RM6301', 'RM6302', 'RM6303', 'RM6304', 'RM6305'].map((code) => ({ id: demoRouteId(code) })),
      },
    ]);
    // Events in one batch, then hosts, then routes.
    expect(statements).toBe(3);

    const all = await execute(query, { representations: demoEvents.map(({ id }) => ({ __typename: 'Event', id })) });
    expect(all.errors).toBeUndefined();
    expect(all.data?._entities).toHaveLength(demoEvents.length);
    expect(all.statements).toBe(3);
  });

  it('resolves Organisation entities with the events they host, a page per organisation in one statement', async () => {
    const hostedBy = (key: string) => demoEvents.filter((e) => e.hostIds.includes(demoOrganisation(key).id));
    const query = `query ($representations: [_Any!]!, $after: String) { _entities(representations: $representations) {
        ... on Organisation { id hostedEvents(first: 3, after: $after) {
          totalCount edges { node { id hosts { id } } } pageInfo { hasNextPage hasPreviousPage endCursor } } } } }`;
    const keys = ['ips-body', 'ccs', 'kent', 'resurface-tech'];
    const unknownOrganisation = '00000000-0000-4000-8000-000000000000';
    const { data, errors, statements } = await execute(query, {
      representations: [
        ...keys.map((key) => ({ __typename: 'Organisation', id: demoOrganisation(key).id })),
        { __typename: 'Organisation', id: unknownOrganisation },
      ],
    });
    expect(errors).toBeUndefined();
    const answered = data?._entities as any[];
    keys.forEach((key, i) => {
      const expected = idsInOrder(hostedBy(key));
      expect(answered[i].id).toBe(demoOrganisation(key).id);
      expect(answered[i].hostedEvents.totalCount).toBe(expected.length);
      expect(answered[i].hostedEvents.edges.map((e: any) => e.node.id)).toEqual(expected.slice(0, 3));
      expect(answered[i].hostedEvents.pageInfo.hasNextPage).toBe(expected.length > 3);
    });
    expect(answered[4]).toEqual({
      id: unknownOrganisation,
      hostedEvents: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null } },
    });
    // The pages of all five organisations, their counts, then the hosts of every event on them.
    expect(statements).toBe(3);

    // The second page of the IPS body's events.
    const ipsBody = answered[0].hostedEvents;
    const next = await execute(query, {
      representations: [{ __typename: 'Organisation', id: demoOrganisation('ips-body').id }],
      after: ipsBody.pageInfo.endCursor,
    });
    expect(next.errors).toBeUndefined();
    expect((next.data?._entities as any[])[0].hostedEvents.edges.map((e: any) => e.node.id)).toEqual(
      idsInOrder(hostedBy('ips-body')).slice(3, 6),
    );
    expect((next.data?._entities as any[])[0].hostedEvents.pageInfo.hasPreviousPage).toBe(true);
  });

  it('rejects an oversized page of hosted events without touching the database', async () => {
    const result = await execute(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on Organisation { hostedEvents(first: ${MAX_PAGE_SIZE + 1}) { totalCount } } } }`,
      { representations: [{ __typename: 'Organisation', id: demoOrganisation('kent').id }] },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.statements).toBe(0);
  });
});
