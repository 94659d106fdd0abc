import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NotificationKind } from '../generated/graphql';

/**
 * One line of one person's inbox. `(event_id, person_id, kind)` is unique: the notice's
 * idempotency key (issue 25 item 8), so an event applied twice cannot raise it twice.
 */
@Entity({ name: 'notification' })
export class Notification {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  @Column({ type: 'text' })
  kind: NotificationKind;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'text' })
  link: string;

  @Column({ name: 'subject_typename', type: 'text' })
  subjectTypename: string;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId: string;

  /** The domain event it came from. */
  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  /** From the subgraph's clock, when the event was applied. */
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt: Date | null;
}
