import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NotificationKind } from '../generated/graphql';

/** Where an email stands (services/email-sender.ts). */
export type NotificationEmailStatus =
  /** Waiting to be sent, at `nextAttemptAt`. */
  | 'PENDING'
  /** Taken by a sender until `leaseUntil`; a lease that runs out means the sender died mid-send. */
  | 'SENDING'
  /** Notify accepted it (`notifyId`). */
  | 'SENT'
  /** Notify refused it for good (`lastError`): shown to staff, never retried. */
  | 'FAILED'
  /** A daily-digest notice waiting for the day's digest (services/digest.ts). */
  | 'HELD'
  /** A held notice that went out in digest `digestId`. */
  | 'DIGESTED';

/**
 * The email outbox: one row per email notice, written in the transaction that applied the event
 * (so an email exists exactly when its notice does), sent afterwards by the sender loop with
 * `reference` = this row's id. `(event_id, person_id, kind)` is unique, as for the inbox.
 */
@Entity({ name: 'notification_email' })
export class NotificationEmail {
  @PrimaryColumn('uuid')
  id: string;

  /** The domain event it came from; null for a digest (which gathers several). */
  @Column({ name: 'event_id', type: 'uuid', nullable: true })
  eventId: string | null;

  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  /** Null for a digest. */
  @Column({ type: 'text', nullable: true })
  kind: NotificationKind | null;

  @Column({ name: 'email_address', type: 'text' })
  emailAddress: string;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'text' })
  link: string;

  @Column({ type: 'text' })
  status: NotificationEmailStatus;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt: Date;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  /** An attempt was made whose outcome is unknown: ask Notify by reference before sending again. */
  @Column({ type: 'boolean' })
  uncertain: boolean;

  /** When the sender last called Notify for it (a claim); what staff see beside a failure. */
  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @Column({ name: 'notify_id', type: 'text', nullable: true })
  notifyId: string | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'digest_id', type: 'uuid', nullable: true })
  digestId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}
