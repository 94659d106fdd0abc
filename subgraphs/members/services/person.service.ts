import { parseId } from '../../../platform/ids';
import type { Person } from '../entities';
import type { MembersLoaders } from '../loaders';

export class PersonService {
  constructor(private readonly loaders: MembersLoaders) {}

  async findById(id: string): Promise<Person | null> {
    return this.loaders.personById.load(parseId(id));
  }

  async listByOrganisation(organisationId: string): Promise<Person[]> {
    return this.loaders.peopleByOrganisation.load(organisationId);
  }
}
