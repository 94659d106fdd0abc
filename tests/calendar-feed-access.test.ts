import ICAL from 'ical.js';
import { demoPersona } from '../demo-data/personas';
import { codesOf, developmentBearer, expectData, postGraphQL, type Connection } from './support/graphql-results';
import { startHttpGraph, type HttpGraph } from './support/http-graph';

/**
 * Issue 22 item 6: a calendar feed answers only while its owner could still see what it lists.
 * Every service over HTTP behind our gateway, which serves `GET /calendar/<token>.ics`: after the
 * owner's removal the feed is gone (404); once their organisation is suspended it keeps only what
 * `events` would show them (public events), with no members-only joining link.
 */
jest.setTimeout(120_000);

let graph: HttpGraph;
let base: string;
beforeAll(async () => {
  graph = await startHttpGraph({ nodeEnv: 'test', gateway: true });
  base = graph.gatewayUrl!.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await graph?.stop();
});

/** The data of an operation run over HTTP as a demo persona; throws with the errors if there are any, and fails on a refusal. */
async function as<TData = unknown>(key: string, query: string, variables?: Record<string, unknown>): Promise<TData> {
  const answer = await postGraphQL<TData>(graph.gatewayUrl!, query, variables, await developmentBearer(demoPersona(key).email));
  const data = expectData(answer);
  expect(codesOf(answer)).toEqual([]);
  return data;
}

/** The feed's events: uid (the event id) and joining link. */
async function feed(path: string): Promise<{ status: number; events: { id: string; url: string | null }[] }> {
  const response = await fetch(`${base}${path}`);
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, events: [] };
  const calendar = new ICAL.Component(ICAL.parse(text));
  return {
    status: 200,
    events: calendar.getAllSubcomponents('vevent').map((vevent) => ({
      id: String(vevent.getFirstPropertyValue('uid')).replace(/@.*$/, ''),
      url: (vevent.getFirstPropertyValue('url') as string | null) ?? null,
    })),
  };
}

/** An upcoming online event with a free seat, in one of `audiences`, as `key` sees them. */
async function openOnlineEvent(key: string, audiences: string[]): Promise<string> {
  const { events } = await as<{ events: Connection<{ id: string; online: boolean }> }>(
    key,
    `query ($audiences: [EventAudience!]) {
    events(first: 100, filter: { audiences: $audiences, statuses: [SCHEDULED], when: UPCOMING }) { edges { node { id online } } } }`,
    { audiences },
  );
  const online = events.edges.map((edge) => edge.node).filter((event) => event.online);
  expect(online.length).toBeGreaterThan(0);
  return online[0]!.id;
}

async function registerConfirmed(key: string, eventId: string) {
  const { registerForEvent } = await as<{ registerForEvent: { eventRegistration: { status: string } } }>(
    key,
    `mutation ($id: ID!) { registerForEvent(eventId: $id) { eventRegistration { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    { id: eventId },
  );
  expect(registerForEvent.eventRegistration.status).toBe('CONFIRMED');
}

it("a removed person's feed is gone", async () => {
  const eventId = await openOnlineEvent('resurface-contributor', ['PUBLIC', 'ALL_MEMBERS', 'SUPPLIERS']);
  await registerConfirmed('resurface-contributor', eventId);
  const { path } = (
    await as<{ createCalendarFeed: { calendarFeed: { path: string } } }>(
      'resurface-contributor',
      `mutation { createCalendarFeed { calendarFeed { path } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    )
  ).createCalendarFeed.calendarFeed;
  expect((await feed(path)).events.map((event) => event.id)).toContain(eventId);

  const grace = demoPersona('resurface-contributor');
  await as(
    'resurface-admin',
    `mutation ($id: ID!) { removePerson(personId: $id) { removedPersonId refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    { id: grace.id },
  );

  expect(await feed(path)).toEqual({ status: 404, events: [] });
});

it("a suspended organisation's feed keeps only public events, without members-only links", async () => {
  const membersOnly = await openOnlineEvent('cardiff-buyer', ['ALL_MEMBERS', 'BUYERS']);
  const open = await openOnlineEvent('cardiff-buyer', ['PUBLIC']);
  await registerConfirmed('cardiff-buyer', membersOnly);
  await registerConfirmed('cardiff-buyer', open);
  const { path } = (
    await as<{ createCalendarFeed: { calendarFeed: { path: string } } }>(
      'cardiff-buyer',
      `mutation { createCalendarFeed { calendarFeed { path } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    )
  ).createCalendarFeed.calendarFeed;
  const before = await feed(path);
  expect(before.events.find((event) => event.id === membersOnly)?.url).toMatch(/^https:\/\//);
  expect(before.events.map((event) => event.id)).toContain(open);

  const ffion = demoPersona('cardiff-buyer');
  await as(
    'platform-admin',
    `mutation ($id: ID!) { suspendMembership(organisationId: $id, reason: "Unpaid fees") { membership { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    { id: ffion.organisationId },
  );

  const after = await feed(path);
  expect(after.status).toBe(200);
  expect(after.events.map((event) => event.id)).toContain(open);
  expect(after.events.map((event) => event.id)).not.toContain(membersOnly);

  // Reinstated, the feed lists the members-only event and its link again.
  await as(
    'platform-admin',
    `mutation ($id: ID!) { reinstateMembership(organisationId: $id, reason: "Paid") { membership { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    { id: ffion.organisationId },
  );
  expect((await feed(path)).events.find((event) => event.id === membersOnly)?.url).toMatch(/^https:\/\//);
});
