import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import type { Nation, OrganisationKind } from '../generated/graphql';
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @OneToMany(() => Person, (person) => person.organisation)
  people?: Person[];
}
