import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SupportCategory, SupportRequestStatus } from '../generated/graphql';

/** A support request; its conversation and status history are `SupportRequestEntry` rows. */
@Entity({ name: 'support_request' })
export class SupportRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'requester_id', type: 'uuid' })
  requesterId: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ type: 'text' })
  category: SupportCategory;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text' })
  status: SupportRequestStatus;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  /** Moves on by one on every change, through platform/optimistic-lock.ts only: TypeORM never writes it. */
  @Column({ type: 'integer', insert: false, update: false, default: 1 })
  version: number;
}

/** One message or status change of a support request (append-only). */
@Entity({ name: 'support_request_entry' })
export class SupportRequestEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @Column({ type: 'text' })
  kind: 'MESSAGE' | 'STATUS_CHANGE';

  @Column({ name: 'author_id', type: 'uuid' })
  authorId: string;

  @Column({ name: 'author_is_staff', type: 'boolean' })
  authorIsStaff: boolean;

  @Column({ type: 'text', nullable: true })
  body: string | null;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus: SupportRequestStatus | null;

  @Column({ name: 'to_status', type: 'text', nullable: true })
  toStatus: SupportRequestStatus | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'bigint', insert: false, update: false })
  sequence: string;
}
