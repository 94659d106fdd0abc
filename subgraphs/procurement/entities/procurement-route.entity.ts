import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import type { Nation, ProcurementRegime, RouteKind } from '../generated/graphql';
import { Lot } from './lot.entity';

/** numeric comes back from node-postgres as a string, to keep its precision; a levy fits a double. */
const percent = {
  to: (value: number) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity({ name: 'route' })
export class ProcurementRoute {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  reference: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  kind: RouteKind;

  @Column({ type: 'text' })
  regime: ProcurementRegime;

  /** An organisation in the members subgraph; not a foreign key, since that lives in another database. */
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'text', nullable: true })
  guidance: string | null;

  @Column({ name: 'fee_percent', type: 'numeric', precision: 5, scale: 2, transformer: percent })
  feePercent: number;

  @Column({ name: 'eligible_nations', type: 'text', array: true })
  eligibleNations: Nation[];

  /** Organisation kinds (members' OrganisationKind) whose bodies may buy through the route; empty: any public body. */
  @Column({ name: 'eligible_organisation_kinds', type: 'text', array: true, default: () => "'{}'" })
  eligibleOrganisationKinds: string[];

  @Column({ type: 'int', default: 1 })
  version: number;

  /**
   * The lifecycle dates, each the first day of a status (services/route-lifecycle.ts): the status is
   * derived from them and the clock, never stored. `YYYY-MM-DD` strings, as TypeORM reads a `date`.
   */
  @Column({ name: 'opens_on', type: 'date', nullable: true })
  opensOn: string | null;

  @Column({ name: 'applications_close_on', type: 'date', nullable: true })
  applicationsCloseOn: string | null;

  @Column({ name: 'standstill_starts_on', type: 'date', nullable: true })
  standstillStartsOn: string | null;

  @Column({ name: 'starts_on', type: 'date', nullable: true })
  startsOn: string | null;

  @Column({ name: 'expires_on', type: 'date', nullable: true })
  expiresOn: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @OneToMany(() => Lot, (lot) => lot.route)
  lots?: Lot[];
}
