import { randomUUID } from 'node:crypto';
import { demoPersona } from '../demo-data/personas';
import { demoPersonaPeople } from '../demo-data/people';
import { loadNotifyConfig } from '../platform/config';
import { startNotifyStandIn, type NotifyStandIn } from '../scripts/notify-stand-in';
import { createNotifyEmailSender, noticeTemplate, type NotifyEmailSender } from '../subgraphs/notifications/email/notify-email';
import { createEmailSender, retryDelay } from '../subgraphs/notifications/services/email-sender';
import { readUnsubscribeToken, signUnsubscribeToken, unsubscribeByLink } from '../subgraphs/notifications/services/unsubscribe';
import { startTestGraph, type TestGraph } from './support/graph-harness';
import { codesOf, expectData, signInAll, type UntypedData } from './support/graphql-results';

/**
 * Issue 25 item 8, "delivered once", for email: the sender never calls Notify twice for one notice
 * even when it dies between Notify's answer and recording it (the next claim asks Notify by
 * reference first); 429 and 5xx are retried with a growing, jittered back-off, a capped number of
 * times, then recorded as failed for staff (`notificationDeliveryFailures`, staff only); and each
 * email's unsubscribe link switches off that one kind without sign-in.
 */
jest.setTimeout(240_000);

let graph: TestGraph;
let standIn: NotifyStandIn;
let header: (persona: 'platform-admin' | 'kent-buyer') => string;
const notify = loadNotifyConfig({ IPS_PROFILE: 'development' });
const buyer = demoPersonaPeople.find((person) => person.email === demoPersona('kent-buyer').email)!;
const leaseMs = 60_000;

beforeAll(async () => {
  graph = await startTestGraph();
  header = await signInAll(graph, ['platform-admin', 'kent-buyer'] as const);
  standIn = await startNotifyStandIn({
    serviceId: notify.serviceId,
    secretKey: notify.secretKey,
    templates: [{ id: notify.templateId, ...noticeTemplate }],
  });
});
afterAll(async () => {
  await standIn?.close();
  await graph?.stop();
});

const dataSource = () => graph.databases.notifications.dataSource;

/** One pending email to the demo buyer, as delivery writes them; its id is Notify's `reference`. */
async function pendingEmail(kind: string, subject: string): Promise<string> {
  const id = randomUUID();
  await dataSource().query(
    `INSERT INTO notifications.notification_email (id, event_id, person_id, kind, email_address, subject, body, link, status, next_attempt_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'Body.', '/procurement', 'PENDING', $7, $7)`,
    [id, randomUUID(), buyer.id, kind, buyer.email, subject, graph.clock.now()],
  );
  return id;
}

async function rowOf(id: string) {
  return (
    (await dataSource().query(`SELECT status, attempts, last_error, last_attempt_at FROM notifications.notification_email WHERE id = $1`, [
      id,
    ])) as { status: string; attempts: number; last_error: string | null; last_attempt_at: Date | null }[]
  )[0]!;
}

function senderWith(notifyClient: NotifyEmailSender, extra: { maxAttempts?: number } = {}) {
  return createEmailSender({
    dataSource: dataSource(),
    clock: graph.clock,
    notify: notifyClient,
    templateId: notify.templateId,
    linkBaseUrl: 'https://ips.example.org',
    unsubscribeSecret: notify.unsubscribeSecret,
    leaseMs,
    retryBaseMs: 1_000,
    ...extra,
  });
}

const emailsWith = (reference: string) => standIn.emails().filter((email) => email.reference === reference);

it('a sender that dies after Notify took the email and before recording it never makes a second email', async () => {
  const id = await pendingEmail('PROJECT_PUBLISHED', 'Crash between send and record');
  const real = createNotifyEmailSender({ ...notify, baseUrl: standIn.url });
  // Notify accepts, then the process "dies": the answer is never recorded.
  const dying = senderWith({
    ...real,
    sendEmail: async (email) => {
      await real.sendEmail(email);
      throw new Error('killed before recording');
    },
  });
  await expect(dying.sendDue()).rejects.toThrow('killed before recording');
  expect(emailsWith(id)).toHaveLength(1);
  expect((await rowOf(id)).status).toBe('SENDING');

  // Within the lease nobody takes it; after it, the next sender asks Notify by reference and records what it finds.
  const next = senderWith(real);
  await next.sendDue();
  expect((await rowOf(id)).status).toBe('SENDING');
  graph.clock.advance(leaseMs + 1);
  await next.sendDue();
  expect(await rowOf(id)).toMatchObject({ status: 'SENT', attempts: 2 });
  expect(emailsWith(id)).toHaveLength(1);
});

it('retries 429 and 5xx with a growing back-off, then gives up and shows the failure to staff only', async () => {
  const id = await pendingEmail('PROJECT_PUBLISHED', 'Keeps failing');
  const sender = senderWith(createNotifyEmailSender({ ...notify, baseUrl: standIn.url }), { maxAttempts: 3 });
  const waits: number[] = [];
  for (const status of [429, 503, 500]) {
    standIn.failNext(status);
    const before = graph.clock.now().getTime();
    await sender.sendDue();
    const row = (await dataSource().query(`SELECT next_attempt_at FROM notifications.notification_email WHERE id = $1`, [id])) as {
      next_attempt_at: Date;
    }[];
    waits.push(new Date(row[0]!.next_attempt_at).getTime() - before);
    graph.clock.advance(60_000);
  }
  // Attempt 1 waits 0.5–1 s, attempt 2 1–2 s; the third failure is the last allowed.
  expect(waits[0]).toBeGreaterThanOrEqual(500);
  expect(waits[0]).toBeLessThanOrEqual(1_000);
  expect(waits[1]).toBeGreaterThanOrEqual(1_000);
  expect(waits[1]).toBeLessThanOrEqual(2_000);
  expect(await rowOf(id)).toMatchObject({ status: 'FAILED', attempts: 3, last_error: expect.stringMatching(/^500: /) });
  expect(emailsWith(id)).toHaveLength(0);
  // Never tried again by itself.
  graph.clock.advance(24 * 60 * 60_000);
  await sender.sendDue();
  expect(emailsWith(id)).toHaveLength(0);

  const query = `{ notificationDeliveryFailures(first: 10) { totalCount edges { node { id recipient { id } kind channel emailAddress subject reason attempts lastAttemptAt } } } }`;
  const failures = expectData(await graph.execute<UntypedData>(query, {}, header('platform-admin'))).notificationDeliveryFailures;
  expect(failures.edges.map((edge: any) => edge.node)).toContainEqual({
    id,
    recipient: { id: buyer.id },
    kind: 'PROJECT_PUBLISHED',
    channel: 'EMAIL',
    emailAddress: buyer.email,
    subject: 'Keeps failing',
    reason: expect.stringMatching(/^500: Exception: Internal server error/),
    attempts: 3,
    lastAttemptAt: expect.any(String),
  });
  for (const caller of [header('kent-buyer'), undefined]) {
    const refused = await graph.execute(query, {}, caller);
    expect(refused.data?.notificationDeliveryFailures ?? null).toBeNull();
    expect(codesOf(refused)).toEqual([caller ? 'FORBIDDEN' : 'UNAUTHENTICATED']);
  }
});

it('a permanent refusal (400) is recorded at once, without retries', async () => {
  const id = randomUUID();
  await dataSource().query(
    `INSERT INTO notifications.notification_email (id, event_id, person_id, kind, email_address, subject, body, link, status, next_attempt_at, created_at)
     VALUES ($1, $2, $3, 'PROJECT_PUBLISHED', 'not an address', 'Bad address', 'Body.', '/procurement', 'PENDING', $4, $4)`,
    [id, randomUUID(), buyer.id, graph.clock.now()],
  );
  await senderWith(createNotifyEmailSender({ ...notify, baseUrl: standIn.url })).sendDue();
  expect(await rowOf(id)).toMatchObject({ status: 'FAILED', attempts: 1, last_error: expect.stringMatching(/^400: ValidationError/) });
});

it('pages the failures newest first, each page after the last one’s cursor', async () => {
  // Three given up "later" than anything else here, so they head the list in this order.
  const later = (hours: number) => new Date(graph.clock.now().getTime() + hours * 3_600_000);
  const ids: string[] = [];
  for (const hours of [30, 20, 10]) {
    const id = randomUUID();
    ids.push(id);
    await dataSource().query(
      `INSERT INTO notifications.notification_email
         (id, event_id, person_id, kind, email_address, subject, body, link, status, next_attempt_at, created_at, attempts, last_error, last_attempt_at)
       VALUES ($1, $2, $3, 'PROJECT_PUBLISHED', $4, 'Paged', 'Body.', '/procurement', 'FAILED', $5, $5, 12, '503: Exception: unavailable', $6)`,
      [id, randomUUID(), buyer.id, buyer.email, graph.clock.now(), later(hours)],
    );
  }
  const page = async (after?: string) =>
    expectData(
      await graph.execute<UntypedData>(
        `query ($after: String) { notificationDeliveryFailures(first: 2, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
        { after },
        header('platform-admin'),
      ),
    ).notificationDeliveryFailures;
  const first = await page();
  expect(first.edges.map((edge: any) => edge.node.id)).toEqual(ids.slice(0, 2));
  expect(first.pageInfo.hasNextPage).toBe(true);
  const second = await page(first.pageInfo.endCursor);
  expect(second.edges[0].node.id).toBe(ids[2]);
  expect(second.totalCount).toBe(first.totalCount);
  expect(second.edges.map((edge: any) => edge.node.id)).not.toContain(ids[0]);
  const refused = await graph.execute(`{ notificationDeliveryFailures(first: 101) { totalCount } }`, {}, header('platform-admin'));
  expect(codesOf(refused)).toEqual(['BAD_USER_INPUT']);
});

it('the back-off doubles up to its cap, each wait between half and all of its step', () => {
  expect(retryDelay(1, 1_000, 60_000, () => 0)).toBe(500);
  expect(retryDelay(1, 1_000, 60_000, () => 1)).toBe(1_000);
  expect(retryDelay(4, 1_000, 60_000, () => 1)).toBe(8_000);
  expect(retryDelay(30, 1_000, 60_000, () => 1)).toBe(60_000);
  expect(retryDelay(30, 1_000, 60_000, () => 0)).toBe(30_000);
});

describe('unsubscribe links', () => {
  const secret = notify.unsubscribeSecret;

  it('each email carries a link for its own kind; a digest and the notice the law requires link to the preferences', async () => {
    const id = await pendingEmail('CLARIFICATION_ANSWERED', 'With a link');
    const required = await pendingEmail('ASSESSMENT_SUMMARY', 'Required notice');
    await senderWith(createNotifyEmailSender({ ...notify, baseUrl: standIn.url })).sendDue();
    const [email] = emailsWith(id);
    const link = String(email!.personalisation.unsubscribe_link);
    expect(link).toMatch(/^https:\/\/ips\.example\.org\/notifications\/unsubscribe\/[0-9a-f]{32}\.CLARIFICATION_ANSWERED\.[\w-]{43}$/);
    expect(email!.one_click_unsubscribe_url).toBe(link);
    expect(readUnsubscribeToken(secret, link.split('/').pop()!)).toEqual({ personId: buyer.id, kind: 'CLARIFICATION_ANSWERED' });
    const [requiredEmail] = emailsWith(required);
    expect(requiredEmail!.personalisation.unsubscribe_link).toBe('https://ips.example.org/notifications/preferences');
    expect(requiredEmail!.one_click_unsubscribe_url).toBeNull();
  });

  it('switches off that kind’s email only, on POST only; tampered, other-kind and required links change nothing', async () => {
    const token = signUnsubscribeToken(secret, buyer.id, 'EVENT_RESCHEDULED');
    const [person, kind, signature] = token.split('.') as [string, string, string];
    const preferences = async () =>
      expectData(
        await graph.execute<UntypedData>(
          `{ viewer { person { notificationPreferences { kind inApp email dailyDigest } } } }`,
          {},
          header('kent-buyer'),
        ),
      ).viewer.person.notificationPreferences as { kind: string; inApp: boolean; email: boolean }[];
    const before = await preferences();
    const apply = (t: string, yes = true) => unsubscribeByLink(dataSource(), graph.clock, secret, t, yes);

    for (const bad of [
      `${person}.EVENT_CANCELLED.${signature}`,
      `${person.replace(/^./, person[0] === 'a' ? 'b' : 'a')}.${kind}.${signature}`,
      `${person}.${kind}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`,
      signUnsubscribeToken('another-secret-another-secret-another', buyer.id, 'EVENT_RESCHEDULED'),
      'nonsense',
    ]) {
      expect(await apply(bad)).toEqual({ result: 'invalid' });
    }
    expect(await apply(signUnsubscribeToken(secret, buyer.id, 'ASSESSMENT_SUMMARY'))).toEqual({
      result: 'required',
      kind: 'ASSESSMENT_SUMMARY',
    });
    // Asking (GET) changes nothing: mail scanners follow links.
    expect(await apply(token, false)).toEqual({ result: 'confirm', kind: 'EVENT_RESCHEDULED' });
    expect(await preferences()).toEqual(before);

    expect(await apply(token)).toEqual({ result: 'unsubscribed', kind: 'EVENT_RESCHEDULED' });
    expect(await apply(token)).toEqual({ result: 'unsubscribed', kind: 'EVENT_RESCHEDULED' });
    const after = await preferences();
    expect(after.filter((p) => p.kind !== 'EVENT_RESCHEDULED')).toEqual(before.filter((p) => p.kind !== 'EVENT_RESCHEDULED'));
    expect(after.find((p) => p.kind === 'EVENT_RESCHEDULED')).toEqual({
      kind: 'EVENT_RESCHEDULED',
      inApp: true,
      email: false,
      dailyDigest: false,
    });
  });
});
