import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Recipients } from '../audience';
import type { ReminderKind } from '../reminders/plan';

/**
 * One reminder (issue 25 item 5), by what it reminds of: written by the consumer as
 * reminders/plan.ts `applyReminderChange` decides, in the transaction that applies the event, and
 * sent once by the `reminders` job (services/reminders.ts).
 */
@Entity({ name: 'reminder' })
export class Reminder {
  /** `<kind>:<ids>`, e.g. `responses-due:<projectId>:<supplierOrganisationId>`. */
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  kind: ReminderKind;

  /** The UK day it is for ("YYYY-MM-DD"). */
  @Column({ name: 'remind_on', type: 'date' })
  remindOn: string;

  /** 09:00 UK time on `remindOn`. */
  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  /** Never sent from then on (what it reminds of has happened). */
  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter: Date;

  @Column({ name: 'subject_typename', type: 'text' })
  subjectTypename: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId: string;

  /** Who is reminded, as audience.ts names recipients; resolved to people only when it is sent. */
  @Column({ type: 'jsonb' })
  recipients: Recipients;

  @Column({ name: 'members_only', type: 'boolean' })
  membersOnly: boolean;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'text' })
  link: string;

  /** PLANNED, SENT (for `remindOn`), or MOOT (cancelled, done, or its time passed unsent). */
  @Column({ type: 'text' })
  state: 'PLANNED' | 'SENT' | 'MOOT';

  /** `occurredAt` of the last event that planned it or made it moot: older events change nothing. */
  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt: Date;

  @Column({ name: 'decided_by_event_id', type: 'uuid' })
  decidedByEventId: string;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}

/** The day (UTC, as the digest hour is) each daily digest went out: one digest a day, however many replicas run the job. */
@Entity({ name: 'digest_run' })
export class DigestRun {
  @PrimaryColumn({ type: 'date' })
  day: string;

  @Column({ name: 'ran_at', type: 'timestamptz' })
  ranAt: Date;
}
