import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { EventAudience, EventKind, EventStatus } from '../generated/graphql';

@Entity({ name: 'event' })
export class Event {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'text' })
  kind: EventKind;

  @Column({ type: 'text' })
  audience: EventAudience;

  @Column({ type: 'text' })
  status: EventStatus;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  /** Null for an online-only event. */
  @Column({ type: 'text', nullable: true })
  venue: string | null;

  @Column({ type: 'boolean' })
  online: boolean;

  /** Null means no limit. */
  @Column({ type: 'integer', nullable: true })
  capacity: number | null;

  /** The link to join online; shown only to confirmed registrants and hosts. */
  @Column({ name: 'join_url', type: 'text', nullable: true })
  joinUrl: string | null;

  @Column({ name: 'cancellation_reason', type: 'text', nullable: true })
  cancellationReason: string | null;

  /** Moves on by one on every change, through platform/optimistic-lock.ts only: TypeORM never writes it. */
  @Column({ type: 'integer', insert: false, update: false, default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
