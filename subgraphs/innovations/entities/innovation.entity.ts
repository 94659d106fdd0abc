import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { InnovationCategory, InnovationStatus, PricingModel } from '../generated/graphql';

@Entity({ name: 'innovation' })
export class Innovation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** An organisation of the members subgraph; no foreign key, as it lives in another database. */
  @Column({ name: 'supplier_id', type: 'uuid' })
  supplierId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  summary: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'text' })
  category: InnovationCategory;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  /** Technology Readiness Level, 1–9. */
  @Column({ type: 'smallint' })
  trl: number;

  @Column({ type: 'text' })
  status: InnovationStatus;

  @Column({ name: 'pricing_model', type: 'text', nullable: true })
  pricingModel: PricingModel | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
