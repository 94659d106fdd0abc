import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A supplier's question about a further competition. Who asked is kept for the record and for
 * the asker's own view, and is never exposed by any field or release (policy.ts).
 */
@Entity({ name: 'clarification_question' })
export class ClarificationQuestion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @Column({ name: 'asker_person_id', type: 'uuid' })
  askerPersonId: string;

  @Column({ name: 'asker_supplier_id', type: 'uuid' })
  askerSupplierId: string;

  @Column({ type: 'text' })
  question: string;

  @Column({ name: 'asked_at', type: 'timestamptz' })
  askedAt: Date;

  @Column({ type: 'text', nullable: true })
  answer: string | null;

  @Column({ name: 'answered_by', type: 'uuid', nullable: true })
  answeredBy: string | null;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt: Date | null;
}
