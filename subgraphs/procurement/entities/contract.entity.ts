import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { money } from './project.entity';

/** The contract a project ends in, recorded after the standstill. */
@Entity({ name: 'contract' })
export class Contract {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @Column({ name: 'buyer_id', type: 'uuid' })
  buyerId: string;

  @Column({ name: 'supplier_id', type: 'uuid' })
  supplierId: string;

  @Column({ type: 'numeric', precision: 14, scale: 2, transformer: money })
  value: number;

  @Column({ name: 'starts_on', type: 'date' })
  startsOn: string;

  @Column({ name: 'ends_on', type: 'date' })
  endsOn: string;

  /** The day the contract was entered into (signed): the law's period to publish its details starts that day. */
  @Column({ name: 'signed_on', type: 'date' })
  signedOn: string;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy: string;

  /** When it was recorded, which publishes its details (the OCDS `contract` release). */
  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
