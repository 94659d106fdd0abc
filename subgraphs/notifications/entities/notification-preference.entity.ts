import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NotificationKind } from '../generated/graphql';

/** A person's choice for one kind; a kind with no row has the defaults (subgraphs/notifications/notices.ts). */
@Entity({ name: 'notification_preference' })
export class NotificationPreferenceRow {
  @PrimaryColumn({ name: 'person_id', type: 'uuid' })
  personId: string;

  @PrimaryColumn({ type: 'text' })
  kind: NotificationKind;

  @Column({ name: 'in_app', type: 'boolean' })
  inApp: boolean;

  @Column({ type: 'boolean' })
  email: boolean;

  @Column({ name: 'daily_digest', type: 'boolean' })
  dailyDigest: boolean;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
