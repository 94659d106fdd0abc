import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { MembershipStatus } from '../../../platform/identity';
import type { MembershipTier } from '../generated/graphql';

/** An organisation's membership of the IPS: one row per organisation, changed only through its lifecycle. */
@Entity({ name: 'membership' })
export class Membership {
  @PrimaryColumn({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ type: 'text' })
  tier: MembershipTier;

  @Column({ type: 'text' })
  status: MembershipStatus;

  @Column({ name: 'applied_at', type: 'timestamptz' })
  appliedAt: Date;

  /** Calendar dates come back from PostgreSQL as "YYYY-MM-DD" strings. */
  @Column({ name: 'joined_on', type: 'date', nullable: true })
  joinedOn: string | null;

  @Column({ name: 'renewal_due_on', type: 'date', nullable: true })
  renewalDueOn: string | null;

  /** Moves on by one on every change, through platform/optimistic-lock.ts only: TypeORM never writes it. */
  @Column({ type: 'integer', insert: false, update: false, default: 1 })
  version: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
