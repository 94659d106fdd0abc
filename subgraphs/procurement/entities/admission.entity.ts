import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Lot } from './lot.entity';

/** APPLIED → ADMITTED | REJECTED; an admitted supplier may later be SUSPENDED, or EXPIRED with the route. */
export type AdmissionStatus = 'APPLIED' | 'ADMITTED' | 'REJECTED' | 'SUSPENDED' | 'EXPIRED';

/** A supplier's application to, and standing on, one lot. Only ADMITTED suppliers may be awarded under it. */
@Entity({ name: 'admission' })
export class Admission {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** An organisation in the members subgraph. */
  @Column({ name: 'supplier_id', type: 'uuid' })
  supplierId: string;

  @Column({ name: 'lot_id', type: 'uuid' })
  lotId: string;

  @ManyToOne('Lot', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lot_id' })
  lot?: Lot;

  @Column({ type: 'text' })
  status: AdmissionStatus;

  /** The supplier's name when it last applied (from the forwarded identity), for OCDS parties; null if unknown. */
  @Column({ name: 'supplier_name', type: 'text', nullable: true })
  supplierName: string | null;

  /** The supplier's declaration: whether any exclusion ground applies to it. */
  @Column({ name: 'exclusion_grounds_apply', type: 'boolean', nullable: true })
  exclusionGroundsApply: boolean | null;

  @Column({ name: 'conflicts_of_interest', type: 'text', nullable: true })
  conflictsOfInterest: string | null;

  @Column({ name: 'applied_by', type: 'uuid', nullable: true })
  appliedBy: string | null;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'decision_reason', type: 'text', nullable: true })
  decisionReason: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
