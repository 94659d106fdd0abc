import type { DataSource } from 'typeorm';
import { createMembersLoaders } from './loaders';
import { OrganisationService } from './services/organisation.service';
import { PersonService } from './services/person.service';

/** What every members resolver receives: the request's services, sharing one set of loaders. */
export interface MembersContext {
  organisations: OrganisationService;
  people: PersonService;
}

export function createMembersContext({ dataSource }: { dataSource: DataSource }): MembersContext {
  const loaders = createMembersLoaders(dataSource);
  return {
    organisations: new OrganisationService(dataSource, loaders),
    people: new PersonService(loaders),
  };
}
