import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { createScheduledJob, type ScheduledJob } from '../../../platform/scheduled-job';
import type { Recipients } from '../audience';
import { sendable, type ReminderKind } from '../reminders/plan';
import { deliver } from './delivery';
import { resolveRecipients } from './directory';

/**
 * The `reminders` job (issue 25 item 5): at each tick, once across replicas
 * (platform/scheduled-job.ts), sends the PLANNED reminders whose time has come
 * (reminders/store.ts keeps them from the events) and marks each SENT in the same transaction.
 *
 *   - rows are taken FOR UPDATE SKIP LOCKED: one the consumer is making moot right now is left to
 *     it (it is MOOT once that commits, or sent at the next tick if the event kept it);
 *   - a row is sent only while `sendable` (its time has come and what it reminds of has not
 *     happened); one whose moment passed unsent (the service was down on its day) is dropped (MOOT),
 *     never sent late;
 *   - who is told is resolved now, from the subgraph's own directory, as for any notice
 *     (services/directory.ts): removed people and, for a member-only event, people of organisations
 *     no longer ACTIVE members are not told; each person's preferences choose the channels
 *     (services/delivery.ts `deliver`);
 *   - the inbox line and the email row are unique per (occurrence, person, kind), where the
 *     occurrence is the reminder's key and day (`reminderOccurrenceId`): whatever re-plans or re-runs
 *     happen, one reminder for one day reaches one person once per channel.
 */
export const remindersJobName = 'notifications:reminders';

export interface RemindersJobOptions {
  dataSource: DataSource;
  clock: Clock;
  /** Real time between ticks (default a minute: reminders go at 09:00 and need no more). */
  intervalMs?: number;
  /** At most this many reminders per tick (one transaction); the rest go at the next. */
  batchSize?: number;
}

export function createRemindersJob({ dataSource, clock, intervalMs = 60_000, batchSize = 500 }: RemindersJobOptions): ScheduledJob {
  return createScheduledJob({
    name: remindersJobName,
    dataSource,
    clock,
    intervalMs,
    run: async (manager, now) => {
      await sendDueReminders(manager, now, batchSize);
    },
  });
}

interface DueRow {
  key: string;
  kind: ReminderKind;
  remindOn: string;
  dueAt: Date | string;
  notAfter: Date | string;
  subjectTypename: string;
  subjectId: string;
  recipients: Recipients | string;
  membersOnly: boolean;
  title: string;
  body: string;
  link: string;
}

/** One tick's work in the tick's transaction; resolves with how many reminders it sent. */
export async function sendDueReminders(manager: EntityManager, now: Date, batchSize: number): Promise<number> {
  const due = (await manager.query(
    `SELECT key, kind, remind_on::text AS "remindOn", due_at AS "dueAt", not_after AS "notAfter", subject_typename AS "subjectTypename",
            subject_id AS "subjectId", recipients, members_only AS "membersOnly", title, body, link
       FROM notifications.reminder WHERE state = 'PLANNED' AND due_at <= $1
      ORDER BY due_at, key LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, batchSize],
  )) as DueRow[];
  let sent = 0;
  for (const row of due) {
    if (!sendable({ dueAt: new Date(row.dueAt), notAfter: new Date(row.notAfter) }, now)) {
      await manager.query(`UPDATE notifications.reminder SET state = 'MOOT' WHERE key = $1`, [row.key]);
      continue;
    }
    const to = (typeof row.recipients === 'string' ? JSON.parse(row.recipients) : row.recipients) as Recipients;
    const recipients = await resolveRecipients(manager, to, { exclude: null, membersOnly: row.membersOnly });
    if (recipients.length > 0) {
      await deliver(
        manager,
        { id: reminderOccurrenceId(row.key, row.remindOn), subject: { typename: row.subjectTypename, id: row.subjectId } },
        { kind: row.kind, to, title: row.title, body: row.body, link: row.link },
        recipients,
        now,
      );
    }
    await manager.query(`UPDATE notifications.reminder SET state = 'SENT', sent_at = $2 WHERE key = $1`, [row.key, now]);
    sent += 1;
  }
  return sent;
}

/**
 * The id a reminder's notices carry where an event's would be (`notification.event_id`): a
 * name-based UUID (version 5 layout, SHA-1) of its key and day, so the same reminder on the same day
 * always has the same id, and a reminder moved to another day is a new one. Never equal to a domain
 * event's id (those are random, version 4).
 */
export function reminderOccurrenceId(key: string, remindOn: string): string {
  const hash = createHash('sha1').update(`ips-graph:reminder:${key}:${remindOn}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
