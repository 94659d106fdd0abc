import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { money } from './project.entity';

export type ResponseOutcome = 'PENDING' | 'AWARDED' | 'UNSUCCESSFUL';

/** An invited supplier's sealed response to a further competition: one per supplier per project. */
@Entity({ name: 'response' })
export class ProcurementResponse {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @Column({ name: 'supplier_id', type: 'uuid' })
  supplierId: string;

  @Column({ name: 'submitted_by', type: 'uuid' })
  submittedBy: string;

  /** Sealed until the response deadline (policy.ts). */
  @Column({ type: 'text' })
  proposal: string;

  @Column({ type: 'numeric', precision: 14, scale: 2, transformer: money })
  price: number;

  @Column({ type: 'text' })
  outcome: ResponseOutcome;

  @Column({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'int' })
  version: number;

  /** When its supplier withdrew it; null while it stands. A withdrawn response is not a tender (policy.ts). */
  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt: Date | null;

  /** When its scores were moderated into one agreed score per criterion; null until then. Fixed once set. */
  @Column({ name: 'moderated_at', type: 'timestamptz', nullable: true })
  moderatedAt: Date | null;

  /** Who moderated it (a buyer-team member who declared no conflict and did not score it). */
  @Column({ name: 'moderated_by', type: 'uuid', nullable: true })
  moderatedBy: string | null;
}
