import { demoId } from '../demo-data/ids';
import { demoOrganisation } from '../demo-data/organisations';
import { demoPeople, demoPersonaPeople } from '../demo-data/people';
import { demoPersona } from '../demo-data/personas';
import { loadNotifyConfig } from '../platform/config';
import { startNotifyStandIn, type NotifyStandIn } from '../scripts/notify-stand-in';
import { createNotifyEmailSender, noticeTemplate } from '../subgraphs/notifications/email/notify-email';
import { handleDomainEvent } from '../subgraphs/notifications/services/delivery';
import { collectDigests, createEmailSender } from '../subgraphs/notifications/services/email-sender';
import { deliverDomainEvents } from './support/domain-events';
import { otherBuyerOf } from './support/evaluation';
import { changed, refusalFields, runFurtherCompetition, type Bidder, type Competition } from './support/further-competition';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { codesOf, expectData, signInAll, type UntypedData } from './support/graphql-results';
import { describeOnServer } from './support/test-database';

/**
 * Issue 25 item 3 through the gateway: the notifications subgraph tells exactly the right people
 * (and not the others) from the domain events the workflows record, delivered from the outboxes
 * as the relay delivers them (tests/support/domain-events.ts); the inbox is its owner's alone;
 * preferences choose the channels except for the notice the law requires; and an email goes
 * through the Notify stand-in once.
 */
jest.setTimeout(240_000);

let graph: TestGraph;
/** Operations as the caller whose Authorization header is given. */
const run = (query: string, variables: Record<string, unknown>, authorization?: string) =>
  graph.execute<UntypedData>(query, variables, authorization);
const ok = async (query: string, variables: Record<string, unknown> = {}, authorization?: string) =>
  expectData(await run(query, variables, authorization));
let header: (caller: string) => string;

const personas = ['kent-buyer', 'kent-admin', 'resurface-contributor', 'resurface-admin', 'platform-admin', 'leeds-viewer'] as const;
const people: Record<string, string> = {
  'green-admin': 'rhys.thomson0@green-binder.example',
  'northern-admin': 'george.macleod0@northern-surfacing.example',
  'lumen-admin': 'eilidh.macleod0@lumen-streets.example',
};
const resurface = demoOrganisation('resurface-tech').id;
const dpsLot = demoId('lot', 'RM6301/1');
const everyone = [...demoPeople, ...demoPersonaPeople];
const peopleOf = (organisationIds: readonly string[]) =>
  everyone
    .filter((p) => organisationIds.includes(p.organisationId))
    .map((p) => p.id)
    .sort();

const inboxQuery = `query($first: Int, $after: String, $unreadOnly: Boolean) { viewer { person { id
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { id kind title body link subject { typename id } createdAt readAt } } }
  unreadNotificationCount } } }`;
const inboxOf = async (caller: string, variables: Record<string, unknown> = {}) =>
  (await ok(inboxQuery, { first: 100, ...variables }, caller)).viewer.person;

/** Who holds a notice of `kind` about `subjectId`, straight from the inbox table: to check nobody else was told. */
async function recipientsOf(kind: string, subjectId: string): Promise<string[]> {
  const rows = (await graph.databases.notifications.dataSource.query(
    `SELECT DISTINCT person_id FROM notifications.notification WHERE kind = $1 AND subject_id = $2 ORDER BY person_id`,
    [kind, subjectId],
  )) as { person_id: string }[];
  return rows.map((row) => row.person_id);
}

const createProject = `mutation($input: CreateProcurementProjectInput!){ createProcurementProject(input: $input) { procurementProject { id version } ${refusalFields} } }`;
const publishProject = `mutation($input: PublishProcurementProjectInput!){ publishProcurementProject(input: $input) { procurementProject { id version invitedSuppliers(first: 100) { id } } ${refusalFields} } }`;

let innovationId: string;
let evaluators: string[];
let moderator: string;

beforeAll(async () => {
  graph = await startTestGraph();
  const signedIn = await signInAll(graph, personas);
  const others = new Map<string, string>();
  for (const [key, email] of Object.entries(people)) others.set(key, `Bearer ${await graph.tokenFor(email)}`);
  header = (caller) => others.get(caller) ?? signedIn(caller as (typeof personas)[number]);
  const found = await ok(
    `{ innovations(first: 100, filter: { statuses: [APPROVED], categories: [POTHOLE_REPAIR, SURFACING_AND_MATERIALS] }) { edges { node { id supplier { id } } } } }`,
  );
  innovationId = found.innovations.edges.map((e: any) => e.node).find((n: any) => n.supplier.id === resurface).id;
  evaluators = [header('kent-buyer'), header('kent-admin')];
  moderator = await otherBuyerOf(graph, demoOrganisation('kent').id, 0);
});
afterAll(async () => {
  await graph?.stop();
});

describe('a published opportunity and its clarifications', () => {
  let projectId: string;
  let invited: string[];
  beforeAll(async () => {
    graph.clock.set('2027-02-01T10:00:00Z');
    const draft = changed<{ id: string; version: number }>(
      await run(
        createProject,
        {
          input: {
            title: 'Pothole repairs, east Kent',
            need: 'Permanent repairs to 2,000 potholes a year.',
            budget: 150000,
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
    const published = changed<{ invitedSuppliers: { id: string }[] }>(
      await run(
        publishProject,
        { input: { projectId: draft.id, version: draft.version, clarificationWorkingDays: 3, responseWorkingDays: 8 } },
        header('kent-buyer'),
      ),
      'publishProcurementProject',
      'procurementProject',
    );
    projectId = draft.id;
    invited = published.invitedSuppliers.map((s) => s.id);
    await deliverDomainEvents(graph);
  });

  it('tells the people of every invited supplier, and nobody else', async () => {
    expect(invited).toContain(resurface);
    expect(invited).not.toContain(demoOrganisation('lumen-streets').id);
    expect(await recipientsOf('PROJECT_PUBLISHED', projectId)).toEqual(peopleOf(invited));
    const grace = await inboxOf(header('resurface-contributor'));
    expect(grace.notifications.edges.map((e: any) => e.node)).toEqual([
      expect.objectContaining({
        kind: 'PROJECT_PUBLISHED',
        title: 'Opportunity published: Pothole repairs, east Kent',
        link: `/procurement/projects/${projectId}`,
        subject: { typename: 'ProcurementProject', id: projectId },
        readAt: null,
      }),
    ]);
    expect(grace.unreadNotificationCount).toBe(1);
    // A supplier not on the lot, the buyer who published it, a council viewer: nothing.
    for (const caller of ['lumen-admin', 'kent-buyer', 'leeds-viewer'])
      expect((await inboxOf(header(caller))).notifications.totalCount).toBe(0);
  });

  it('the same event delivered twice makes one notification', async () => {
    const before = await recipientsOf('PROJECT_PUBLISHED', projectId);
    const [event] = (await graph.databases.procurement.dataSource.query(
      `SELECT id, kind, subject_typename, subject_id, facts, occurred_at FROM procurement.outbox_event WHERE kind = 'project.published' AND subject_id = $1`,
      [projectId],
    )) as any[];
    const again = {
      id: event.id,
      source: 'procurement' as const,
      kind: event.kind,
      occurredAt: new Date(event.occurred_at).toISOString(),
      subject: { typename: event.subject_typename, id: event.subject_id },
      facts: event.facts,
    };
    expect(await handleDomainEvent(graph.databases.notifications.dataSource, again, graph.clock)).toBe(false);
    expect(await recipientsOf('PROJECT_PUBLISHED', projectId)).toEqual(before);
    expect((await inboxOf(header('resurface-contributor'))).notifications.totalCount).toBe(1);
  });

  it('an answered clarification never names the asker to the other suppliers', async () => {
    const asked = changed<{ id: string }>(
      await run(
        `mutation($p: ID!, $q: String!){ askClarificationQuestion(projectId: $p, question: $q) { clarificationQuestion { id } ${refusalFields} } }`,
        { p: projectId, q: 'Does the price include traffic management?' },
        header('resurface-contributor'),
      ),
      'askClarificationQuestion',
      'clarificationQuestion',
    );
    changed(
      await run(
        `mutation($q: ID!, $a: String!){ answerClarificationQuestion(questionId: $q, answer: $a) { clarificationQuestion { id } ${refusalFields} } }`,
        { q: asked.id, a: 'Yes: price it in.' },
        header('kent-buyer'),
      ),
      'answerClarificationQuestion',
      'clarificationQuestion',
    );
    await deliverDomainEvents(graph);
    expect(await recipientsOf('CLARIFICATION_ANSWERED', asked.id)).toEqual(peopleOf(invited));
    const titles = async (caller: string) =>
      (await inboxOf(header(caller))).notifications.edges
        .map((e: any) => e.node)
        .filter((n: any) => n.kind === 'CLARIFICATION_ANSWERED')
        .map((n: any) => `${n.title} | ${n.body}`);
    // The asker's organisation (the asker's colleague too) hears "your question"…
    expect(await titles('resurface-admin')).toEqual([expect.stringMatching(/^Your question was answered/)]);
    expect(await titles('resurface-contributor')).toEqual([expect.stringMatching(/^Your question was answered/)]);
    // …every other invited supplier "a question", with nothing of who asked.
    const other = await titles('green-admin');
    expect(other).toEqual([expect.stringMatching(/^A question was answered/)]);
    for (const name of ['ReSurface', 'Grace', 'Adeyemi', 'your organisation']) expect(other[0]).not.toContain(name);
  });
});

describe('an award', () => {
  let competition: Competition;
  beforeAll(async () => {
    // Quality 60%, Price 40%: ReSurface 80/60 → 72.0, Northern 70/90 → 78.0 (the winner).
    const bidders: Bidder[] = [
      { signIn: header('resurface-contributor'), price: 90000, scores: [80, 60] },
      { signIn: header('northern-admin'), price: 70000, scores: [70, 90] },
    ];
    competition = await runFurtherCompetition(graph, {
      title: 'Award notices',
      buyer: header('kent-buyer'),
      lotId: dpsLot,
      innovationId,
      publishAt: '2027-02-01T10:00:00Z',
      bidders,
      evaluators,
      moderator,
      evaluateAt: '2027-02-12T09:00:00Z',
      awardTo: 1,
    });
    await deliverDomainEvents(graph);
  });

  it("tells each tenderer only its own assessment summary, and the buyer's team of the award", async () => {
    const northern = demoOrganisation('northern-surfacing').id;
    expect(await recipientsOf('ASSESSMENT_SUMMARY', competition.projectId)).toEqual(peopleOf([resurface, northern]));
    const summaries = async (caller: string) =>
      (await inboxOf(header(caller))).notifications.edges
        .map((e: any) => e.node)
        .filter((n: any) => n.kind === 'ASSESSMENT_SUMMARY' && n.subject.id === competition.projectId)
        .map((n: any) => n.title);
    expect(await summaries('resurface-contributor')).toEqual(['Your tender was not successful: Award notices']);
    expect(await summaries('northern-admin')).toEqual(['Your tender won: Award notices']);
    // Invited, but no tender: no summary.
    expect(await summaries('green-admin')).toEqual([]);
    // The buyer's team (ORG_ADMIN, BUYER) hears of the award, but not the buyer who issued it; the tenderers do not get the buyer's notice.
    const kentTeam = everyone
      .filter(
        (p) =>
          p.organisationId === demoOrganisation('kent').id &&
          p.id !== demoPersona('kent-buyer').id &&
          p.organisationRoles.some((r) => r === 'BUYER' || r === 'ORG_ADMIN'),
      )
      .map((p) => p.id)
      .sort();
    expect(await recipientsOf('AWARD_ISSUED', competition.projectId)).toEqual(kentTeam);
  });
});

describe('a member-only event', () => {
  it('is cancelled to the registered people of active members only', async () => {
    graph.clock.set('2027-03-01T09:00:00Z');
    const created = changed<{ id: string }>(
      await run(
        `mutation($input: CreateEventInput!){ createEvent(input: $input) { event { id } ${refusalFields} } }`,
        {
          input: {
            title: 'Members’ surfacing clinic',
            description: 'An hour on surfacing trials, for IPS members.',
            kind: 'WEBINAR',
            audience: 'ALL_MEMBERS',
            startsAtLocal: '2027-03-20T10:00',
            endsAtLocal: '2027-03-20T11:00',
            joinUrl: 'https://meet.roads-innovation.example/members-clinic',
            capacity: 50,
            hostIds: [demoOrganisation('ips-body').id],
          },
        },
        header('platform-admin'),
      ),
      'createEvent',
      'event',
    );
    changed(
      await run(
        `mutation($id: ID!){ scheduleEvent(id: $id) { event { id } ${refusalFields} } }`,
        { id: created.id },
        header('platform-admin'),
      ),
      'scheduleEvent',
      'event',
    );
    for (const caller of ['resurface-contributor', 'kent-buyer']) {
      changed(
        await run(
          `mutation($id: ID!){ registerForEvent(eventId: $id) { eventRegistration { status } ${refusalFields} } }`,
          { id: created.id },
          header(caller),
        ),
        'registerForEvent',
        'eventRegistration',
      );
    }
    // ReSurface's membership is suspended: its people may no longer read member-only events.
    changed(
      await run(
        `mutation($o: ID!){ suspendMembership(organisationId: $o, reason: "Unpaid fees") { membership { status } ${refusalFields} } }`,
        { o: resurface },
        header('platform-admin'),
      ),
      'suspendMembership',
      'membership',
    );
    changed(
      await run(
        `mutation($id: ID!){ cancelEvent(id: $id, reason: "Speaker unavailable") { event { id } ${refusalFields} } }`,
        { id: created.id },
        header('platform-admin'),
      ),
      'cancelEvent',
      'event',
    );
    await deliverDomainEvents(graph);
    expect(await recipientsOf('EVENT_CANCELLED', created.id)).toEqual([demoPersona('kent-buyer').id]);
    // ReSurface's people were told of the suspension (by the admin who decided it: not told).
    expect(await recipientsOf('MEMBERSHIP_DECIDED', resurface)).toEqual(peopleOf([resurface]));
    changed(
      await run(
        `mutation($o: ID!){ reinstateMembership(organisationId: $o) { membership { status } ${refusalFields} } }`,
        { o: resurface },
        header('platform-admin'),
      ),
      'reinstateMembership',
      'membership',
    );
    await deliverDomainEvents(graph);
  });
});

describe('the inbox is its owner’s', () => {
  it('another person, platform staff included, cannot read my notifications, preferences or count', async () => {
    const grace = demoPersona('resurface-contributor').id;
    const viaPerson = await run(
      `query($id: ID!){ person(id: $id) { id notifications { totalCount } unreadNotificationCount notificationPreferences { kind } } }`,
      { id: grace },
      header('platform-admin'),
    );
    for (const other of [
      viaPerson,
      await run(
        `query($id: ID!){ person(id: $id) { id notifications { totalCount } unreadNotificationCount notificationPreferences { kind } } }`,
        { id: grace },
        header('resurface-admin'),
      ),
    ]) {
      expect(other.data?.person).toEqual({ id: grace, notifications: null, unreadNotificationCount: null, notificationPreferences: null });
      expect(codesOf(other)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    }
  });

  it('marks notifications read, by id and all at once; an id that is not mine is refused', async () => {
    const mark = `mutation($input: MarkNotificationsReadInput!){ markNotificationsRead(input: $input) { markedCount unreadNotificationCount ${refusalFields} } }`;
    const mine = await inboxOf(header('resurface-contributor'));
    const [first, ...rest] = mine.notifications.edges.map((e: any) => e.node.id);
    expect(rest.length).toBeGreaterThan(0);
    const greens = (await inboxOf(header('green-admin'))).notifications.edges.map((e: any) => e.node.id);
    const refused = (await run(mark, { input: { ids: [first, greens[0]] } }, header('resurface-contributor'))).data!.markNotificationsRead;
    expect(refused).toMatchObject({
      markedCount: null,
      refusal: { code: 'NOT_FOUND', message: `Notification ${greens[0]} was not found.` },
    });
    expect((await inboxOf(header('resurface-contributor'))).unreadNotificationCount).toBe(mine.unreadNotificationCount);
    expect(
      (await run(mark, { input: { ids: [first], all: true } }, header('resurface-contributor'))).data!.markNotificationsRead.refusal,
    ).toMatchObject({ code: 'BAD_USER_INPUT' });
    const one = expectData(await run(mark, { input: { ids: [first] } }, header('resurface-contributor'))).markNotificationsRead;
    expect(one).toMatchObject({ markedCount: 1, unreadNotificationCount: mine.unreadNotificationCount - 1, refusal: null });
    const unread = await inboxOf(header('resurface-contributor'), { unreadOnly: true });
    expect(unread.notifications.edges.map((e: any) => e.node.id)).not.toContain(first);
    const all = expectData(await run(mark, { input: { all: true } }, header('resurface-contributor'))).markNotificationsRead;
    expect(all).toMatchObject({ markedCount: mine.unreadNotificationCount - 1, unreadNotificationCount: 0 });
    // Someone else's are untouched.
    expect((await inboxOf(header('green-admin'))).unreadNotificationCount).toBe(greens.length);
  });

  it('pages newest first', async () => {
    const firstPage = await inboxOf(header('resurface-contributor'), { first: 2 });
    expect(firstPage.notifications.pageInfo.hasNextPage).toBe(true);
    const next = await inboxOf(header('resurface-contributor'), { first: 100, after: firstPage.notifications.pageInfo.endCursor });
    const all = await inboxOf(header('resurface-contributor'));
    expect([...firstPage.notifications.edges, ...next.notifications.edges].map((e: any) => e.node.id)).toEqual(
      all.notifications.edges.map((e: any) => e.node.id),
    );
  });
});

describe('preferences', () => {
  const update = `mutation($input: UpdateNotificationPreferencesInput!){ updateNotificationPreferences(input: $input) {
    notificationPreferences { kind inApp email dailyDigest required } ${refusalFields} } }`;

  it('switch a kind’s email off, but the required notice cannot be switched off', async () => {
    const caller = header('northern-admin');
    const refused = (
      await run(
        update,
        {
          input: {
            preferences: [
              { kind: 'PROJECT_PUBLISHED', email: false },
              { kind: 'ASSESSMENT_SUMMARY', email: false },
            ],
          },
        },
        caller,
      )
    ).data!.updateNotificationPreferences;
    expect(refused.refusal).toMatchObject({ code: 'BAD_USER_INPUT', field: 'preferences.ASSESSMENT_SUMMARY.email' });
    // Nothing changed, the allowed entry included.
    const read = async () =>
      (await ok(`{ viewer { person { notificationPreferences { kind inApp email dailyDigest required } } } }`, {}, caller)).viewer.person
        .notificationPreferences;
    expect((await read()).find((p: any) => p.kind === 'PROJECT_PUBLISHED')).toEqual({
      kind: 'PROJECT_PUBLISHED',
      inApp: true,
      email: true,
      dailyDigest: false,
      required: false,
    });
    expect((await read()).find((p: any) => p.kind === 'ASSESSMENT_SUMMARY')).toMatchObject({ required: true, email: true, inApp: true });
    const changedPreferences = expectData(
      await run(update, { input: { preferences: [{ kind: 'PROJECT_PUBLISHED', email: false }] } }, caller),
    ).updateNotificationPreferences;
    expect(changedPreferences.refusal).toBeNull();
    expect(changedPreferences.notificationPreferences.find((p: any) => p.kind === 'PROJECT_PUBLISHED')).toEqual({
      kind: 'PROJECT_PUBLISHED',
      inApp: true,
      email: false,
      dailyDigest: false,
      required: false,
    });

    // The next publication reaches Northern's admin in the inbox, with no email; a colleague still gets both.
    graph.clock.set('2027-04-05T10:00:00Z');
    const draft = changed<{ id: string; version: number }>(
      await run(
        createProject,
        {
          input: {
            title: 'Carriageway patching, west Kent',
            need: 'Patching before winter.',
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
    changed(
      await run(
        publishProject,
        { input: { projectId: draft.id, version: draft.version, clarificationWorkingDays: 3, responseWorkingDays: 8 } },
        header('kent-buyer'),
      ),
      'publishProcurementProject',
      'procurementProject',
    );
    await deliverDomainEvents(graph);
    const northernAdmin = everyone.find((p) => p.email === people['northern-admin'])!.id;
    const emailsTo = async (personId: string) =>
      (await graph.databases.notifications.dataSource.query(
        `SELECT status FROM notifications.notification_email WHERE person_id = $1 AND kind = 'PROJECT_PUBLISHED' AND event_id IN
           (SELECT event_id FROM notifications.notification WHERE subject_id = $2)`,
        [personId, draft.id],
      )) as { status: string }[];
    expect(await recipientsOf('PROJECT_PUBLISHED', draft.id)).toContain(northernAdmin);
    expect(await emailsTo(northernAdmin)).toEqual([]);
    expect(await emailsTo(demoPersona('resurface-contributor').id)).toEqual([{ status: 'PENDING' }]);
  });
});

describeOnServer('email through the Notify stand-in', () => {
  let standIn: NotifyStandIn;
  const config = loadNotifyConfig({ IPS_PROFILE: 'development' });
  beforeAll(async () => {
    standIn = await startNotifyStandIn({
      serviceId: config.serviceId,
      secretKey: config.secretKey,
      templates: [{ id: config.templateId, ...noticeTemplate }],
    });
  });
  afterAll(() => standIn?.close());

  it('sends each pending email exactly once, even with two sender loops at once, each at its pace', async () => {
    const dataSource = graph.databases.notifications.dataSource;
    // 600 a minute: each loop's sends 100 ms apart (NOTIFY_SENDS_PER_MINUTE), well above what a send takes.
    const sendsPerMinute = 600;
    const sendTimes: number[][] = [[], []];
    const senders = [0, 1].map((loop) => {
      const notify = createNotifyEmailSender({ ...config, baseUrl: standIn.url });
      return createEmailSender({
        dataSource,
        clock: graph.clock,
        notify: {
          sendEmail: (email) => {
            sendTimes[loop]!.push(performance.now());
            return notify.sendEmail(email);
          },
          findSentByReference: (reference) => notify.findSentByReference(reference),
        },
        templateId: config.templateId,
        linkBaseUrl: 'https://ips.example.org',
        batchSize: 5,
        sendsPerMinute,
      });
    });
    const pending = (await dataSource.query(
      `SELECT id, email_address, subject FROM notifications.notification_email WHERE status = 'PENDING'`,
    )) as { id: string; email_address: string; subject: string }[];
    expect(pending.length).toBeGreaterThan(10);
    // Both loops drain the outbox side by side until nothing is due.
    await Promise.all(
      senders.map(async (sender) => {
        while ((await sender.sendDue()) > 0);
      }),
    );
    const sent = standIn.emails();
    expect(sent.map((email) => email.reference).sort()).toEqual(pending.map((row) => row.id).sort());
    const one = sent.find((email) => email.reference === pending[0]!.id)!;
    expect(one.email_address).toBe(pending[0]!.email_address);
    expect(one.personalisation).toMatchObject({
      subject: pending[0]!.subject,
      link: expect.stringMatching(/^https:\/\/ips\.example\.org\//),
    });
    const statuses = (await dataSource.query(
      `SELECT status, count(*)::int AS n FROM notifications.notification_email GROUP BY status`,
    )) as {
      status: string;
      n: number;
    }[];
    expect(statuses.filter((s) => s.status !== 'SENT')).toEqual([]);
    // Paced: each loop's turns are 100 ms apart, so its n sends span at least n - 1 spacings; one
    // spacing is given up to the work between a turn and its call to Notify, which varies.
    const spacingMs = 60_000 / sendsPerMinute;
    const spans = sendTimes.map((times) => ({ sends: times.length, spanMs: times.length ? times.at(-1)! - times[0]! : 0 }));
    expect(Math.max(...spans.map((loop) => loop.sends))).toBeGreaterThanOrEqual(5);
    for (const loop of spans) expect(loop.spanMs).toBeGreaterThanOrEqual(Math.max(0, loop.sends - 2) * spacingMs);
  });

  it('retries after a 5xx with back-off, and holds digest notices for one daily email', async () => {
    const dataSource = graph.databases.notifications.dataSource;
    const sender = createEmailSender({
      dataSource,
      clock: graph.clock,
      notify: createNotifyEmailSender({ ...config, baseUrl: standIn.url }),
      templateId: config.templateId,
      linkBaseUrl: 'https://ips.example.org',
    });
    const caller = header('green-admin');
    changed(
      await run(
        `mutation($input: UpdateNotificationPreferencesInput!){ updateNotificationPreferences(input: $input) { notificationPreferences { kind } ${refusalFields} } }`,
        { input: { preferences: [{ kind: 'PROJECT_PUBLISHED', dailyDigest: true }] } },
        caller,
      ),
      'updateNotificationPreferences',
      'notificationPreferences',
    );
    graph.clock.set('2027-05-03T10:00:00Z');
    for (const title of ['Gully cleaning', 'Road markings']) {
      const draft = changed<{ id: string; version: number }>(
        await run(
          createProject,
          {
            input: {
              title,
              need: 'Ongoing.',
              budget: 50000,
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
      changed(
        await run(
          publishProject,
          { input: { projectId: draft.id, version: draft.version, clarificationWorkingDays: 3, responseWorkingDays: 8 } },
          header('kent-buyer'),
        ),
        'publishProcurementProject',
        'procurementProject',
      );
    }
    await deliverDomainEvents(graph);
    const greenAdmin = everyone.find((p) => p.email === people['green-admin'])!;
    const heldRows = (await dataSource.query(`SELECT id FROM notifications.notification_email WHERE person_id = $1 AND status = 'HELD'`, [
      greenAdmin.id,
    ])) as unknown[];
    expect(heldRows).toHaveLength(2);
    const due = (await dataSource.query(`SELECT count(*)::int AS n FROM notifications.notification_email WHERE status = 'PENDING'`)) as {
      n: number;
    }[];
    expect(due[0]!.n).toBeGreaterThan(0);
    const before = standIn.emails().length;
    standIn.failNext(503, due[0]!.n);
    while ((await sender.sendDue()) > 0);
    expect(standIn.emails().length).toBe(before);
    const retried = (await dataSource.query(
      `SELECT count(*)::int AS n FROM notifications.notification_email WHERE status = 'PENDING' AND attempts = 1 AND next_attempt_at > $1 AND last_error LIKE '503%'`,
      [graph.clock.now()],
    )) as { n: number }[];
    expect(retried[0]!.n).toBe(due[0]!.n);
    // After the back-off every one goes, once; then the day's digest gathers the held ones into one email.
    graph.clock.advance(60 * 60_000);
    while ((await sender.sendDue()) > 0);
    expect(standIn.emails().length).toBe(before + due[0]!.n);
    expect(await collectDigests(dataSource, graph.clock)).toBeGreaterThan(0);
    while ((await sender.sendDue()) > 0);
    const digest = standIn
      .emails()
      .filter((email) => email.email_address === greenAdmin.email && /since the last digest/.test(email.subject));
    expect(digest).toHaveLength(1);
    expect(digest[0]!.body).toContain('Opportunity published: Gully cleaning');
    expect(digest[0]!.body).toContain('Opportunity published: Road markings');
  });
});
