import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import type { Nation, OrganisationKind, SupplierSize } from '../generated/graphql';
import { Person } from './person.entity';

@Entity({ name: 'organisation' })
export class Organisation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  kind: OrganisationKind;

  @Column({ type: 'text' })
  nation: Nation;

  @Column({ type: 'text' })
  region: string;

  @Column({ type: 'text', nullable: true })
  website: string | null;

  @Column({ name: 'companies_house_number', type: 'text', nullable: true })
  companiesHouseNumber: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** Suppliers only (a CHECK constraint holds every other kind to null). */
  @Column({ name: 'supplier_size', type: 'text', nullable: true })
  supplierSize: SupplierSize | null;

  /** Email domains invitations are restricted to (lower case); empty: any address. */
  @Column({ name: 'invitation_domains', type: 'text', array: true, default: () => `'{}'` })
  invitationDomains: string[];

  /** Moves on by one on every change, through platform/optimistic-lock.ts only: TypeORM never writes it. */
  @Column({ type: 'integer', insert: false, update: false, default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @OneToMany(() => Person, (person) => person.organisation)
  people?: Person[];
}
