import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import { loadNotifyConfig } from '../platform/config';
import { orphanedStopDeadlineMs } from '../platform/process';
import { noticeTemplate } from '../subgraphs/notifications/email/notify-email';

/**
 * A local stand-in for GOV.UK Notify's v2 API, for development (`npm start` runs it when no
 * NOTIFY_API_KEY or NOTIFY_BASE_URL is set) and tests, driven by the official client. It checks
 * the token as Notify's API does (app/authentication/auth.py and notifications-python-client's
 * authentication.py): HS256 signed with the key's secret, `iss` the service id, `iat` within 30
 * seconds of now either way, with Notify's status codes and messages. Requests are checked as
 * Notify's JSON schema checks them (the messages follow its `build_error_message`), then the
 * template (known here by id) and its personalisation. Sent emails are kept in memory, newest
 * first, the last `capacity` of them; nothing is delivered. Like Notify's test keys, an email is
 * `delivered` at once.
 *
 * Not modelled: SMS, letters, scheduled sending, reply-to addresses, send-a-file, conditional
 * placeholders (`((x??y))`) and rate limits (a test forces failures with `failNext` instead).
 */

export interface StandInTemplate {
  id: string;
  name: string;
  subject: string;
  body: string;
}

/** An email as the stand-in keeps it: Notify's notification, plus the personalisation it was sent with. */
export interface StandInEmail {
  id: string;
  reference: string | null;
  email_address: string;
  type: 'email';
  status: 'delivered';
  template: { id: string; version: number; uri: string };
  subject: string;
  body: string;
  created_at: string;
  sent_at: string;
  completed_at: string;
  one_click_unsubscribe_url: string | null;
  personalisation: Record<string, unknown>;
}

export interface NotifyStandInOptions {
  serviceId: string;
  secretKey: string;
  templates: readonly StandInTemplate[];
  host?: string;
  /** 0 (the default) lets the system choose. */
  port?: number;
  /** How many emails are kept (the oldest go first). */
  capacity?: number;
}

export interface NotifyStandIn {
  url: string;
  /** Emails kept, newest first. */
  emails(): StandInEmail[];
  /** The next `count` authenticated requests are answered with `status` (429 or 5xx), as Notify answers them. */
  failNext(status: number, count?: number): void;
  close(): Promise<void>;
}

/** Notify's own bound (notifications-python-client `__bound__`). */
const clockToleranceSeconds = 30;
/** Notify's API_PAGE_SIZE. */
const pageSize = 250;
const uuidPattern = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const generalTokenMessage =
  'Invalid token: make sure your API token matches the example at https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header';
const clockMessage = 'Error: Your system clock must be accurate to within 30 seconds';
const emailProperties = ['reference', 'email_address', 'template_id', 'personalisation', 'email_reply_to_id', 'one_click_unsubscribe_url'];

/** Notify's error answer. */
class NotifyHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: { error: string; message: string }[],
  ) {
    super(errors.map((e) => e.message).join('; '));
  }

  static of(status: number, error: string, message: string): NotifyHttpError {
    return new NotifyHttpError(status, [{ error, message }]);
  }
}

const authError = (status: number, message: string) => NotifyHttpError.of(status, 'AuthError', message);

/** What a failed token check says, in Notify's order: header, scheme, issuer, service, then the signature and the clock. */
export async function checkNotifyToken(authorization: string | undefined, serviceId: string, secret: Uint8Array): Promise<void> {
  if (!authorization) throw authError(401, 'Unauthorized: authentication token must be provided');
  if (authorization.slice(0, 7).toLowerCase() !== 'bearer ')
    throw authError(401, 'Unauthorized: authentication bearer scheme must be used');
  const token = authorization.slice(7);
  let unverified: Record<string, unknown>;
  try {
    unverified = decodeJwt(token);
  } catch {
    throw authError(403, generalTokenMessage);
  }
  if (!('iss' in unverified)) throw authError(403, 'Invalid token: iss field not provided');
  if (typeof unverified.iss !== 'string' || !uuidPattern.test(unverified.iss)) {
    throw authError(403, 'Invalid token: service id is not the right data type');
  }
  if (unverified.iss.replace(/-/g, '').toLowerCase() !== serviceId.replace(/-/g, '').toLowerCase()) {
    throw authError(403, 'Invalid token: service not found');
  }
  if (decodeProtectedHeader(token).alg !== 'HS256') throw authError(403, 'Invalid token: algorithm used is not HS256');
  try {
    await compactVerify(token, secret, { algorithms: ['HS256'] });
  } catch {
    // Signed with another secret (or not a JWS at all): Notify tries each of the service's keys and finds none.
    throw authError(403, 'Invalid token: API key not found');
  }
  checkTokenTimes(unverified);
}

/** PyJWT's claim checks with Notify's 30 s leeway, then Notify's own iat bound. */
function checkTokenTimes(claims: Record<string, unknown>): void {
  const now = Math.floor(Date.now() / 1000);
  const { iat, exp, nbf } = claims;
  if (exp !== undefined) {
    if (!Number.isInteger(exp)) throw authError(403, 'Invalid token: API key not found');
    if ((exp as number) <= now - clockToleranceSeconds) throw authError(403, generalTokenMessage);
  }
  if (iat !== undefined && !Number.isFinite(iat)) throw authError(403, clockMessage);
  if (typeof iat === 'number' && iat > now + clockToleranceSeconds) throw authError(403, clockMessage);
  if (typeof nbf === 'number' && nbf > now + clockToleranceSeconds) throw authError(403, clockMessage);
  // A token without iat fails Notify's required-claims check, which counts as "no key matched".
  if (typeof iat !== 'number') throw authError(403, 'Invalid token: API key not found');
  if (now > Math.trunc(iat) + clockToleranceSeconds) throw authError(403, clockMessage);
}

/** Values as Python's jsonschema quotes them, with the quotes Notify strips already gone. */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : value === null ? 'None' : JSON.stringify(value).replace(/["']/g, '');
}

/**
 * Notify's email address check (notifications-utils `validate_email_address`), in outline: a
 * plain local part, no `..`, a hostname of at least two dot-separated labels and a top-level domain
 * of letters (or punycode), 320 characters at most.
 */
export function isValidEmailAddress(value: string): boolean {
  const address = value.trim();
  if (address.length > 320 || address.includes('..')) return false;
  const match = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@([^.@][^@\s]+)$/.exec(address);
  if (!match) return false;
  const labels = match[1]!.toLowerCase().split('.');
  if (labels.length < 2 || match[1]!.length > 253) return false;
  if (!labels.every((label) => label.length <= 63 && /^(xn|[a-z0-9]+)(-?-[a-z0-9]+)*$/.test(label))) return false;
  return /^([a-z]{2,63}|xn--([a-z0-9]+-)*[a-z0-9]+)$/.test(labels[labels.length - 1]!);
}

function validationErrors(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [`${shown(body)} is not of type object`];
  const request = body as Record<string, unknown>;
  const problems: string[] = [];
  const { reference, email_address: email, template_id: templateId, personalisation } = request;
  if (reference !== undefined) {
    if (typeof reference !== 'string') problems.push(`reference ${shown(reference)} is not of type string`);
    else if (reference.length > 1000) problems.push(`reference ${reference} is too long`);
  }
  if (email !== undefined) {
    if (typeof email !== 'string') problems.push(`email_address ${shown(email)} is not of type string`);
    else if (!isValidEmailAddress(email)) problems.push('email_address Not a valid email address');
  }
  if (templateId !== undefined && (typeof templateId !== 'string' || !uuidPattern.test(templateId))) {
    problems.push('template_id is not a valid UUID');
  }
  if (
    personalisation !== undefined &&
    (typeof personalisation !== 'object' || personalisation === null || Array.isArray(personalisation))
  ) {
    problems.push(`personalisation ${shown(personalisation)} is not of type object`);
  }
  if (
    request.email_reply_to_id !== undefined &&
    (typeof request.email_reply_to_id !== 'string' || !uuidPattern.test(request.email_reply_to_id))
  ) {
    problems.push('email_reply_to_id is not a valid UUID');
  }
  const unsubscribe = request.one_click_unsubscribe_url;
  if (unsubscribe !== undefined && (typeof unsubscribe !== 'string' || !unsubscribe.startsWith('https') || !URL.canParse(unsubscribe))) {
    problems.push('one_click_unsubscribe_url is not a valid https url');
  }
  for (const required of ['email_address', 'template_id']) {
    if (!(required in request)) problems.push(`${required} is a required property`);
  }
  const extras = Object.keys(request).filter((key) => !emailProperties.includes(key));
  if (extras.length > 0) {
    problems.push(`Additional properties are not allowed (${extras.join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`);
  }
  return [...new Set(problems)];
}

/** Notify matches placeholders ignoring case, spaces, hyphens and underscores. */
const placeholderKey = (name: string) => name.replace(/[\s_-]/g, '').toLowerCase();
const placeholders = (text: string) => [...text.matchAll(/\(\(([^()]+)\)\)/g)].map((m) => m[1]!.trim());

function render(template: StandInTemplate, personalisation: Record<string, unknown>): { subject: string; body: string } {
  const values = new Map(Object.entries(personalisation).map(([key, value]) => [placeholderKey(key), value]));
  const missing = [...new Set([...placeholders(template.subject), ...placeholders(template.body)])].filter(
    (name) => !values.has(placeholderKey(name)),
  );
  if (missing.length > 0) {
    throw NotifyHttpError.of(400, 'BadRequestError', `Missing personalisation: ${missing.join(', ')}`);
  }
  const fill = (text: string) =>
    text.replace(/\(\(([^()]+)\)\)/g, (_whole, name: string) => {
      const value = values.get(placeholderKey(name.trim()));
      return Array.isArray(value) ? value.map((item) => `* ${String(item)}`).join('\n') : String(value);
    });
  return { subject: fill(template.subject), body: fill(template.body) };
}

/** Notify's timestamps: microseconds, UTC, `Z`. */
const timestamp = (date: Date) => date.toISOString().replace('Z', '000Z');

const failureAnswers: Record<number, { error: string; message: string }> = {
  429: { error: 'RateLimitError', message: 'Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds' },
  500: { error: 'Exception', message: 'Internal server error' },
  502: { error: 'Exception', message: 'Bad gateway' },
  503: { error: 'Exception', message: 'Service unavailable' },
};

export async function startNotifyStandIn(options: NotifyStandInOptions): Promise<NotifyStandIn> {
  const capacity = options.capacity ?? 500;
  const secret = new TextEncoder().encode(options.secretKey);
  const templates = new Map(options.templates.map((t) => [t.id.toLowerCase(), t]));
  const emails: StandInEmail[] = [];
  const forcedFailures: number[] = [];
  let baseUrl = '';

  const app = express();
  app.disable('x-powered-by');
  app.use((request: Request, _response: Response, next: NextFunction) => {
    checkNotifyToken(request.get('authorization'), options.serviceId, secret).then(() => {
      const forced = forcedFailures.shift();
      next(
        forced === undefined
          ? undefined
          : NotifyHttpError.of(forced, failureAnswers[forced]?.error ?? 'Exception', failureAnswers[forced]?.message ?? 'Error'),
      );
    }, next);
  });
  // Notify reads the body as JSON whatever its content type says.
  app.use(express.json({ type: () => true, limit: '2mb', strict: false }));

  app.post('/v2/notifications/email', (request, response) => {
    if (request.body === undefined) throw NotifyHttpError.of(400, 'BadRequestError', 'Invalid JSON supplied in POST data');
    const problems = validationErrors(request.body);
    if (problems.length > 0)
      throw new NotifyHttpError(
        400,
        problems.map((message) => ({ error: 'ValidationError', message })),
      );
    const form = request.body as Record<string, any>;
    if (form.email_reply_to_id !== undefined) {
      throw NotifyHttpError.of(
        400,
        'BadRequestError',
        `email_reply_to_id ${form.email_reply_to_id} does not exist in database for service id ${options.serviceId}`,
      );
    }
    const template = templates.get(String(form.template_id).toLowerCase());
    if (!template) throw NotifyHttpError.of(400, 'BadRequestError', 'Template not found');
    const personalisation = (form.personalisation ?? {}) as Record<string, unknown>;
    const content = render(template, personalisation);
    const now = timestamp(new Date());
    const id = randomUUID();
    const templateRef = { id: template.id, version: 1, uri: `${baseUrl}/services/${options.serviceId}/templates/${template.id}` };
    emails.unshift({
      id,
      reference: form.reference ?? null,
      email_address: form.email_address.trim(),
      type: 'email',
      status: 'delivered',
      template: templateRef,
      ...content,
      created_at: now,
      sent_at: now,
      completed_at: now,
      one_click_unsubscribe_url: form.one_click_unsubscribe_url ?? null,
      personalisation,
    });
    emails.splice(capacity);
    response.status(201).json({
      id,
      reference: form.reference ?? null,
      content: {
        from_email: 'ips.notices@notifications.service.gov.uk',
        ...content,
        one_click_unsubscribe_url: form.one_click_unsubscribe_url ?? null,
      },
      uri: `${baseUrl}/v2/notifications/${id}`,
      template: templateRef,
      scheduled_for: null,
    });
  });

  app.get('/v2/notifications/:id', (request, response) => {
    const id = String(request.params.id);
    if (!uuidPattern.test(id)) throw NotifyHttpError.of(400, 'ValidationError', 'notification_id is not a valid UUID');
    const email = emails.find((e) => e.id === id.toLowerCase());
    if (!email) throw NotifyHttpError.of(404, 'NoResultFound', 'No result found');
    response.json(serialise(email));
  });

  app.get('/v2/notifications', (request, response) => {
    const query = new URLSearchParams(request.originalUrl.split('?')[1] ?? '');
    const extras = [...new Set(query.keys())].filter(
      (key) => !['reference', 'status', 'template_type', 'older_than', 'include_jobs'].includes(key),
    );
    if (extras.length > 0) {
      throw NotifyHttpError.of(
        400,
        'ValidationError',
        `Additional properties are not allowed (${extras.join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`,
      );
    }
    const olderThan = query.get('older_than');
    if (olderThan !== null && !uuidPattern.test(olderThan))
      throw NotifyHttpError.of(400, 'ValidationError', 'older_than is not a valid UUID');
    const reference = query.get('reference');
    const statuses = query.getAll('status');
    const types = query.getAll('template_type');
    const start = olderThan === null ? 0 : emails.findIndex((e) => e.id === olderThan.toLowerCase()) + 1;
    // An unknown older_than id finds nothing older, as Notify's query does.
    const page = (olderThan !== null && start === 0 ? [] : emails.slice(start))
      .filter((e) => (reference === null || e.reference === reference) && (statuses.length === 0 || statuses.includes(e.status)))
      .filter((e) => types.length === 0 || types.includes(e.type))
      .slice(0, pageSize);
    const current = `${baseUrl}/v2/notifications${query.size > 0 ? `?${query}` : ''}`;
    const links: { current: string; next?: string } = { current };
    if (page.length > 0) {
      const next = new URLSearchParams(query);
      next.set('older_than', page[page.length - 1]!.id);
      links.next = `${baseUrl}/v2/notifications?${next}`;
    }
    response.json({ notifications: page.map(serialise), links });
  });

  app.use((_request: Request, _response: Response, next: NextFunction) => {
    next(NotifyHttpError.of(404, 'NotFound', 'The requested URL was not found on the server.'));
  });
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const answer =
      error instanceof NotifyHttpError
        ? error
        : error instanceof SyntaxError || (error as { type?: string }).type === 'entity.parse.failed'
          ? NotifyHttpError.of(400, 'BadRequestError', 'Invalid JSON supplied in POST data')
          : NotifyHttpError.of(500, 'Exception', 'Internal server error');
    response.status(answer.status).json({ status_code: answer.status, errors: answer.errors });
  });

  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.address}:${address.port}`;
  return {
    url: baseUrl,
    emails: () => emails.map((email) => ({ ...email })),
    failNext(status, count = 1) {
      for (let i = 0; i < count; i++) forcedFailures.push(status);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A notification as Notify's GET endpoints answer it (`serialize_with_cost_data`). */
function serialise({ personalisation: _personalisation, ...email }: StandInEmail) {
  return {
    ...email,
    phone_number: null,
    line_1: null,
    line_2: null,
    line_3: null,
    line_4: null,
    line_5: null,
    line_6: null,
    postcode: null,
    created_by_name: null,
    scheduled_for: null,
    postage: null,
    cost_details: {},
    cost_in_pounds: 0,
    is_cost_data_ready: true,
  };
}

/** As a process of the development stack (scripts/stack.ts): the key and template from configuration. */
async function main(): Promise<void> {
  const config = loadNotifyConfig(process.env);
  if (!config.standIn)
    throw new Error('The Notify stand-in runs only under the development profile with no NOTIFY_API_KEY or NOTIFY_BASE_URL set');
  const standIn = await startNotifyStandIn({
    serviceId: config.serviceId,
    secretKey: config.secretKey,
    templates: [{ id: config.templateId, ...noticeTemplate }],
    port: config.standIn.port,
  });
  const stop = (reason: string) => {
    console.log(`Notify stand-in stopping (${reason})`);
    void standIn.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('disconnect', () => {
    // No runner is left to SIGKILL it if a client's open connection holds close() up.
    setTimeout(() => process.exit(1), orphanedStopDeadlineMs).unref();
    stop('the stack runner is gone');
  });
  console.log(`Notify stand-in ready at ${standIn.url} (emails are kept in memory and shown in the explorer's mailbox)`);
  process.send?.({ type: 'ready', pid: process.pid, url: standIn.url });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
