import axios, { isAxiosError } from 'axios';
import { NotifyClient } from 'notifications-node-client';
import type { NotifyConfig } from '../../../platform/config';

/**
 * Email through GOV.UK Notify with the official client (`notifications-node-client`). Every call
 * ends in a typed outcome the delivery loop can branch on; nothing is thrown for an answer Notify
 * gave or a request that never got one.
 *
 * Notify does not de-duplicate: two posts with the same `reference` are two emails. So the caller
 * owns "at most once": it records `sent` (with `notifyId`) in its own transaction after a `sent`
 * outcome, and before re-sending a notice whose earlier attempt ended without an answer (the
 * process died, the request timed out) it asks `findSentByReference` whether Notify accepted that
 * attempt after all.
 */

/**
 * The generic template every notice uses (platform/config.ts says why one): what to paste into
 * GOV.UK Notify when the service is set up, and what the development stand-in renders.
 */
export const noticeTemplate = {
  name: 'IPS notice',
  subject: '((subject))',
  body: '((body))\n\n((link))\n\n---\nYou get these emails because of your notification preferences. Stop this kind of email: ((unsubscribe_link))',
} as const;

/** The personalisation of `noticeTemplate`: every placeholder must be given (Notify refuses a missing one). */
export interface NoticePersonalisation {
  subject: string;
  body: string;
  /** Where in the IPS the notice leads. */
  link: string;
  /** Switches off this kind of email without signing in (issue 25 item 8). */
  unsubscribe_link: string;
}

export interface EmailToSend {
  templateId: string;
  emailAddress: string;
  personalisation: Record<string, string>;
  /**
   * The notice's own id (event + recipient + channel): Notify stores it with the email and can be
   * asked for it, which is how a retry recognises an earlier attempt that did get through.
   */
  reference: string;
  /** An https URL Notify puts in the List-Unsubscribe header (one click in the mail client). */
  oneClickUnsubscribeUrl?: string;
}

/** One entry of Notify's error list (`{status_code, errors: [{error, message}]}`). */
export interface NotifyError {
  error: string;
  message: string;
}

export type SendEmailOutcome =
  /** Notify accepted the email; record it as sent with `notifyId`. */
  | { kind: 'sent'; notifyId: string; reference: string }
  /**
   * Notify refused this request and would refuse it again (400: bad template, address or
   * personalisation; 401/403: the key or the clock; 404): record the failure for staff, do not retry.
   */
  | { kind: 'permanent-failure'; status: number; errors: NotifyError[] }
  /** Rate limited (429), Notify's own fault (5xx), or no answer (network, timeout): retry with back-off. */
  | { kind: 'retryable-failure'; status: number | undefined; errors: NotifyError[] };

export type EmailLookupOutcome =
  { kind: 'found'; notifyId: string; status: string } | { kind: 'not-found' } | Exclude<SendEmailOutcome, { kind: 'sent' }>;

export interface NotifyEmailSender {
  sendEmail(email: EmailToSend): Promise<SendEmailOutcome>;
  /** Whether Notify already holds an email sent under `reference` (Notify keeps them for 7 days). */
  findSentByReference(reference: string): Promise<EmailLookupOutcome>;
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

function notifyErrors(data: unknown): NotifyError[] {
  const errors = (data as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors)
    ? errors.filter((e): e is NotifyError => typeof e?.error === 'string' && typeof e?.message === 'string')
    : [];
}

/** Turns what the client threw into an outcome; anything that is not a request failure is a bug and is rethrown. */
function failureOf(error: unknown): Exclude<SendEmailOutcome, { kind: 'sent' }> {
  if (!isAxiosError(error)) throw error;
  const status = error.response?.status;
  const errors = notifyErrors(error.response?.data);
  if (status === undefined) {
    // No answer: refused connection, reset, DNS, or our timeout. The email may or may not have gone.
    return { kind: 'retryable-failure', status, errors: [{ error: error.code ?? 'NetworkError', message: error.message }] };
  }
  return isRetryableStatus(status) ? { kind: 'retryable-failure', status, errors } : { kind: 'permanent-failure', status, errors };
}

export function createNotifyEmailSender(config: Pick<NotifyConfig, 'apiKey' | 'baseUrl' | 'timeoutMs'>): NotifyEmailSender {
  const client = new NotifyClient(config.baseUrl, config.apiKey);
  // The client's default axios has no timeout: a hung connection would hold a delivery forever.
  client.setClient(axios.create({ timeout: config.timeoutMs }));
  return {
    async sendEmail({ templateId, emailAddress, personalisation, reference, oneClickUnsubscribeUrl }) {
      try {
        const response = await client.sendEmail(templateId, emailAddress, {
          personalisation,
          reference,
          ...(oneClickUnsubscribeUrl ? { oneClickUnsubscribeURL: oneClickUnsubscribeUrl } : {}),
        });
        return { kind: 'sent', notifyId: response.data.id, reference };
      } catch (error) {
        return failureOf(error);
      }
    },
    async findSentByReference(reference) {
      try {
        const response = await client.getNotifications('email', undefined, reference);
        const found = response.data.notifications.find((n) => n.reference === reference);
        return found ? { kind: 'found', notifyId: found.id, status: found.status } : { kind: 'not-found' };
      } catch (error) {
        return failureOf(error);
      }
    },
  };
}
