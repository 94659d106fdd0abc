import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { NotifyClient } from 'notifications-node-client';
import { addExplorerRoutes } from '../gateway/explorer/routes';
import {
  developmentNotifyApiKey,
  developmentNotifyTemplateId,
  loadGatewayConfig,
  loadNotifyConfig,
  type Environment,
} from '../platform/config';
import { createApp } from '../platform/http';
import { subgraphNames } from '../platform/subgraph-names';
import { startNotifyStandIn, isValidEmailAddress, type NotifyStandIn } from '../scripts/notify-stand-in';
import { createNotifyEmailSender, noticeTemplate, type NoticePersonalisation } from '../subgraphs/notifications/email/notify-email';

/**
 * Issue 25 item 4: the sender, driven through the official GOV.UK Notify client, against the
 * stand-in, which checks tokens and requests as Notify does.
 */
const config = loadNotifyConfig({ IPS_PROFILE: 'development' });
const personalisation: NoticePersonalisation = {
  subject: 'Your innovation was approved',
  body: 'Anti-skid surfacing v2 is now in the catalogue.',
  link: 'https://ips.example.org/innovations/1',
  unsubscribe_link: 'https://ips.example.org/unsubscribe/abc',
};

let standIn: NotifyStandIn;
const sender = () => createNotifyEmailSender({ ...config, baseUrl: standIn.url });

beforeEach(async () => {
  standIn = await startNotifyStandIn({
    serviceId: config.serviceId,
    secretKey: config.secretKey,
    templates: [{ id: config.templateId, ...noticeTemplate }],
  });
});
afterEach(() => standIn.close());

/** A token as Notify's clients make one, with the claims and header a test wants. */
async function token(claims: { iss?: string; iat?: number }, secret = config.secretKey, alg = 'HS256'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

async function listWith(authorization: string | undefined) {
  const response = await fetch(`${standIn.url}/v2/notifications`, { headers: authorization ? { authorization } : {} });
  return { status: response.status, body: (await response.json()) as any };
}

const now = () => Math.floor(Date.now() / 1000);
/** Replaces one UUID part of a Notify key (`{name}-{service id}-{secret}`). */
const keyWith = ({ serviceId = config.serviceId, secret = config.secretKey }) => `ips_graph_test-${serviceId}-${secret}`;

describe('sending email through GOV.UK Notify (stand-in)', () => {
  it('sends an email with the template and personalisation, and reads it back by id and by reference', async () => {
    const reference = `notice-${randomUUID()}`;
    const outcome = await sender().sendEmail({
      templateId: config.templateId,
      emailAddress: 'ada.buyer@council.example.gov.uk',
      personalisation: { ...personalisation },
      reference,
    });
    expect(outcome).toEqual({ kind: 'sent', notifyId: expect.any(String), reference });
    if (outcome.kind !== 'sent') return;

    const [kept] = standIn.emails();
    expect(kept).toMatchObject({
      id: outcome.notifyId,
      reference,
      email_address: 'ada.buyer@council.example.gov.uk',
      template: { id: config.templateId },
      subject: personalisation.subject,
      personalisation,
    });
    expect(kept!.body).toContain(personalisation.body);
    expect(kept!.body).toContain(personalisation.unsubscribe_link);

    const client = new NotifyClient(standIn.url, config.apiKey);
    const byId = await client.getNotificationById(outcome.notifyId);
    expect(byId.data).toMatchObject({
      id: outcome.notifyId,
      reference,
      type: 'email',
      status: 'delivered',
      subject: personalisation.subject,
    });
    expect(byId.data).not.toHaveProperty('personalisation');
    expect(await sender().findSentByReference(reference)).toEqual({ kind: 'found', notifyId: outcome.notifyId, status: 'delivered' });
    expect(await sender().findSentByReference('never-sent')).toEqual({ kind: 'not-found' });
  });

  it('sends the one-click unsubscribe URL Notify puts in the List-Unsubscribe header', async () => {
    const outcome = await sender().sendEmail({
      templateId: config.templateId,
      emailAddress: 'ada.buyer@council.example.gov.uk',
      personalisation: { ...personalisation },
      reference: 'r1',
      oneClickUnsubscribeUrl: personalisation.unsubscribe_link,
    });
    expect(outcome.kind).toBe('sent');
    expect(standIn.emails()[0]!.one_click_unsubscribe_url).toBe(personalisation.unsubscribe_link);
  });

  it('keeps only the newest emails, up to its capacity', async () => {
    await standIn.close();
    standIn = await startNotifyStandIn({
      serviceId: config.serviceId,
      secretKey: config.secretKey,
      templates: [{ id: config.templateId, ...noticeTemplate }],
      capacity: 2,
    });
    for (const reference of ['a', 'b', 'c']) {
      await sender().sendEmail({
        templateId: config.templateId,
        emailAddress: 'x@example.org',
        personalisation: { ...personalisation },
        reference,
      });
    }
    expect(standIn.emails().map((e) => e.reference)).toEqual(['c', 'b']);
  });
});

describe('the stand-in checks tokens as Notify does', () => {
  it('accepts the official client’s token and one issued 29 s ago', async () => {
    expect((await listWith(`Bearer ${await token({ iss: config.serviceId, iat: now() - 29 })}`)).status).toBe(200);
    // Notify reads the scheme case-insensitively.
    expect((await listWith(`bearer ${await token({ iss: config.serviceId, iat: now() })}`)).status).toBe(200);
  });

  it.each([
    ['a wrong secret', { secret: randomUUID() }, 'Invalid token: API key not found'],
    ['a wrong service id (iss)', { serviceId: randomUUID() }, 'Invalid token: service not found'],
  ])('refuses %s with 403, a permanent failure', async (_label, part, message) => {
    const outcome = await createNotifyEmailSender({ ...config, apiKey: keyWith(part), baseUrl: standIn.url }).sendEmail({
      templateId: config.templateId,
      emailAddress: 'ada.buyer@council.example.gov.uk',
      personalisation: { ...personalisation },
      reference: 'r',
    });
    expect(outcome).toEqual({ kind: 'permanent-failure', status: 403, errors: [{ error: 'AuthError', message }] });
    expect(standIn.emails()).toEqual([]);
  });

  // Claims are made when the test runs (a table computed at load would age while earlier tests run).
  it.each([
    ['issued 31 s ago', () => ({ iat: now() - 31 }), 'Error: Your system clock must be accurate to within 30 seconds'],
    // Whole seconds on both sides: 31 s ahead was accepted whenever the request reached the stand-in in the next second.
    ['issued 35 s ahead', () => ({ iat: now() + 35 }), 'Error: Your system clock must be accurate to within 30 seconds'],
    ['without iss', () => ({ iat: now(), iss: undefined }), 'Invalid token: iss field not provided'],
    ['with an iss that is not a UUID', () => ({ iat: now(), iss: 'ips-graph' }), 'Invalid token: service id is not the right data type'],
    ['without iat', () => ({ iat: undefined }), 'Invalid token: API key not found'],
  ])('refuses a token %s with 403 and Notify’s message', async (_label, claims, message) => {
    const answer = await listWith(`Bearer ${await token({ iss: config.serviceId, ...claims() })}`);
    expect(answer).toEqual({ status: 403, body: { status_code: 403, errors: [{ error: 'AuthError', message }] } });
  });

  it('refuses another algorithm, a missing token and another scheme', async () => {
    expect((await listWith(`Bearer ${await token({ iss: config.serviceId, iat: now() }, config.secretKey, 'HS512')}`)).body.errors).toEqual(
      [{ error: 'AuthError', message: 'Invalid token: algorithm used is not HS256' }],
    );
    expect(await listWith(undefined)).toMatchObject({
      status: 401,
      body: { errors: [{ error: 'AuthError', message: 'Unauthorized: authentication token must be provided' }] },
    });
    expect(await listWith(`Basic ${config.apiKey}`)).toMatchObject({
      status: 401,
      body: { errors: [{ error: 'AuthError', message: 'Unauthorized: authentication bearer scheme must be used' }] },
    });
    expect((await listWith('Bearer not-a-jwt')).body.errors[0].message).toMatch(/^Invalid token: make sure your API token matches/);
  });
});

describe('failures are classified for the delivery loop', () => {
  const send = (overrides: Partial<Parameters<ReturnType<typeof sender>['sendEmail']>[0]>) =>
    sender().sendEmail({
      templateId: config.templateId,
      emailAddress: 'ada.buyer@council.example.gov.uk',
      personalisation: { ...personalisation },
      reference: 'r',
      ...overrides,
    });

  it.each([
    ['an unknown template', { templateId: randomUUID() }, 'BadRequestError', 'Template not found'],
    ['a template id that is not a UUID', { templateId: 'welcome' }, 'ValidationError', 'template_id is not a valid UUID'],
    ['a bad email address', { emailAddress: 'ada@@council' }, 'ValidationError', 'email_address Not a valid email address'],
    [
      'a missing placeholder',
      { personalisation: { subject: 's', body: 'b' } },
      'BadRequestError',
      'Missing personalisation: link, unsubscribe_link',
    ],
  ])('%s is a permanent failure (400)', async (_label, overrides, error, message) => {
    expect(await send(overrides)).toEqual({ kind: 'permanent-failure', status: 400, errors: [{ error, message }] });
    expect(standIn.emails()).toEqual([]);
  });

  it.each([500, 503, 429])('Notify answering %i is retryable, and the next attempt goes through', async (status) => {
    standIn.failNext(status);
    expect(await send({})).toMatchObject({ kind: 'retryable-failure', status, errors: [{ error: expect.any(String) }] });
    expect(standIn.emails()).toEqual([]);
    expect((await send({})).kind).toBe('sent');
  });

  it('no answer at all (nothing listening) is retryable', async () => {
    await standIn.close();
    const outcome = await send({});
    expect(outcome).toMatchObject({ kind: 'retryable-failure', status: undefined, errors: [{ error: 'ECONNREFUSED' }] });
    standIn = await startNotifyStandIn({ serviceId: config.serviceId, secretKey: config.secretKey, templates: [] });
  });
});

describe('request checks beside the token', () => {
  it('answers Notify’s schema messages for every problem at once', async () => {
    const response = await fetch(`${standIn.url}/v2/notifications/email`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token({ iss: config.serviceId, iat: now() })}`, 'content-type': 'application/json' },
      body: JSON.stringify({ personalisation: [], colour: 'red' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      status_code: 400,
      errors: [
        { error: 'ValidationError', message: 'personalisation [] is not of type object' },
        { error: 'ValidationError', message: 'email_address is a required property' },
        { error: 'ValidationError', message: 'template_id is a required property' },
        { error: 'ValidationError', message: 'Additional properties are not allowed (colour was unexpected)' },
      ],
    });
  });

  it.each([
    ['ada@council.example.gov.uk', true],
    [' ada.lovelace+ips@council.gov.uk ', true],
    ['ada@localhost', false],
    ['ada..x@council.gov.uk', false],
    ['ada@council.gov.u', false],
    ['ada council@gov.uk', false],
  ])('email address %p is valid: %p', (address, valid) => {
    expect(isValidEmailAddress(address)).toBe(valid);
  });

  it('the committed development key and template are what the development profile uses', () => {
    expect(config).toMatchObject({ apiKey: developmentNotifyApiKey, templateId: developmentNotifyTemplateId });
  });
});

describe('the explorer’s mailbox (development profile only)', () => {
  async function serveExplorer(env: Environment) {
    const app = createApp();
    addExplorerRoutes(app, loadGatewayConfig(env, subgraphNames), [], { ...config, baseUrl: standIn.url });
    app.use((_request, response) => response.status(418).end());
    const server: Server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
  }

  it('lists the emails the stand-in took, newest first, asking it as a Notify client does', async () => {
    const { base, server } = await serveExplorer({ IPS_PROFILE: 'development' });
    try {
      const html = await (await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } })).text();
      expect(html).toContain('"mailbox":true');
      expect(await (await fetch(`${base}/explorer/mailbox`)).json()).toEqual({ emails: [] });
      for (const reference of ['first', 'second']) {
        await sender().sendEmail({
          templateId: config.templateId,
          emailAddress: 'ada.buyer@council.example.gov.uk',
          personalisation: { ...personalisation, subject: `Notice ${reference}` },
          reference,
        });
      }
      const { emails } = (await (await fetch(`${base}/explorer/mailbox`)).json()) as { emails: { subject: string; to: string }[] };
      expect(emails.map((e) => [e.subject, e.to])).toEqual([
        ['Notice second', 'ada.buyer@council.example.gov.uk'],
        ['Notice first', 'ada.buyer@council.example.gov.uk'],
      ]);

      await standIn.close();
      const down = await fetch(`${base}/explorer/mailbox`);
      expect(down.status).toBe(502);
      expect(((await down.json()) as { error: string }).error).toMatch(/did not answer/);
      standIn = await startNotifyStandIn({ serviceId: config.serviceId, secretKey: config.secretKey, templates: [] });
    } finally {
      server.close();
    }
  });

  it('is not served without the development profile, even when handed a stand-in', async () => {
    const { base, server } = await serveExplorer({
      NODE_ENV: 'production',
      GATEWAY_SUBGRAPH_SECRET: randomBytes(48).toString('base64url'),
      AUTH_JWKS_URL: 'https://identity.example.org/jwks.json',
      AUTH_ISSUER: 'https://identity.example.org/',
      AUTH_AUDIENCE: 'ips-graph',
    });
    try {
      expect(await (await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } })).text()).toContain('"mailbox":false');
      expect((await fetch(`${base}/explorer/mailbox`)).status).toBe(418);
    } finally {
      server.close();
    }
  });
});
