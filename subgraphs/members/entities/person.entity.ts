import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { OrganisationRole, PlatformRole } from '../../../platform/identity';
import type { Organisation } from './organisation.entity';

@Entity({ name: 'person' })
export class Person {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @ManyToOne('Organisation', 'people', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'job_title', type: 'text', nullable: true })
  jobTitle: string | null;

  /** Personal data: used for sign-in; shown only as `policy.canSeePersonalData` allows. */
  @Column({ type: 'text', unique: true })
  email: string;

  /** Personal data, guarded like `email`. */
  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ name: 'organisation_roles', type: 'text', array: true, default: () => `'{}'` })
  organisationRoles: OrganisationRole[];

  /** Only people of the body that runs the IPS have any. */
  @Column({ name: 'platform_roles', type: 'text', array: true, default: () => `'{}'` })
  platformRoles: PlatformRole[];

  /** Moves on by one on every change, through platform/optimistic-lock.ts only: TypeORM never writes it. */
  @Column({ type: 'integer', insert: false, update: false, default: 1 })
  version: number;

  /** The token issuer (`iss`) and subject (`sub`) bound at first sign-in; null until then. */
  @Column({ name: 'auth_issuer', type: 'text', nullable: true, select: false })
  authIssuer: string | null;

  @Column({ name: 'auth_subject', type: 'text', nullable: true, select: false })
  authSubject: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
