import { buildDemoEvents, type DemoEvent } from '../../demo-data/events';
import { demoOrganisation, demoOrganisations } from '../../demo-data/organisations';
import { demoPersona } from '../../demo-data/personas';
import type { Identity, MembershipStatus, Viewer } from '../../platform/identity';
import { createTestDatabase, type TestDatabase } from '../../tests/support/test-database';
import { startTestSubgraph, type TestSubgraph } from '../../tests/support/subgraph-harness';
import { seedDemoData } from './seed';
import { createEventsSubgraph } from './subgraph';

/**
 * Who sees which event, by every path that returns one: `events` (and its totalCount),
 * `event(id)`, `_entities`, `Organisation.hostedEvents` (and its totalCount), and aliases asking
 * the same thing twice. Each viewer row states its own expectation; each path column checks it.
 */
const seededAt = new Date('2026-03-04T12:00:00Z');
const demoEvents = buildDemoEvents(seededAt);

let database: TestDatabase;
let events: TestSubgraph;

beforeAll(async () => {
  database = await createTestDatabase();
  events = await startTestSubgraph(createEventsSubgraph, database.url, { now: seededAt.toISOString() });
  await seedDemoData(events.dataSource, seededAt);
});
afterAll(async () => {
  await events?.stop();
  await database?.drop();
});

function viewerAt(
  organisationKey: string,
  person: { id: string; email: string },
  membershipStatus: MembershipStatus | null,
  platformRoles: Viewer['platformRoles'] = [],
): Viewer {
  const organisation = demoOrganisation(organisationKey);
  return {
    personId: person.id,
    email: person.email,
    organisationId: organisation.id,
    organisationKind: organisation.kind,
    membershipStatus,
    organisationRoles: ['VIEWER'],
    platformRoles,
  };
}
function personaViewer(key: string, membershipStatus: MembershipStatus = 'ACTIVE'): Viewer {
  const persona = demoPersona(key);
  const organisation = demoOrganisations.find((o) => o.id === persona.organisationId)!;
  return { ...viewerAt(organisation.key, persona, membershipStatus, persona.platformRoles), organisationRoles: persona.organisationRoles };
}

const hostedBy = (key: string) => (e: DemoEvent) => e.hostIds.includes(demoOrganisation(key).id);
/** Announced (not DRAFT) events for one of these audiences. */
const announcedFor =
  (...audiences: DemoEvent['audience'][]) =>
  (e: DemoEvent) =>
    e.status !== 'DRAFT' && audiences.includes(e.audience);
const either =
  (...rules: ((e: DemoEvent) => boolean)[]) =>
  (e: DemoEvent) =>
    rules.some((rule) => rule(e));

// A person of an organisation hosting a DRAFT event (asset-data-webinar, with asset-vision).
const draftHost = viewerAt('lincolnshire', { id: '00000000-0000-4000-8000-0000000000b1', email: 'officer@lincolnshire.gov.uk' }, 'ACTIVE');

const viewers: [name: string, viewer: Identity, sees: (e: DemoEvent) => boolean][] = [
  ['anonymous', null, announcedFor('PUBLIC')],
  [
    'supplier A (resurface-tech contributor)',
    personaViewer('resurface-contributor'),
    either(announcedFor('PUBLIC', 'ALL_MEMBERS', 'SUPPLIERS'), hostedBy('resurface-tech')),
  ],
  [
    'supplier B (pothole-pro)',
    personaViewer('potholepro-contributor'),
    either(announcedFor('PUBLIC', 'ALL_MEMBERS', 'SUPPLIERS'), hostedBy('pothole-pro')),
  ],
  ['buyer council X (kent buyer)', personaViewer('kent-buyer'), either(announcedFor('PUBLIC', 'ALL_MEMBERS', 'BUYERS'), hostedBy('kent'))],
  [
    'buyer council Y (cardiff)',
    personaViewer('cardiff-buyer'),
    either(announcedFor('PUBLIC', 'ALL_MEMBERS', 'BUYERS'), hostedBy('cardiff')),
  ],
  ['non-member (Leeds, SUSPENDED)', personaViewer('leeds-viewer', 'SUSPENDED'), either(announcedFor('PUBLIC'), hostedBy('leeds'))],
  ['host of a draft (Lincolnshire)', draftHost, either(announcedFor('PUBLIC', 'ALL_MEMBERS', 'BUYERS'), hostedBy('lincolnshire'))],
  ['assessor', personaViewer('assessor'), either(announcedFor('PUBLIC', 'ALL_MEMBERS', 'SUPPLIERS', 'BUYERS'), hostedBy('ips-body'))],
  ['analyst', personaViewer('analyst'), either(announcedFor('PUBLIC', 'ALL_MEMBERS', 'SUPPLIERS', 'BUYERS'), hostedBy('ips-body'))],
  ['platform admin', personaViewer('platform-admin'), () => true],
];

const byStart = (a: DemoEvent, b: DemoEvent) => a.startsAt.getTime() - b.startsAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const idsInOrder = (list: DemoEvent[]) => [...list].sort(byStart).map((e) => e.id);
const nodeIds = (connection: any) => connection.edges.map((e: any) => e.node.id);
const hostKeys = ['ips-body', 'ccs', 'kent', 'cardiff', 'leeds', 'lincolnshire', 'cornwall', 'resurface-tech', 'pothole-pro', 'dft'];

it('the demo data covers every cell: drafts, each audience, and hosts among the viewers', () => {
  expect(demoEvents.filter((e) => e.status === 'DRAFT').some(hostedBy('lincolnshire'))).toBe(true);
  for (const audience of ['PUBLIC', 'ALL_MEMBERS', 'SUPPLIERS', 'BUYERS'] as const) {
    expect(demoEvents.some(announcedFor(audience))).toBe(true);
  }
  expect(demoEvents.some((e) => e.status === 'CANCELLED')).toBe(true);
});

describe.each(viewers)('events as %s', (_name, viewer, sees) => {
  it('root list: rows and totalCount agree with what is visible, in 2 statements', async () => {
    const { data, errors, statements } = await events.execute(`{ events(first: 100) { totalCount edges { node { id } } } }`, {}, viewer);
    expect(errors).toBeUndefined();
    expect(nodeIds(data?.events)).toEqual(idsInOrder(demoEvents.filter(sees)));
    expect(data?.events.totalCount).toBe(demoEvents.filter(sees).length);
    expect(statements).toBe(2);
  });

  it('root list: filters (statuses: [DRAFT], audiences) narrow but never widen visibility', async () => {
    const { data, errors, statements } = await events.execute(
      `{ drafts: events(first: 100, filter: { statuses: [DRAFT] }) { totalCount edges { node { id } } }
         closed: events(first: 100, filter: { audiences: [SUPPLIERS, BUYERS] }) { totalCount edges { node { id } } } }`,
      {},
      viewer,
    );
    expect(errors).toBeUndefined();
    const drafts = demoEvents.filter((e) => e.status === 'DRAFT' && sees(e));
    const closed = demoEvents.filter((e) => ['SUPPLIERS', 'BUYERS'].includes(e.audience) && sees(e));
    expect(nodeIds(data?.drafts)).toEqual(idsInOrder(drafts));
    expect(data?.drafts.totalCount).toBe(drafts.length);
    expect(nodeIds(data?.closed)).toEqual(idsInOrder(closed));
    expect(data?.closed.totalCount).toBe(closed.length);
    expect(statements).toBe(4);
  });

  it('root by id: visible events answer, invisible ones are null like missing ones, in 1 statement', async () => {
    const query = `{ ${demoEvents.map((e, i) => `e${i}: event(id: "${e.id}") { id }`).join(' ')} }`;
    const { data, errors, statements } = await events.execute(query, {}, viewer);
    expect(errors).toBeUndefined();
    demoEvents.forEach((e, i) =>
      expect({ event: e.key, answer: data?.[`e${i}`] }).toEqual({ event: e.key, answer: sees(e) ? { id: e.id } : null }),
    );
    expect(statements).toBe(1);
  });

  it('_entities: visible Events resolve, invisible ones are null, in 1 statement', async () => {
    const { data, errors, statements } = await events.execute(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Event { id } } }`,
      { representations: demoEvents.map(({ id }) => ({ __typename: 'Event', id })) },
      viewer,
    );
    expect(errors).toBeUndefined();
    expect(data?._entities).toEqual(demoEvents.map((e) => (sees(e) ? { id: e.id } : null)));
    expect(statements).toBe(1);
  });

  it('nested Organisation.hostedEvents: the same rule, counts included, in 2 statements', async () => {
    const { data, errors, statements } = await events.execute(
      `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Organisation {
          hostedEvents(first: 100) { totalCount edges { node { id } } } } } }`,
      { representations: hostKeys.map((key) => ({ __typename: 'Organisation', id: demoOrganisation(key).id })) },
      viewer,
    );
    expect(errors).toBeUndefined();
    hostKeys.forEach((key, i) => {
      const expected = idsInOrder(demoEvents.filter((e) => hostedBy(key)(e) && sees(e)));
      expect({ key, ids: nodeIds(data?._entities[i].hostedEvents), count: data?._entities[i].hostedEvents.totalCount }).toEqual({
        key,
        ids: expected,
        count: expected.length,
      });
    });
    expect(statements).toBe(2);
  });

  it('aliases asking the same thing twice get the same, visible-only answer', async () => {
    const draft = demoEvents.find((e) => e.status === 'DRAFT' && hostedBy('lincolnshire')(e))!;
    const { data, errors, statements } = await events.execute(
      `query ($id: ID!, $representations: [_Any!]!) {
         one: event(id: $id) { id } two: event(id: $id) { id }
         _entities(representations: $representations) { ... on Organisation {
           p: hostedEvents(first: 100) { totalCount edges { node { id } } }
           q: hostedEvents(first: 100) { totalCount edges { node { id } } } } } }`,
      { id: draft.id, representations: [{ __typename: 'Organisation', id: demoOrganisation('lincolnshire').id }] },
      viewer,
    );
    expect(errors).toBeUndefined();
    expect(data?.one).toEqual(sees(draft) ? { id: draft.id } : null);
    expect(data?.two).toEqual(data?.one);
    const expected = idsInOrder(demoEvents.filter((e) => hostedBy('lincolnshire')(e) && sees(e)));
    expect(nodeIds(data?._entities[0].p)).toEqual(expected);
    expect(data?._entities[0].q).toEqual(data?._entities[0].p);
    // By id once, then one page and one count shared by both aliases.
    expect(statements).toBe(3);
  });
});
