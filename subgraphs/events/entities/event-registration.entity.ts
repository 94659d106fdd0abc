import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RegistrationStatus } from '../generated/graphql';

/**
 * A person's place at an event. The person and organisation live in the members subgraph (no
 * foreign keys); the organisation's kind is the one the gateway asserted when they registered.
 */
@Entity({ name: 'event_registration' })
export class EventRegistration {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  @Column({ name: 'organisation_kind', type: 'text' })
  organisationKind: string;

  @Column({ type: 'text' })
  status: RegistrationStatus;

  /** Order of joining (a sequence): the waiting list is served lowest first. */
  @Column({ name: 'queue_number', type: 'bigint' })
  queueNumber: string;

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt: Date;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @Column({ type: 'boolean', nullable: true })
  attended: boolean | null;
}
