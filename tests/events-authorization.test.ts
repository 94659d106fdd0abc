import { buildDemoRegistrations, buildDemoEventInnovations, demoSupportRequests, fullWebinarKey } from '../demo-data/event-engagement';
import { buildDemoEvents } from '../demo-data/events';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPeople } from '../demo-data/people';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { codesOf as codes, refusalOf, signInAll, type Connection } from './support/graphql-results';

/**
 * Who sees and does what in events, by every path through the gateway: registrations (on the
 * event, on the person, on an organisation's upcoming events), join links, attendance, support
 * requests, and every mutation for anonymous and for signed-in callers the rule refuses. Then the
 * federation fields, batched: statement counts stay the same as lists grow.
 */
let graph: TestGraph;
let as: (persona: string) => string;
const personas = [
  'platform-admin',
  'analyst',
  'kent-buyer',
  'kent-admin',
  'cardiff-buyer',
  'resurface-contributor',
  'potholepro-contributor',
];

beforeAll(async () => {
  graph = await startTestGraph();
  as = await signInAll(graph, personas);
});
afterAll(async () => {
  await graph?.stop();
});

/** The demo events are seeded relative to the graph's clock, which these tests do not move. */
const seededAt = () => graph.clock.now();
const webinar = () => buildDemoEvents(seededAt()).find((e) => e.key === fullWebinarKey)!;

describe('join links, registrations and attendance on an event', () => {
  const query = `query ($id: ID!) { event(id: $id) { joinUrl registrations { person { id } } attendanceRate } }`;

  it('the full webinar: a confirmed registrant and the hosts see the link; the waiting list, other members and the public do not', async () => {
    const event = webinar();
    const registrations = buildDemoRegistrations(buildDemoEvents(seededAt()), seededAt()).filter((r) => r.eventId === event.id);
    const confirmed = demoPeople.find((p) => p.id === registrations.find((r) => r.status === 'CONFIRMED')!.personId)!;
    const waiting = demoPeople.find((p) => p.id === registrations.find((r) => r.status === 'WAITING')!.personId)!;
    const link = `https://meet.roads-innovation.example/${fullWebinarKey}`;
    const joinUrlFor = async (authorization?: string) =>
      (await graph.execute(`query ($id: ID!) { event(id: $id) { joinUrl } }`, { id: event.id }, authorization)).data?.event;

    expect(await joinUrlFor(`Bearer ${await graph.tokenFor(confirmed.email)}`)).toEqual({ joinUrl: link });
    expect(await joinUrlFor(`Bearer ${await graph.tokenFor(waiting.email)}`)).toEqual({ joinUrl: null });
    expect(await joinUrlFor(as('analyst'))).toEqual({ joinUrl: link }); // ips-body hosts it
    expect(await joinUrlFor(as('kent-buyer'))).toEqual({ joinUrl: null });
    expect(await joinUrlFor()).toBeNull(); // members only: invisible to the public

    for (const key of ['kent-buyer', 'resurface-contributor']) {
      const result = await graph.execute(query, { id: event.id }, as(key));
      expect(result.data?.event).toEqual({ joinUrl: null, registrations: null, attendanceRate: null });
      expect(codes(result)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    }
    const host = await graph.execute(query, { id: event.id }, as('analyst'));
    expect(host.errors).toBeUndefined();
    expect(host.data?.event.registrations).toHaveLength(registrations.length);
  });

  it('a past showcase co-hosted by a supplier: its people see attendance, another member does not, staff do', async () => {
    const past = buildDemoEvents(seededAt()).find((e) => e.key === 'surfacing-showcase-midlands')!;
    expect(past.status).toBe('COMPLETED');
    const rate = async (key: string) => graph.execute(`query ($id: ID!) { event(id: $id) { attendanceRate } }`, { id: past.id }, as(key));
    expect((await rate('resurface-contributor')).data?.event.attendanceRate).toEqual(expect.any(Number));
    expect((await rate('platform-admin')).data?.event.attendanceRate).toEqual(expect.any(Number));
    const other = await rate('cardiff-buyer');
    expect(other.data?.event).toEqual({ attendanceRate: null });
    expect(codes(other)).toEqual(['FORBIDDEN']);
  });
});

describe('a person’s registrations leak to no one else', () => {
  it('Person.registrations: the person and staff; colleagues, other members and the public get nothing', async () => {
    const person = demoPeople.find((p) =>
      buildDemoRegistrations(buildDemoEvents(seededAt()), seededAt()).some((r) => r.personId === p.id),
    )!;
    const query = `query ($id: ID!) { person(id: $id) { registrations { status event { id } } } }`;
    const self = await graph.execute(query, { id: person.id }, `Bearer ${await graph.tokenFor(person.email)}`);
    expect(self.errors).toBeUndefined();
    expect(self.data?.person.registrations.length).toBeGreaterThan(0);
    expect((await graph.execute(query, { id: person.id }, as('analyst'))).data?.person.registrations.length).toBe(
      self.data?.person.registrations.length,
    );
    for (const key of ['kent-buyer', 'resurface-contributor', 'cardiff-buyer']) {
      const other = await graph.execute(query, { id: person.id }, as(key));
      expect(other.data?.person).toEqual({ registrations: null });
      expect(codes(other)).toEqual(['FORBIDDEN']);
    }
    expect((await graph.execute(query, { id: person.id })).data?.person).toBeNull();
  });

  it('Organisation.upcomingEvents shows what an organisation’s people registered for only to that organisation and staff', async () => {
    const event = buildDemoEvents(seededAt()).find(
      (e) => e.status === 'SCHEDULED' && e.audience === 'PUBLIC' && !e.hostIds.includes(demoOrganisation('cardiff').id),
    )!;
    const registered = await graph.execute(
      `mutation ($id: ID!) { registerForEvent(eventId: $id) { eventRegistration { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: event.id },
      as('cardiff-buyer'),
    );
    expect(codes(registered)).toEqual([]);
    const query = `query ($id: ID!) { organisation(id: $id) { upcomingEvents(first: 100) { id } } }`;
    const ids = async (key?: string) =>
      (
        (
          await graph.execute<{ organisation: { upcomingEvents: { id: string }[] } }>(
            query,
            { id: demoOrganisation('cardiff').id },
            key && as(key),
          )
        ).data?.organisation.upcomingEvents ?? []
      ).map((e) => e.id);
    expect(await ids('cardiff-buyer')).toContain(event.id);
    expect(await ids('analyst')).toContain(event.id);
    expect(await ids('kent-buyer')).not.toContain(event.id);
    expect(await ids()).not.toContain(event.id);
    await graph.execute(
      `mutation ($id: ID!) { cancelEventRegistration(eventId: $id) { eventRegistration { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: event.id },
      as('cardiff-buyer'),
    );
  });

  it('support requests: the requester’s organisation and staff only, by id and in the list', async () => {
    const gwynedd = demoSupportRequests[0]!;
    const byId = `query ($id: ID!) { supportRequest(id: $id) { id messages { body } } }`;
    expect((await graph.execute(byId, { id: gwynedd.id }, as('analyst'))).data?.supportRequest.id).toBe(gwynedd.id);
    for (const key of [undefined, 'kent-buyer', 'resurface-contributor']) {
      expect((await graph.execute(byId, { id: gwynedd.id }, key && as(key))).data?.supportRequest).toBeNull();
    }
    const list = await graph.execute<{ supportRequests: Connection<{ id: string }> }>(
      `{ supportRequests { totalCount edges { node { id } } } }`,
      {},
      as('kent-buyer'),
    );
    expect(list.data?.supportRequests.edges.map((e) => e.node.id)).not.toContain(gwynedd.id);
    expect((await graph.execute(`{ supportRequests { totalCount } }`)).data?.supportRequests.totalCount).toBe(0);
    const close = await graph.execute(
      `mutation ($id: ID!) { closeSupportRequest(id: $id) { supportRequest { status } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { id: gwynedd.id },
      as('kent-admin'),
    );
    expect(codes(close)).toEqual(['NOT_FOUND']);
  });
});

describe('every mutation: anonymous callers are UNAUTHENTICATED; signed-in callers the rule refuses are FORBIDDEN', () => {
  const anyId = '00000000-0000-4000-8000-000000000001';
  const ipsEvent = () =>
    buildDemoEvents(seededAt()).find(
      (e) => e.status === 'SCHEDULED' && e.hostIds[0] === demoOrganisation('ips-body').id && e.audience !== 'SUPPLIERS',
    )!;
  const createInput = (hostKey: string) => ({
    title: 'A',
    description: 'B',
    kind: 'WORKSHOP',
    audience: 'BUYERS',
    venue: 'Somewhere',
    startsAtLocal: '2030-01-10T10:00',
    endsAtLocal: '2030-01-10T11:00',
    hostIds: [demoOrganisation(hostKey).id],
  });
  const mutations: [name: string, query: string, variables: () => Record<string, unknown>][] = [
    [
      'createEvent',
      `mutation ($input: CreateEventInput!) { createEvent(input: $input) { event { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      () => ({ input: createInput('ips-body') }),
    ],
    [
      'updateEvent',
      `mutation ($id: ID!) { updateEvent(id: $id, input: { title: "x" }) { event { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      () => ({ id: ipsEvent().id }),
    ],
    [
      'cancelEvent',
      `mutation ($id: ID!) { cancelEvent(id: $id, reason: "x") { event { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      () => ({ id: ipsEvent().id }),
    ],
    [
      'markAttendance',
      `mutation ($id: ID!) { markAttendance(eventId: $id, attendance: [{ personId: "${anyId}", attended: true }]) { event { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      () => ({ id: ipsEvent().id }),
    ],
    [
      'publishBriefingQuestion',
      `mutation ($id: ID!) { publishBriefingQuestion(eventId: $id, question: "q", answer: "a") { briefingQuestion { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      () => ({ id: ipsEvent().id }),
    ],
    [
      'createFaq',
      `mutation { createFaq(input: { topic: BUYING, question: "q", answer: "a" }) { faq { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      () => ({}),
    ],
    [
      'answerSupportRequest',
      `mutation ($id: ID!) { answerSupportRequest(id: $id, message: "x") { supportRequest { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      () => ({ id: demoSupportRequests[0]!.id }),
    ],
  ];

  it.each(mutations)('%s', async (_name, query, variables) => {
    expect(codes(await graph.execute(query, variables()))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await graph.execute(query, variables(), as('kent-buyer')))).toEqual([
      _name === 'answerSupportRequest' ? 'NOT_FOUND' : 'FORBIDDEN',
    ]);
  });

  it.each([
    [
      'registerForEvent',
      `mutation { registerForEvent(eventId: "${anyId}") { eventRegistration { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    ],
    [
      'cancelEventRegistration',
      `mutation { cancelEventRegistration(eventId: "${anyId}") { eventRegistration { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    ],
    [
      'raiseSupportRequest',
      `mutation { raiseSupportRequest(input: { category: OTHER, subject: "s", message: "m" }) { supportRequest { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    ],
    [
      'closeSupportRequest',
      `mutation { closeSupportRequest(id: "${anyId}") { supportRequest { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    ],
    [
      'reopenSupportRequest',
      `mutation { reopenSupportRequest(id: "${anyId}", message: "m") { supportRequest { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    ],
    [
      'createCalendarFeed',
      `mutation { createCalendarFeed { calendarFeed { path } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
    ],
    ['revokeCalendarFeed', `mutation { revokeCalendarFeed { revoked refusal { code message } } }`],
  ])('%s needs sign-in', async (_name, query) => {
    expect(codes(await graph.execute(query))).toEqual(['UNAUTHENTICATED']);
  });

  it('host admins manage their own organisation’s events only; a buyer cannot register for a suppliers’ event', async () => {
    expect(
      codes(
        await graph.execute(
          `mutation ($input: CreateEventInput!) { createEvent(input: $input) { event { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
          { input: createInput('kent') },
          as('kent-buyer'),
        ),
      ),
    ).toEqual(['FORBIDDEN']);
    const own = await graph.execute(
      `mutation ($input: CreateEventInput!) { createEvent(input: $input) { event { id status viewerCan { manage } } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { input: createInput('kent') },
      as('kent-admin'),
    );
    expect(codes(own)).toEqual([]);
    expect(own.data?.createEvent.event).toMatchObject({ status: 'DRAFT', viewerCan: { manage: true } });
    expect(
      codes(
        await graph.execute(
          `mutation ($id: ID!) { scheduleEvent(id: $id) { event { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
          { id: own.data?.createEvent.event.id },
          as('cardiff-buyer'),
        ),
      ),
    ).toEqual(['NOT_FOUND']);
    const suppliers = buildDemoEvents(seededAt()).find((e) => e.status === 'SCHEDULED' && e.audience === 'SUPPLIERS')!;
    expect(
      codes(
        await graph.execute(
          `mutation ($id: ID!) { registerForEvent(eventId: $id) { eventRegistration { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
          { id: suppliers.id },
          as('kent-buyer'),
        ),
      ),
    ).toEqual(['NOT_FOUND']);
    const tooLong = await graph.execute(
      `mutation ($input: CreateEventInput!) { createEvent(input: $input) { event { id } refusal { code message field ... on StateConflict { reason currentStatus currentVersion } } } }`,
      { input: { ...createInput('kent'), title: 'x'.repeat(201) } },
      as('kent-admin'),
    );
    expect(refusalOf(tooLong)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'title' });
  });
});

describe('federation fields are batched: statement counts do not grow with the lists', () => {
  it('Event fields (seats, waiting list, own registration, join link, registrations, attendance, speakers, questions, capabilities)', async () => {
    const query = `query ($first: Int!) { events(first: $first) { edges { node { id seatsLeft waitingListLength joinUrl attendanceRate
      viewerRegistration { status waitingListPosition } registrations { status waitingListPosition } speakers { id } relatedInnovations { id }
      questions { question } scheduleChanges { startsAt } viewerCan { register manage } } } } }`;
    const few = await graph.execute(query, { first: 3 }, as('platform-admin'));
    const many = await graph.execute(query, { first: 40 }, as('platform-admin'));
    expect(many.errors).toBeUndefined();
    expect(many.data?.events.edges.length).toBeGreaterThan(30);
    expect(many.statements).toBe(few.statements);
  });

  it('Person.registrations across organisations’ people', async () => {
    const query = `query ($first: Int!) { organisations(first: $first) { edges { node { people { registrations { status event { title } } } } } } }`;
    type People = { organisations: Connection<{ people: { registrations: { status: string }[] }[] }> };
    const few = await graph.execute<People>(query, { first: 2 }, as('analyst'));
    const many = await graph.execute<People>(query, { first: 40 }, as('analyst'));
    expect(many.errors).toBeUndefined();
    const registrations = many.data?.organisations.edges.flatMap((e) => e.node.people.flatMap((p) => p.registrations));
    expect(registrations?.length).toBeGreaterThan(20);
    expect(many.statements).toBe(few.statements);
  });

  it('Organisation.upcomingEvents', async () => {
    const query = `query ($first: Int!) { organisations(first: $first) { edges { node { upcomingEvents(first: 5) { title seatsLeft } } } } }`;
    type Upcoming = { organisations: Connection<{ upcomingEvents: unknown[] }> };
    const few = await graph.execute<Upcoming>(query, { first: 2 }, as('analyst'));
    const many = await graph.execute<Upcoming>(query, { first: 60 }, as('analyst'));
    expect(many.errors).toBeUndefined();
    expect(many.data?.organisations.edges.filter((e) => e.node.upcomingEvents.length > 0).length).toBeGreaterThan(5);
    expect(many.statements).toBe(few.statements);
  });

  it('Innovation.events', async () => {
    expect(buildDemoEventInnovations(buildDemoEvents(seededAt())).length).toBeGreaterThan(0);
    const query = `query ($first: Int!) { innovations(first: $first, filter: { statuses: [APPROVED] }) { edges { node { events { title } } } } }`;
    type WithEvents = { innovations: Connection<{ events: unknown[] }> };
    const few = await graph.execute<WithEvents>(query, { first: 2 }, as('analyst'));
    const many = await graph.execute<WithEvents>(query, { first: 100 }, as('analyst'));
    expect(many.errors).toBeUndefined();
    expect(many.data?.innovations.edges.some((e) => e.node.events.length > 0)).toBe(true);
    expect(many.statements).toBe(few.statements);
  });

  it('ProcurementRoute.briefings with attendance by organisation kind and published questions', async () => {
    const query = `query ($first: Int!) { procurementRoutes(first: $first) { edges { node { reference briefings {
      event { title } registeredCount attendedCount attendanceByOrganisationKind { organisationKind registered attended } questions { question } } } } } }`;
    // Routes sort by reference: the first four reach RM6301, the first with briefings.
    type Routes = { procurementRoutes: Connection<{ briefings: { questions: unknown[]; attendanceByOrganisationKind: unknown[] }[] }> };
    const few = await graph.execute<Routes>(query, { first: 4 }, as('analyst'));
    const many = await graph.execute<Routes>(query, { first: 20 }, as('analyst'));
    expect(few.data?.procurementRoutes.edges.some((e) => e.node.briefings.length > 0)).toBe(true);
    expect(many.errors).toBeUndefined();
    const briefings = many.data?.procurementRoutes.edges.flatMap((e) => e.node.briefings);
    expect(briefings?.length).toBeGreaterThan(3);
    expect(briefings?.some((b) => b.questions.length > 0 && b.attendanceByOrganisationKind.length > 0)).toBe(true);
    expect(many.statements).toBe(few.statements);
    expect(graph.lastPlan.sort()).toEqual(['events', 'procurement']);
  });
});
