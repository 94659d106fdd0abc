import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPeople, demoPersonaPeople } from '../demo-data/people';
import { demoPersona } from '../demo-data/personas';
import { createDigestJob } from '../subgraphs/notifications/services/digest';
import { createRemindersJob } from '../subgraphs/notifications/services/reminders';
import { deliverDomainEvents } from './support/domain-events';
import { changed, refusalFields } from './support/further-competition';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { expectData, signInAll, type UntypedData } from './support/graphql-results';
import { describeOnServer } from './support/test-database';

/**
 * Issue 25 item 5 through the gateway, on the graph's ManualClock: reminders are planned from the
 * events the workflows record (delivered as the relay delivers them, tests/support/domain-events.ts),
 * sent by the `reminders` job on the right working day at 09:00 UK time, never for something done
 * or cancelled, moved with what they remind of, and sent once however many replicas tick. The daily
 * digest is a scheduled job on the same clock.
 */
jest.setTimeout(240_000);

let graph: TestGraph;
const personas = ['kent-buyer', 'resurface-contributor', 'platform-admin'] as const;
let header: (persona: (typeof personas)[number]) => string;
const ok = async (query: string, variables: Record<string, unknown>, authorization: string) =>
  expectData(await graph.execute<UntypedData>(query, variables, authorization));

const resurface = demoOrganisation('resurface-tech').id;
const dpsLot = demoId('lot', 'RM6301/1');
const everyone = [...demoPeople, ...demoPersonaPeople];
const peopleOf = (organisationIds: readonly string[]) =>
  everyone
    .filter((p) => organisationIds.includes(p.organisationId))
    .map((p) => p.id)
    .sort();

/** One replica's job, never started: the tests tick it by hand, at the clock's time. */
const remindersJob = () => createRemindersJob({ dataSource: graph.databases.notifications.dataSource, clock: graph.clock });
/** Delivers what the workflows recorded, then lets the job tick at `at`. */
async function tickAt(at: string): Promise<void> {
  graph.clock.set(at);
  await deliverDomainEvents(graph);
  expect(await remindersJob().runOnce()).toBe(true);
}

/** Who holds a notice of `kind` about `subjectId` (each once: the table's key), straight from the inbox. */
async function told(kind: string, subjectId: string): Promise<string[]> {
  const rows = (await graph.databases.notifications.dataSource.query(
    `SELECT person_id FROM notifications.notification WHERE kind = $1 AND subject_id = $2 ORDER BY person_id`,
    [kind, subjectId],
  )) as { person_id: string }[];
  return rows.map((row) => row.person_id);
}
async function emailed(kind: string, personIds: readonly string[]): Promise<string[]> {
  const rows = (await graph.databases.notifications.dataSource.query(
    `SELECT person_id FROM notifications.notification_email WHERE kind = $1 AND person_id = ANY($2::uuid[]) ORDER BY person_id`,
    [kind, personIds],
  )) as { person_id: string }[];
  return rows.map((row) => row.person_id);
}
async function reminderStates(subjectId: string): Promise<Record<string, string>> {
  const rows = (await graph.databases.notifications.dataSource.query(
    `SELECT key, state, remind_on::text AS "remindOn" FROM notifications.reminder WHERE subject_id = $1 ORDER BY key`,
    [subjectId],
  )) as { key: string; state: string; remindOn: string }[];
  return Object.fromEntries(rows.map((row) => [row.key.replace(`${subjectId}`, '<id>'), `${row.state} ${row.remindOn}`]));
}

let innovationId: string;
beforeAll(async () => {
  graph = await startTestGraph();
  header = await signInAll(graph, personas);
  const found = await ok(
    `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR, SURFACING_AND_MATERIALS] }) { edges { node { id supplier { id } } } } }`,
    {},
    header('kent-buyer'),
  );
  innovationId = found.innovations.edges.map((e: any) => e.node).find((n: any) => n.supplier.id === resurface).id;
});
afterAll(async () => {
  await graph?.stop();
});

/** Kent publishes an opportunity on the DPS lot at the clock's time: clarification 6 working days, responses 12. */
async function publishOpportunity(title: string) {
  const draft = changed<{ id: string; version: number }>(
    await graph.execute<UntypedData>(
      `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id version } ${refusalFields} } }`,
      {
        input: {
          title,
          need: 'Sensors in 500 gullies.',
          budget: 90000,
          lotId: dpsLot,
          procedure: 'FURTHER_COMPETITION',
          innovationIds: [innovationId],
          criteria: [
            { name: 'Quality', weight: 60 },
            { name: 'Price', weight: 40 },
          ],
        },
      },
      header('kent-buyer'),
    ),
    'createProcurementProject',
    'procurementProject',
  );
  const published = changed<{
    id: string;
    version: number;
    invitedSuppliers: { id: string }[];
    clarificationDeadline: { at: string };
    submissionDeadline: { at: string };
  }>(
    await graph.execute<UntypedData>(
      `mutation($input: PublishProcurementProjectInput!){ publishProcurementProject(input: $input) { procurementProject { id version
        invitedSuppliers(first: 100) { id } clarificationDeadline { at } submissionDeadline { at } } ${refusalFields} } }`,
      { input: { projectId: draft.id, version: draft.version, clarificationWorkingDays: 6, responseWorkingDays: 12 } },
      header('kent-buyer'),
    ),
    'publishProcurementProject',
    'procurementProject',
  );
  return { ...published, invited: published.invitedSuppliers.map((s) => s.id).sort() };
}

describe('an opportunity’s reminders, over the Early May bank holiday 2027', () => {
  let project: Awaited<ReturnType<typeof publishOpportunity>>;
  beforeAll(async () => {
    // Monday 26 April 2027; Monday 3 May is the Early May bank holiday in every UK nation.
    graph.clock.set('2027-04-26T10:00:00Z');
    project = await publishOpportunity('Gully sensors, east Kent');
    await deliverDomainEvents(graph);
  });

  it('plans them from the publication, on procurement’s working days', async () => {
    // Six working days from Monday 26 April, over the holiday: Wednesday 5 May; twelve: Thursday 13 May.
    expect(project.clarificationDeadline.at).toBe('2027-05-05T12:00:00.000Z');
    expect(project.submissionDeadline.at).toBe('2027-05-13T12:00:00.000Z');
    expect(project.invited).toContain(resurface);
    expect(project.invited.length).toBeGreaterThan(1);
    expect(await reminderStates(project.id)).toEqual({
      // Two working days before Wednesday 5 May, skipping Monday 3 May: Friday 30 April (not the holiday).
      'clarification-closing:<id>': 'PLANNED 2027-04-30',
      ...Object.fromEntries(project.invited.map((supplier) => [`responses-due:<id>:${supplier}`, 'PLANNED 2027-05-12'])),
    });
  });

  it('"clarification closes in 2 working days" goes on Friday 30 April from 09:00 BST, once, to every invited supplier', async () => {
    await tickAt('2027-04-29T08:00:00Z');
    await tickAt('2027-04-30T07:59:00Z');
    expect(await told('CLARIFICATION_CLOSING', project.id)).toEqual([]);
    await tickAt('2027-04-30T08:00:00Z');
    const invitedPeople = peopleOf(project.invited);
    expect(await told('CLARIFICATION_CLOSING', project.id)).toEqual(invitedPeople);
    // By email as well, per the default preferences: one row each.
    expect(await emailed('CLARIFICATION_CLOSING', invitedPeople)).toEqual(invitedPeople);
    const inbox = await ok(
      `{ viewer { person { notifications(first: 20) { edges { node { kind title body link subject { typename id } } } } } } }`,
      {},
      header('resurface-contributor'),
    );
    expect(inbox.viewer.person.notifications.edges.map((e: any) => e.node)).toContainEqual({
      kind: 'CLARIFICATION_CLOSING',
      title: 'Clarification closes in 2 working days: Gully sensors, east Kent',
      body: 'Questions about Gully sensors, east Kent may be asked until 13:00 on Wednesday 5 May 2027.',
      link: `/procurement/projects/${project.id}`,
      subject: { typename: 'ProcurementProject', id: project.id },
    });
    // The holiday (the day a count ignoring it would give) and the next tick: nothing more.
    await tickAt('2027-05-03T08:00:00Z');
    await tickAt('2027-05-04T08:00:00Z');
    expect(await told('CLARIFICATION_CLOSING', project.id)).toEqual(invitedPeople);
    expect((await reminderStates(project.id))['clarification-closing:<id>']).toBe('SENT 2027-04-30');
  });

  it('"responses due tomorrow" goes to a supplier that has not submitted, never to one that has', async () => {
    graph.clock.set('2027-05-06T10:00:00Z');
    changed(
      await graph.execute<UntypedData>(
        `mutation($input: SubmitResponseInput!){ submitResponse(input: $input) { procurementResponse { id } ${refusalFields} } }`,
        { input: { projectId: project.id, proposal: 'Our sensors.', price: 80000 } },
        header('resurface-contributor'),
      ),
      'submitResponse',
      'procurementResponse',
    );
    await tickAt('2027-05-11T08:00:00Z');
    expect(await told('RESPONSES_DUE', project.id)).toEqual([]);
    await tickAt('2027-05-12T08:00:00Z');
    const others = project.invited.filter((supplier) => supplier !== resurface);
    expect(await told('RESPONSES_DUE', project.id)).toEqual(peopleOf(others));
    expect(await emailed('RESPONSES_DUE', peopleOf([resurface]))).toEqual([]);
    const states = await reminderStates(project.id);
    expect(states[`responses-due:<id>:${resurface}`]).toBe('MOOT 2027-05-12');
    for (const supplier of others) expect(states[`responses-due:<id>:${supplier}`]).toBe('SENT 2027-05-12');
    // After the deadline nothing is left to send.
    await tickAt('2027-05-13T13:00:00Z');
    expect(await told('RESPONSES_DUE', project.id)).toEqual(peopleOf(others));
  });
});

describe('a cancelled opportunity', () => {
  it('never sends its reminders', async () => {
    graph.clock.set('2027-04-26T11:00:00Z');
    const project = await publishOpportunity('Road studs, Thanet');
    await deliverDomainEvents(graph);
    expect(Object.values(await reminderStates(project.id)).every((state) => state.startsWith('PLANNED'))).toBe(true);
    graph.clock.set('2027-04-27T10:00:00Z');
    const { procurementProject } = await ok(
      `query($id: ID!){ procurementProject(id: $id) { version } }`,
      { id: project.id },
      header('kent-buyer'),
    );
    changed(
      await graph.execute<UntypedData>(
        `mutation($input: CancelProcurementProjectInput!){ cancelProcurementProject(input: $input) { procurementProject { id } ${refusalFields} } }`,
        { input: { projectId: project.id, version: procurementProject.version, reason: 'Budget withdrawn' } },
        header('kent-buyer'),
      ),
      'cancelProcurementProject',
      'procurementProject',
    );
    await deliverDomainEvents(graph);
    expect(Object.values(await reminderStates(project.id)).every((state) => state.startsWith('MOOT'))).toBe(true);
    for (const at of ['2027-04-30T08:00:00Z', '2027-05-12T08:00:00Z']) await tickAt(at);
    expect(await told('CLARIFICATION_CLOSING', project.id)).toEqual([]);
    expect(await told('RESPONSES_DUE', project.id)).toEqual([]);
  });
});

const createEvent = `mutation ($input: CreateEventInput!) { createEvent(input: $input) { event { id } ${refusalFields} } }`;
/** The platform admin schedules a members' webinar at `startsAtLocal` (UK time); Kent's buyer registers. */
async function webinarWithKentRegistered(title: string, startsAtLocal: string, endsAtLocal: string): Promise<string> {
  const { id } = changed<{ id: string }>(
    await graph.execute<UntypedData>(
      createEvent,
      {
        input: {
          title,
          description: 'Members only.',
          kind: 'WEBINAR',
          audience: 'ALL_MEMBERS',
          joinUrl: 'https://meet.example/r',
          hostIds: [demoOrganisation('ips-body').id],
          startsAtLocal,
          endsAtLocal,
        },
      },
      header('platform-admin'),
    ),
    'createEvent',
    'event',
  );
  await ok(`mutation ($id: ID!) { scheduleEvent(id: $id) { event { id } ${refusalFields} } }`, { id }, header('platform-admin'));
  changed(
    await graph.execute<UntypedData>(
      `mutation ($id: ID!) { registerForEvent(eventId: $id) { eventRegistration { status } ${refusalFields} } }`,
      { id },
      header('kent-buyer'),
    ),
    'registerForEvent',
    'eventRegistration',
  );
  return id;
}

describe('a rescheduled webinar', () => {
  it('is reminded of the day before its new day, not its old one', async () => {
    graph.clock.set('2027-06-01T09:00:00Z');
    const kentBuyer = demoPersona('kent-buyer').id;
    const eventId = await webinarWithKentRegistered('Winter maintenance webinar', '2027-06-10T14:00', '2027-06-10T15:00');
    await deliverDomainEvents(graph);
    expect(await reminderStates(eventId)).toEqual({ [`event-tomorrow:<id>:${kentBuyer}`]: 'PLANNED 2027-06-09' });
    graph.clock.set('2027-06-02T09:00:00Z');
    changed(
      await graph.execute<UntypedData>(
        `mutation ($id: ID!) { updateEvent(id: $id, input: { startsAtLocal: "2027-06-15T14:00", endsAtLocal: "2027-06-15T15:00" }) { event { id } ${refusalFields} } }`,
        { id: eventId },
        header('platform-admin'),
      ),
      'updateEvent',
      'event',
    );
    await deliverDomainEvents(graph);
    expect(await reminderStates(eventId)).toEqual({ [`event-tomorrow:<id>:${kentBuyer}`]: 'PLANNED 2027-06-14' });
    await tickAt('2027-06-09T08:00:00Z');
    await tickAt('2027-06-14T07:59:00Z');
    expect(await told('EVENT_TOMORROW', eventId)).toEqual([]);
    await tickAt('2027-06-14T08:00:00Z');
    expect(await told('EVENT_TOMORROW', eventId)).toEqual([kentBuyer]);
    const inbox = await ok(
      `{ viewer { person { notifications(first: 5) { edges { node { kind title body } } } } } }`,
      {},
      header('kent-buyer'),
    );
    expect(inbox.viewer.person.notifications.edges[0].node).toEqual({
      kind: 'EVENT_TOMORROW',
      title: 'Tomorrow: Winter maintenance webinar',
      body: 'Winter maintenance webinar starts at 14:00 tomorrow, Tuesday 15 June 2027. You are registered.',
    });
  });
});

describe('the daily digest on the clock', () => {
  it('gathers held notices once a day, from 07:00 UTC', async () => {
    const dataSource = graph.databases.notifications.dataSource;
    const kentBuyer = demoPersona('kent-buyer').id;
    changed(
      await graph.execute<UntypedData>(
        `mutation($input: UpdateNotificationPreferencesInput!){ updateNotificationPreferences(input: $input) { notificationPreferences { kind } ${refusalFields} } }`,
        { input: { preferences: [{ kind: 'EVENT_TOMORROW', dailyDigest: true }] } },
        header('kent-buyer'),
      ),
      'updateNotificationPreferences',
      'notificationPreferences',
    );
    graph.clock.set('2027-07-01T09:00:00Z');
    const eventId = await webinarWithKentRegistered('Drainage surgery', '2027-07-08T10:00', '2027-07-08T11:00');
    await tickAt('2027-07-07T08:00:00Z');
    expect(await told('EVENT_TOMORROW', eventId)).toEqual([kentBuyer]);
    const digests = async () =>
      (await dataSource.query(
        `SELECT d.id FROM notifications.notification_email d
          WHERE d.person_id = $1 AND d.kind IS NULL AND d.body LIKE '%Tomorrow: Drainage surgery%'`,
        [kentBuyer],
      )) as unknown[];
    const digestJob = createDigestJob({ dataSource, clock: graph.clock });
    graph.clock.set('2027-07-08T06:59:00Z');
    await digestJob.runOnce();
    expect(await digests()).toHaveLength(0);
    graph.clock.set('2027-07-08T07:00:00Z');
    await digestJob.runOnce();
    expect(await digests()).toHaveLength(1);
    graph.clock.set('2027-07-08T12:00:00Z');
    await digestJob.runOnce();
    expect(await digests()).toHaveLength(1);
  });
});

describeOnServer('several replicas', () => {
  it('two reminder jobs ticking at one instant send each reminder once', async () => {
    graph.clock.set('2027-09-01T09:00:00Z');
    const eventId = await webinarWithKentRegistered('Street lighting clinic', '2027-09-09T10:00', '2027-09-09T11:00');
    await deliverDomainEvents(graph);
    graph.clock.set('2027-09-08T08:00:00Z');
    const ran = await Promise.all([remindersJob(), remindersJob(), remindersJob()].map((job) => job.runOnce()));
    expect(ran).toContain(true);
    expect(await told('EVENT_TOMORROW', eventId)).toEqual([demoPersona('kent-buyer').id]);
  });

  it('two digest jobs at one instant send one digest', async () => {
    const dataSource = graph.databases.notifications.dataSource;
    const kentBuyer = demoPersona('kent-buyer').id;
    const digestsOf = async () =>
      (
        (await dataSource.query(`SELECT count(*)::int AS n FROM notifications.notification_email WHERE person_id = $1 AND kind IS NULL`, [
          kentBuyer,
        ])) as { n: number }[]
      )[0]!.n;
    // The reminder of the test before is held for Kent's buyer's digest (EVENT_TOMORROW: daily digest).
    const held = (await dataSource.query(
      `SELECT count(*)::int AS n FROM notifications.notification_email WHERE person_id = $1 AND status = 'HELD'`,
      [kentBuyer],
    )) as { n: number }[];
    expect(held[0]!.n).toBeGreaterThan(0);
    const before = await digestsOf();
    graph.clock.set('2027-09-09T07:00:00Z');
    const jobs = [0, 1].map(() => createDigestJob({ dataSource, clock: graph.clock }));
    expect(await Promise.all(jobs.map((job) => job.runOnce()))).toContain(true);
    expect(await digestsOf()).toBe(before + 1);
  });
});
