import type { DataSource } from 'typeorm';
import { createOrganisationByIdLoader } from './organisation.loader';
import { createPeopleByOrganisationLoader, createPersonByIdLoader } from './person.loader';

/** The loaders of one request. Made fresh per request so no cached row outlives it. */
export function createMembersLoaders(dataSource: DataSource) {
  return {
    organisationById: createOrganisationByIdLoader(dataSource),
    personById: createPersonByIdLoader(dataSource),
    peopleByOrganisation: createPeopleByOrganisationLoader(dataSource),
  };
}
export type MembersLoaders = ReturnType<typeof createMembersLoaders>;
