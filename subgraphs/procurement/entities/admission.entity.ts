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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
