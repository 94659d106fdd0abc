import type { EntityManager } from 'typeorm';
import type { DomainEvent } from '../../../platform/outbox';
import { applyReminderChange, planReminders, remindersMadeMoot, type PlannedReminder, type StoredReminder } from './plan';

/**
 * Stores what one event does to reminders (issue 25 item 5), in the transaction that applies it
 * (services/delivery.ts): every reminder it plans and every key it makes moot, each as
 * `applyReminderChange` decides against the stored row. Each row is taken FOR UPDATE, so this and
 * the `reminders` job (services/reminders.ts), which takes rows FOR UPDATE SKIP LOCKED to send them,
 * never both act on one row at once: a moot committed first is never sent, and a moot arriving after
 * a send finds the row SENT.
 */
export async function storeReminderChanges(manager: EntityManager, event: DomainEvent): Promise<void> {
  for (const plan of planReminders(event)) await change(manager, plan.key, { plan }, event);
  for (const key of remindersMadeMoot(event)) await change(manager, key, { moot: true }, event);
}

async function change(
  manager: EntityManager,
  key: string,
  change: { plan: PlannedReminder } | { moot: true },
  event: Pick<DomainEvent, 'id' | 'occurredAt'>,
): Promise<void> {
  // At most twice: a first insert can lose to another event's insert of the same key, committed meanwhile.
  for (;;) {
    const [row] = (await manager.query(
      `SELECT remind_on::text AS "remindOn", state, decided_at AS "decidedAt" FROM notifications.reminder WHERE key = $1 FOR UPDATE`,
      [key],
    )) as { remindOn: string; state: StoredReminder['state']; decidedAt: Date | string }[];
    const stored = row && { ...row, decidedAt: new Date(row.decidedAt).toISOString() };
    const decision = applyReminderChange(stored, change, event.occurredAt);
    if (decision === 'keep') return;
    if (decision === 'moot') {
      await manager.query(`UPDATE notifications.reminder SET state = 'MOOT', decided_at = $2, decided_by_event_id = $3 WHERE key = $1`, [
        key,
        event.occurredAt,
        event.id,
      ]);
      return;
    }
    if (!('plan' in change)) return;
    const values = planValues(change.plan, event);
    if (decision === 'replace') {
      await manager.query(
        `UPDATE notifications.reminder
            SET kind = $2, remind_on = $3, due_at = $4, not_after = $5, subject_typename = $6, subject_id = $7, recipients = $8::jsonb,
                members_only = $9, title = $10, body = $11, link = $12, state = 'PLANNED', decided_at = $13, decided_by_event_id = $14, sent_at = NULL
          WHERE key = $1`,
        values,
      );
      return;
    }
    const inserted = (await manager.query(
      `INSERT INTO notifications.reminder
         (key, kind, remind_on, due_at, not_after, subject_typename, subject_id, recipients, members_only, title, body, link, state, decided_at, decided_by_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, 'PLANNED', $13, $14)
       ON CONFLICT (key) DO NOTHING RETURNING key`,
      values,
    )) as unknown[];
    if (inserted.length > 0) return;
  }
}

function planValues(plan: PlannedReminder, event: Pick<DomainEvent, 'id' | 'occurredAt'>): unknown[] {
  return [
    plan.key,
    plan.kind,
    plan.remindOn,
    plan.dueAt,
    plan.notAfter,
    plan.subject.typename,
    plan.subject.id,
    JSON.stringify(plan.to),
    plan.membersOnly,
    plan.title,
    plan.body,
    plan.link,
    event.occurredAt,
    event.id,
  ];
}
