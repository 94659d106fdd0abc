import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { errorFields, logger } from '../../../platform/logger';
import { unsubscribeLinkPath } from '../../../platform/config';
import { createPacer } from '../../../platform/pacer';
import type { NotifyEmailSender, NotifyError, SendEmailOutcome } from '../email/notify-email';
import type { NotificationKind } from '../generated/graphql';
import { canUnsubscribe, signUnsubscribeToken } from './unsubscribe';

/**
 * Sends the email outbox (notifications.notification_email) through GOV.UK Notify, at most once
 * per row, with every replica running this loop:
 *
 *   1. claim: one short transaction takes due rows `FOR UPDATE SKIP LOCKED` and marks them SENDING
 *      with a lease, so no other sender takes them while the lease runs, and nothing is held locked
 *      while Notify is called;
 *   2. send, with `reference` = the row's id;
 *   3. record the outcome: SENT (Notify's id), FAILED (refused for good: kept for staff), or back to
 *      PENDING after a back-off (429, 5xx, no answer).
 *
 * A sender that dies between 1 and 3 leaves a SENDING row whose lease runs out; the next claim
 * takes it, and because its last attempt may have reached Notify (`uncertain`), asks Notify by
 * reference before sending again. Likewise after an attempt that got no answer.
 */
export interface EmailSenderOptions {
  dataSource: DataSource;
  clock: Clock;
  notify: NotifyEmailSender;
  templateId: string;
  /** Where the front end is: links in emails are absolute. */
  linkBaseUrl: string;
  /** Signs each email's unsubscribe link (services/unsubscribe.ts); without it the link is the preferences page. */
  unsubscribeSecret?: string;
  batchSize?: number;
  /**
   * Sends a minute at most, evenly spaced (no pacing when absent). Notify refuses a key's requests
   * past its rate limit (429) and a burst would only come back as retries; evenly spaced sends also
   * keep a fan-out of thousands of emails from taking this process's CPU from the graph's requests.
   */
  sendsPerMinute?: number;
  /** How long a claimed row is the claimer's: far longer than one send may take. */
  leaseMs?: number;
  pollIntervalMs?: number;
  /** The longest pause before a retry (doubling from `retryBaseMs`). */
  maxBackoffMs?: number;
  retryBaseMs?: number;
  /** Attempts before a row that keeps failing is given up as FAILED. */
  maxAttempts?: number;
}

export interface EmailSender {
  /** One pass: claims and sends what is due; resolves with how many rows it settled or rescheduled. */
  sendDue(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

interface Claimed {
  id: string;
  person_id: string;
  /** Null for a daily digest. */
  kind: NotificationKind | null;
  email_address: string;
  subject: string;
  body: string;
  link: string;
  attempts: number;
  was_uncertain: boolean;
}

/** node-postgres answers an UPDATE … RETURNING through TypeORM as [rows, count]. */
function returnedRows<T>(result: unknown): T[] {
  return (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) ? result[0] : result) as T[];
}

export function createEmailSender(options: EmailSenderOptions): EmailSender {
  const { dataSource, clock, notify } = options;
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const retryBaseMs = options.retryBaseMs ?? 30_000;
  const maxBackoffMs = options.maxBackoffMs ?? 60 * 60_000;
  const maxAttempts = options.maxAttempts ?? 12;
  const base = options.linkBaseUrl.replace(/\/+$/, '');
  const log = logger('notification email sender');
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  const pacer = createPacer(options.sendsPerMinute && options.sendsPerMinute / 60);

  async function claim(): Promise<Claimed[]> {
    const now = clock.now();
    return dataSource.transaction(async (manager) =>
      returnedRows<Claimed>(
        await manager.query(
          `UPDATE notifications.notification_email e
              SET status = 'SENDING', lease_until = $2, attempts = e.attempts + 1, uncertain = true, last_attempt_at = $1
             FROM (SELECT id, uncertain AS was_uncertain FROM notifications.notification_email
                    WHERE (status = 'PENDING' AND next_attempt_at <= $1) OR (status = 'SENDING' AND lease_until <= $1)
                    ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) due
            WHERE e.id = due.id
        RETURNING e.id, e.person_id, e.kind, e.email_address, e.subject, e.body, e.link, e.attempts, due.was_uncertain`,
          [now, new Date(now.getTime() + leaseMs), batchSize],
        ),
      ),
    );
  }

  /** One statement, so no transaction of its own (a BEGIN and COMMIT per email would cost more than the UPDATE). */
  async function record(row: Claimed, outcome: SendEmailOutcome | { kind: 'found'; notifyId: string }) {
    const { manager } = dataSource;
    const now = clock.now();
    // Only while the row is still this sender's (its lease not taken over by another).
    const mine = `WHERE id = $1 AND status = 'SENDING' AND attempts = $2`;
    if (outcome.kind === 'sent' || outcome.kind === 'found') {
      await manager.query(
        `UPDATE notifications.notification_email SET status = 'SENT', notify_id = $3, sent_at = $4, lease_until = NULL, uncertain = false, last_error = NULL ${mine}`,
        [row.id, row.attempts, outcome.notifyId, now],
      );
    } else if (outcome.kind === 'permanent-failure' || row.attempts >= maxAttempts) {
      await manager.query(`UPDATE notifications.notification_email SET status = 'FAILED', lease_until = NULL, last_error = $3 ${mine}`, [
        row.id,
        row.attempts,
        describe(outcome.status, outcome.errors),
      ]);
    } else {
      const backoff = retryDelay(row.attempts, retryBaseMs, maxBackoffMs);
      await manager.query(
        `UPDATE notifications.notification_email
            SET status = 'PENDING', lease_until = NULL, next_attempt_at = $3, last_error = $4, uncertain = $5 ${mine}`,
        // An answer (429, 5xx) means Notify did not take it; no answer means it may have.
        [row.id, row.attempts, new Date(now.getTime() + backoff), describe(outcome.status, outcome.errors), outcome.status === undefined],
      );
    }
  }

  async function sendOne(row: Claimed): Promise<void> {
    if (row.was_uncertain) {
      const earlier = await notify.findSentByReference(row.id);
      if (earlier.kind === 'found') return record(row, earlier);
      if (earlier.kind !== 'not-found') return record(row, asRetry(earlier));
    }
    // One kind's own link, signed, that works without signing in; the preferences page for a digest
    // (several kinds) and for a notice the law requires (which cannot be switched off).
    const unsubscribe =
      options.unsubscribeSecret && row.kind && canUnsubscribe(row.kind)
        ? `${base}${unsubscribeLinkPath}/${signUnsubscribeToken(options.unsubscribeSecret, row.person_id, row.kind)}`
        : undefined;
    const outcome = await notify.sendEmail({
      templateId: options.templateId,
      emailAddress: row.email_address,
      reference: row.id,
      personalisation: {
        subject: row.subject,
        body: row.body,
        link: `${base}${row.link}`,
        unsubscribe_link: unsubscribe ?? `${base}/notifications/preferences`,
      },
      // RFC 8058 one-click (List-Unsubscribe-Post): Notify takes https links only.
      ...(unsubscribe?.startsWith('https://') ? { oneClickUnsubscribeUrl: unsubscribe } : {}),
    });
    await record(row, outcome);
  }

  async function sendDue(): Promise<number> {
    const rows = await claim();
    for (const row of rows) {
      await pacer.take();
      await sendOne(row);
    }
    return rows.length;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = pass().finally(() => (running = undefined));
    }, delayMs);
    timer.unref();
  }

  async function pass(): Promise<void> {
    let sent = 0;
    try {
      sent = await sendDue();
    } catch (error) {
      log.warn(errorFields(error), 'notification emails could not be sent; retrying');
    }
    schedule(sent === batchSize ? 0 : pollIntervalMs);
  }

  return {
    sendDue,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/**
 * Exponential back-off with "equal jitter": half the doubled delay fixed, half random, so that
 * rows refused together (a 429 burst, a Notify outage) do not all come back in the same instant
 * and meet the rate limit again, while every retry still waits at least half its step.
 */
export function retryDelay(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const step = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), maxMs);
  return Math.round(step / 2 + random() * (step / 2));
}

/** A failed look-up is retried like a failed send: the row stays uncertain. */
function asRetry(outcome: Exclude<SendEmailOutcome, { kind: 'sent' }>): SendEmailOutcome {
  return outcome.kind === 'permanent-failure' ? outcome : { kind: 'retryable-failure', status: undefined, errors: outcome.errors };
}

function describe(status: number | undefined, errors: NotifyError[]): string {
  return `${status ?? 'no answer'}: ${errors.map((e) => `${e.error}: ${e.message}`).join('; ') || 'no detail'}`.slice(0, 2000);
}

/**
 * The daily digest (a person's `dailyDigest` preference): each person's HELD notices become one
 * email row, sent by the loop above, and are marked DIGESTED with its id. Runs in one transaction;
 * rows are taken `FOR UPDATE SKIP LOCKED`, so two runs at once never put a notice in two digests.
 * The daily job (services/digest.ts) calls `collectDigestsIn` in its tick's transaction.
 */
export function collectDigests(dataSource: DataSource, clock: Clock): Promise<number> {
  return dataSource.transaction((manager) => collectDigestsIn(manager, clock.now()));
}

export async function collectDigestsIn(manager: EntityManager, now: Date): Promise<number> {
  const held = (await manager.query(
    `SELECT id, person_id AS "personId", email_address AS "emailAddress", subject FROM notifications.notification_email
      WHERE status = 'HELD' ORDER BY person_id, created_at, id FOR UPDATE SKIP LOCKED`,
  )) as { id: string; personId: string; emailAddress: string; subject: string }[];
  const byPerson = new Map<string, typeof held>();
  for (const row of held) byPerson.set(row.personId, [...(byPerson.get(row.personId) ?? []), row]);
  for (const [personId, rows] of byPerson) {
    const id = randomUUID();
    await manager.query(
      `INSERT INTO notifications.notification_email (id, event_id, person_id, kind, email_address, subject, body, link, status, next_attempt_at, created_at)
       VALUES ($1, NULL, $2, NULL, $3, $4, $5, '/notifications', 'PENDING', $6, $6)`,
      [
        id,
        personId,
        rows[rows.length - 1]!.emailAddress,
        `Your IPS notices: ${rows.length} since the last digest`,
        rows.map((row) => `- ${row.subject}`).join('\n'),
        now,
      ],
    );
    await manager.query(`UPDATE notifications.notification_email SET status = 'DIGESTED', digest_id = $2 WHERE id = ANY($1::uuid[])`, [
      rows.map((row) => row.id),
      id,
    ]);
  }
  return byPerson.size;
}
