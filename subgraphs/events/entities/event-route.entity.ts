import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A procurement route an event is about. The route lives in the procurement subgraph: no foreign key. */
@Entity({ name: 'event_route' })
export class EventRoute {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @PrimaryColumn({ name: 'route_id', type: 'uuid' })
  routeId: string;

  /** Order of the routes on the event, most relevant first. */
  @Column({ type: 'smallint' })
  position: number;
}
