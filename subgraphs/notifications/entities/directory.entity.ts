import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The notifications subgraph's own copy of who is who (issue 25 item 3: decide from the event and
 * members' roles, never by reading members' tables): kept up to date from members' domain events
 * (services/directory.ts), seeded from the shared demo data.
 */
@Entity({ name: 'known_person' })
export class KnownPerson {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'organisation_roles', type: 'text', array: true })
  organisationRoles: string[];

  @Column({ name: 'platform_roles', type: 'text', array: true })
  platformRoles: string[];

  /** False once removed from the organisation: told nothing more. */
  @Column({ type: 'boolean' })
  active: boolean;
}

@Entity({ name: 'known_organisation' })
export class KnownOrganisation {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** SUPPLIER, COUNTY_COUNCIL, … */
  @Column({ type: 'text' })
  kind: string;

  /** The membership's status (ACTIVE, APPLIED, …); null when it never applied. */
  @Column({ name: 'membership_status', type: 'text', nullable: true })
  membershipStatus: string | null;
}
