import { CreateOrganisationsAndPeople1764201600000 } from './1764201600000-create-organisations-and-people';

/** Every migration of this subgraph, oldest first. */
export const migrations = [CreateOrganisationsAndPeople1764201600000];
