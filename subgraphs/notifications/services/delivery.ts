import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import type { DomainEventKind } from '../../../platform/domain-events';
import { defineEventInbox } from '../../../platform/event-inbox';
import type { DomainEvent } from '../../../platform/outbox';
import { audience, type AudienceRule, type Notice } from '../audience';
import { effectivePreference } from '../notices';
import { storeReminderChanges } from '../reminders/store';
import { resolveRecipients, updateDirectory, type Recipient } from './directory';

/** Every event is applied once, however often the relay or the broker delivers it (platform/event-inbox.ts). */
export const notificationsInbox = defineEventInbox('notifications.processed_event');

/**
 * Applies one domain event, in the caller's transaction (the inbox's, so the event's record, the
 * directory's update, the inbox lines and the emails to send commit together or not at all): who
 * is told comes from audience.ts, how from each person's preferences. The reminders the event plans
 * or makes moot are stored in the same transaction (reminders/store.ts), so a reminder exists, or
 * stops, exactly when its event was applied.
 */
export async function applyDomainEvent(manager: EntityManager, event: DomainEvent, clock: Clock): Promise<void> {
  await updateDirectory(manager, event);
  await storeReminderChanges(manager, event);
  const rule = audience[event.kind] as AudienceRule<DomainEventKind> | undefined;
  if (!rule) return;
  const exclude = rule.causedBy?.(event.facts) ?? null;
  const membersOnly = rule.membersOnly?.(event.facts) ?? false;
  const now = clock.now();
  for (const notice of rule.notices(event.facts)) {
    const recipients = await resolveRecipients(manager, notice.to, { exclude, membersOnly });
    if (recipients.length > 0) await deliver(manager, event, notice, recipients, now);
  }
}

/** How many people a saved-search alert (a `…_search.matched` event) names; undefined for any other event. */
export function savedSearchAlertRecipients(event: DomainEvent): number | undefined {
  if (event.kind !== 'catalogue_search.matched' && event.kind !== 'opportunity_search.matched') return undefined;
  return (event.facts as DomainEvent<'catalogue_search.matched'>['facts']).matches.length;
}

/** Applies an event through the inbox in a transaction of its own: what the HTTP endpoint and the broker's consumer each do per event. */
export function handleDomainEvent(
  dataSource: { transaction<T>(run: (manager: EntityManager) => Promise<T>): Promise<T> },
  event: DomainEvent,
  clock: Clock,
): Promise<boolean> {
  return dataSource.transaction((manager) => notificationsInbox.handleOnce(manager, event, () => applyDomainEvent(manager, event, clock)));
}

/**
 * Raises `notice` for `recipients`, per their preferences: inbox lines and email rows, each unique
 * per (`event.id`, person, kind). `event` is the domain event, or a reminder's occurrence
 * (services/reminders.ts), whose id stands in for an event's.
 */
export async function deliver(
  manager: EntityManager,
  event: Pick<DomainEvent, 'id' | 'subject'>,
  notice: Notice,
  recipients: Recipient[],
  now: Date,
): Promise<void> {
  const stored = (await manager.query(
    `SELECT person_id AS "personId", in_app AS "inApp", email, daily_digest AS "dailyDigest"
       FROM notifications.notification_preference WHERE kind = $1 AND person_id = ANY($2::uuid[])`,
    [notice.kind, recipients.map((r) => r.personId)],
  )) as { personId: string; inApp: boolean; email: boolean; dailyDigest: boolean }[];
  const byPerson = new Map(stored.map((row) => [row.personId, row]));
  const inbox: Recipient[] = [];
  const emails: { recipient: Recipient; held: boolean }[] = [];
  for (const recipient of recipients) {
    const preference = effectivePreference(notice.kind, byPerson.get(recipient.personId));
    if (preference.inApp) inbox.push(recipient);
    if (preference.email) emails.push({ recipient, held: preference.dailyDigest || notice.digestOnly === true });
  }
  if (inbox.length > 0) {
    // The idempotency key (event, person, kind) makes a second notice of one event to one person a no-op.
    await manager.query(
      `INSERT INTO notifications.notification (id, person_id, kind, title, body, link, subject_typename, subject_id, event_id, created_at)
       SELECT id, person_id, $3, $4, $5, $6, $7, $8, $9, $10 FROM unnest($1::uuid[], $2::uuid[]) AS t(id, person_id)
       ON CONFLICT (event_id, person_id, kind) DO NOTHING`,
      [
        inbox.map(() => randomUUID()),
        inbox.map((r) => r.personId),
        notice.kind,
        notice.title,
        notice.body,
        notice.link,
        event.subject.typename,
        event.subject.id,
        event.id,
        now,
      ],
    );
  }
  if (emails.length > 0) {
    // The email outbox: sent after commit by services/email-sender.ts; a digest notice waits for the day's digest.
    await manager.query(
      `INSERT INTO notifications.notification_email
         (id, event_id, person_id, kind, email_address, subject, body, link, status, next_attempt_at, created_at)
       SELECT id, $4, person_id, $5, email_address, $6, $7, $8, status, $9, $9
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $10::text[]) AS t(id, person_id, email_address, status)
       ON CONFLICT (event_id, person_id, kind) DO NOTHING`,
      [
        emails.map(() => randomUUID()),
        emails.map((e) => e.recipient.personId),
        emails.map((e) => e.recipient.email),
        event.id,
        notice.kind,
        notice.title,
        notice.body,
        notice.link,
        now,
        emails.map((e) => (e.held ? 'HELD' : 'PENDING')),
      ],
    );
  }
}
