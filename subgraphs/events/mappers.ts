import type { Connection } from '../../platform/pagination';
import type { Event } from './entities';

/** The values resolvers return for each GraphQL type (graphql-codegen `mappers`). */
export type EventModel = Event;
export type EventConnectionModel = Connection<Event>;
/** An organisation of the members subgraph, known here only by its id. */
export interface OrganisationModel {
  id: string;
}
