import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An organisation hosting an event. The organisation lives in the members subgraph, so its id
 * carries no foreign key here.
 */
@Entity({ name: 'event_host' })
export class EventHost {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @PrimaryColumn({ name: 'organisation_id', type: 'uuid' })
  organisationId: string;

  /** Order of the hosts on the event; 0 is the lead host. */
  @Column({ type: 'smallint' })
  position: number;
}
