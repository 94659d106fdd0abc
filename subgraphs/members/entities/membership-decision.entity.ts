import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MembershipStatus } from '../../../platform/identity';

/** One row of the membership audit trail. The database refuses UPDATE and DELETE on this table. */
@Entity({ name: 'membership_decision' })
export class MembershipDecision {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  /** A person id, deliberately without a foreign key: the record outlives the person. */
  @Column({ name: 'decided_by', type: 'uuid' })
  decidedBy: string;

  @Column({ name: 'decided_at', type: 'timestamptz', default: () => 'now()' })
  decidedAt: Date;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus: MembershipStatus | null;

  @Column({ name: 'to_status', type: 'text' })
  toStatus: MembershipStatus;

  @Column({ type: 'text', nullable: true })
  reason: string | null;
}
